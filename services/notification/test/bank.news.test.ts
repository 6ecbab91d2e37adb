// News from the bank service: a connection that needs the bank's sign-in again (login required,
// consent expired, revoked) or whose consent ends in a week reaches every parent of the family (in
// the app, by push and by email, BANK being one of the categories emailed by default), never the
// children, with a calm text saying what happened and what to do.
import { expect } from 'chai';
import { BankProvider, NotificationCategory } from '@family/contracts/common/v1/common';
import { DevicePlatform } from '@family/contracts/notification/v1/notification';
import type { BankConnectionNeedsReauth, DomainEvent } from '@family/contracts/events/v1/events';
import { newId } from '@family/db';
import { notificationId } from '../src/domain/notification.ids.js';
import {
  bearer,
  event,
  startNotificationHarness,
  type Household,
  type NotificationHarness,
} from './notification.harness.js';

const BANK = NotificationCategory.NOTIFICATION_CATEGORY_BANK;

function needsReauth(
  h: Household,
  institutionName = 'Mock Bank',
  over: Partial<DomainEvent> = {},
  value: Partial<BankConnectionNeedsReauth> = {},
): DomainEvent {
  return event(
    h.familyId,
    {
      $case: 'bankConnectionNeedsReauth',
      value: { connectionId: newId(), provider: BankProvider.BANK_PROVIDER_TRUELAYER, institutionName, ...value },
    },
    over,
  );
}

describe('bank news', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness();
  });
  after(async () => {
    await t?.stop();
  });

  const inbox = async (token: string) => (await t.client.listNotifications({}, bearer(token))).notifications;

  it('tells every parent, in the app, by push and by email, that a bank link needs signing in again', async () => {
    const h = await t.household(1);
    const co = await t.coParent(h);
    await t.client.registerDevice(
      {
        expoPushToken: 'ExponentPushToken[pat-bank-phone]',
        platform: DevicePlatform.DEVICE_PLATFORM_ANDROID,
        name: 'pat',
        appVersion: '',
      },
      bearer(h.parent.token),
    );
    const e = needsReauth(h);
    await t.send(e);

    for (const parent of [h.parent, co]) {
      const n = (await inbox(parent.token)).find((x) => x.eventId === e.id)!;
      expect(n, 'a parent’s inbox entry').to.not.equal(undefined);
      expect(n.category).to.equal(BANK);
      expect(n.title).to.equal('Reconnect Mock Bank');
      expect(n.body).to.equal(
        'Syncing from Mock Bank is paused: the bank wants a fresh sign-in. Nothing is lost. Open Bank ' +
          'connections, choose Reconnect and sign in with the bank; syncing then picks up where it left off.',
      );
      expect(n.data).to.have.property(
        'connectionId',
        (e.payload as { value: { connectionId: string } }).value.connectionId,
      );
      const mail = await t.job('email', n.id);
      expect(mail, 'email is on for BANK by default').to.not.equal(undefined);
      expect(mail!.data).to.include({ to: parent.email, title: 'Reconnect Mock Bank' });
    }
    expect(await t.job('push', notificationId(e.id, h.parent.userId)), 'push to the parent’s phone').to.not.equal(
      undefined,
    );
    expect(await t.job('sms', notificationId(e.id, h.parent.userId)), 'SMS is off by default').to.equal(undefined);
    expect(
      (await inbox(h.kids[0]!.token)).map((n) => n.eventId),
      'children are not told',
    ).not.to.include(e.id);
  });

  it('still reaches the parents when the event was raised by a background sync with no user behind it', async () => {
    const h = await t.household(0);
    const e = needsReauth(h, '', { actorUserId: '' });
    await t.send(e);
    const n = (await inbox(h.parent.token)).find((x) => x.eventId === e.id)!;
    expect(n.title).to.equal('Reconnect your bank');
    expect(n.body).to.match(/^Syncing from your bank is paused/);
  });

  it('tells each parent once however often the event is delivered', async () => {
    const h = await t.household(0);
    const e = needsReauth(h, 'Plaid Sandbox Bank');
    await t.send(e);
    await t.send(e);
    expect((await inbox(h.parent.token)).filter((n) => n.eventId === e.id)).to.have.length(1);
  });

  it('names the parent who linked the bank to the other parents, and says what each reason means', async () => {
    const h = await t.household(0);
    const co = await t.coParent(h);
    const expired = needsReauth(
      h,
      'Mock Bank',
      {},
      {
        reason: 'CONSENT_EXPIRED',
        status: 'NEEDS_REAUTH',
        createdByMemberId: h.parent.memberId,
      },
    );
    const revoked = needsReauth(
      h,
      'Mock Bank',
      {},
      {
        reason: 'REVOKED',
        status: 'REVOKED',
        createdByMemberId: h.parent.memberId,
      },
    );
    await t.send(expired, revoked);

    const linkerNews = (await inbox(h.parent.token)).find((n) => n.eventId === expired.id)!;
    expect(linkerNews.title).to.equal('Reconnect Mock Bank');
    expect(linkerNews.body).to.match(/^The permission to read Mock Bank has ended, as bank consent does after a while/);
    expect(linkerNews.body).to.include('choose Reconnect and give consent again');
    expect(linkerNews.data).to.include({ reason: 'CONSENT_EXPIRED' });
    const coNews = (await inbox(co.token)).find((n) => n.eventId === expired.id)!;
    expect(coNews.body).to.match(/^The permission to read Mock Bank, linked by Pat, has ended/);

    const gone = (await inbox(h.parent.token)).find((n) => n.eventId === revoked.id)!;
    expect(gone.title).to.equal('Mock Bank is disconnected');
    expect(gone.body).to.equal(
      'The connection to Mock Bank was ended at the bank, so no new transactions arrive. Everything already ' +
        'imported stays. To keep syncing, open Bank connections and link the bank again.',
    );
  });

  it('tells the parents a week ahead that the consent of a bank link is about to end', async () => {
    const h = await t.household(1);
    const connectionId = newId();
    const e = event(h.familyId, {
      $case: 'bankConsentExpiring',
      value: {
        connectionId,
        provider: BankProvider.BANK_PROVIDER_TRUELAYER,
        institutionName: 'Mock Bank',
        consentExpiresAt: new Date('2026-12-09T10:00:00Z'),
        createdByMemberId: h.parent.memberId,
      },
    });
    await t.send(e);
    const n = (await inbox(h.parent.token)).find((x) => x.eventId === e.id)!;
    expect(n.category).to.equal(BANK);
    expect(n.urgent).to.equal(false);
    expect(n.title).to.equal('Renew access to Mock Bank');
    expect(n.body).to.equal(
      'The permission to read Mock Bank ends on 9 December 2026. Reconnect before then so transactions keep ' +
        'arriving without a gap: open Bank connections and choose Reconnect.',
    );
    expect(n.data).to.include({ connectionId, consentExpiresAt: '2026-12-09T10:00:00.000Z' });
    expect(await t.job('email', n.id), 'emailed by default').to.not.equal(undefined);
    expect((await inbox(h.kids[0]!.token)).map((x) => x.eventId)).not.to.include(e.id);
  });
});
