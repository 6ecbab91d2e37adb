import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError, waitFor } from '@family/testing';
import { Channel, NotificationCategory } from '@family/contracts/common/v1/common';
import { DevicePlatform } from '@family/contracts/notification/v1/notification';
import {
  allowancePaid,
  bearer,
  choreSubmitted,
  limitExceeded,
  startNotificationHarness,
  type NotificationHarness,
} from './notification.harness.js';

const PUSH_TOKEN = () => `ExponentPushToken[${Math.random().toString(36).slice(2)}]`;

describe('notification service', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness();
  });
  after(async () => {
    await t?.stop();
  });

  async function registerDevice(token: string) {
    const expoPushToken = PUSH_TOKEN();
    await t.client.registerDevice(
      { expoPushToken, platform: DevicePlatform.DEVICE_PLATFORM_IOS, name: 'phone', appVersion: '1.0' },
      bearer(token),
    );
    return expoPushToken;
  }

  describe('events to notifications', () => {
    it("loads a family's members from auth when it never saw them, and keeps a removed member out", async () => {
      const h = await t.household(2);
      const co = await t.coParent(h);
      await t.auth.client.removeMember({ familyId: h.familyId, memberId: co.memberId }, bearer(h.parent.token));
      await waitFor(
        async () => !(await t.service.redis.hExists(`${t.prefix}family:${h.familyId}:members`, co.memberId)),
        {
          what: 'removal event',
        },
      );
      // As if this service had never seen the family (deployed after it was created): no members, not
      // loaded. The removal is remembered, so a load cannot bring the co-parent back.
      await t.service.redis.del([
        `${t.prefix}family:${h.familyId}:members`,
        `${t.prefix}family:${h.familyId}:synced`,
        `${t.prefix}user:${h.parent.userId}:families`,
      ]);
      const e = limitExceeded(h, 1);
      await t.send(e);
      const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
      expect(inbox.notifications.map((x) => x.eventId)).to.include(e.id);
      expect(inbox.notifications.find((x) => x.eventId === e.id)!.title).to.equal(
        'Kid 1 went over their spending limit',
      );
      expect(await t.service.redis.hLen(`${t.prefix}family:${h.familyId}:members`)).to.equal(3);
      expect(await t.service.redis.sMembers(`${t.prefix}user:${h.parent.userId}:families`)).to.deep.equal([h.familyId]);
      const coInbox = await t.client.listNotifications({}, bearer(co.token));
      expect(coInbox.notifications.map((x) => x.eventId)).not.to.include(e.id);
    });

    it("puts a child's spending-limit breach in every parent's inbox, publishes it and enqueues push and email", async () => {
      const h = await t.household(1);
      const co = await t.coParent(h);
      const pushToken = await registerDevice(h.parent.token);
      const live = await t.listen(h.parent.userId);
      const e = limitExceeded(h);
      await t.send(e);

      const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
      const n = inbox.notifications.find((x) => x.eventId === e.id)!;
      expect(n.category).to.equal(NotificationCategory.NOTIFICATION_CATEGORY_SPENDING_LIMIT);
      expect(n.title).to.equal('Kid 0 went over their spending limit');
      expect(n.body).to.contain('€25.50').and.contain('€20.00');
      expect(n.urgent).to.equal(true);
      expect(inbox.unreadCount).to.be.greaterThan(0);
      const coInbox = await t.client.listNotifications({}, bearer(co.token));
      expect(coInbox.notifications.map((x) => x.eventId)).to.include(e.id);
      const kidInbox = await t.client.listNotifications({}, bearer(h.kids[0]!.token));
      expect(kidInbox.notifications.map((x) => x.eventId)).not.to.include(e.id);

      // The co-parent's join may be published on the same channel just before or after.
      const published = await waitFor(() => live.find((x) => (x as { id?: string }).id === n.id), {
        what: 'the published notification',
      });
      expect(published).to.include({ id: n.id, category: 'SPENDING_LIMIT', title: n.title });

      const push = await t.job('push', n.id);
      expect(push, 'push job').to.not.equal(undefined);
      expect(push!.data).to.include({ notificationId: n.id, userId: h.parent.userId, familyId: h.familyId });
      expect(push!.data.tokens).to.deep.equal([pushToken]);
      expect(push!.opts.attempts).to.be.greaterThan(1);
      expect(push!.opts.backoff).to.deep.include({ type: 'exponential' });
      const mail = await t.job('email', n.id);
      expect(mail!.data).to.include({ to: h.parent.email, title: n.title });
      expect(await t.job('sms', n.id), 'SMS is off by default').to.equal(undefined);
    });

    it('notifies once when the same event is delivered twice', async () => {
      const h = await t.household(1);
      const e = choreSubmitted(h);
      await t.send(e);
      await t.send(e);
      const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
      expect(inbox.notifications.filter((x) => x.eventId === e.id)).to.have.length(1);
      expect(inbox.unreadCount).to.equal(inbox.notifications.length);
    });

    it('tells the child, not the parents, that their allowance arrived', async () => {
      const h = await t.household(1);
      const e = allowancePaid(h);
      await t.send(e);
      const kid = await t.client.listNotifications({}, bearer(h.kids[0]!.token));
      expect(kid.notifications.find((x) => x.eventId === e.id)?.body).to.contain('€5.00');
      const parent = await t.client.listNotifications({}, bearer(h.parent.token));
      expect(parent.notifications.map((x) => x.eventId)).not.to.include(e.id);
    });

    it('tells the existing parents when someone joins the family', async () => {
      const h = await t.household(0);
      await t.coParent(h);
      const inbox = await waitFor(async () => {
        const r = await t.client.listNotifications({}, bearer(h.parent.token));
        return r.notifications.length > 0 && r;
      });
      expect(inbox.notifications[0]!.title).to.equal('Alex joined the family');
    });

    it('keeps a category out of the inbox and off the live channel when in-app is off', async () => {
      const h = await t.household(1);
      await t.client.updatePreferences(
        {
          settings: [
            {
              category: NotificationCategory.NOTIFICATION_CATEGORY_CHORES,
              channel: Channel.CHANNEL_IN_APP,
              enabled: false,
            },
          ],
          quietHours: undefined,
          dailyDigest: false,
          urgentOverride: true,
        },
        bearer(h.parent.token),
      );
      const live = await t.listen(h.parent.userId);
      const chore = choreSubmitted(h);
      const limit = limitExceeded(h);
      await t.send(chore, limit);
      await waitFor(() => live.length > 0, { what: 'the spending-limit publish' });
      const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
      expect(inbox.notifications.map((n) => n.eventId))
        .to.include(limit.id)
        .and.not.include(chore.id);
      expect(live.map((n) => (n as { eventId: string }).eventId)).to.deep.equal([limit.id]);
    });

    it('lets only the delivery workers report deliveries', async () => {
      const h = await t.household(0);
      const report = {
        notificationId: 'n',
        userId: h.parent.userId,
        channel: Channel.CHANNEL_PUSH,
        providerMessageId: 'x',
        deliveredAt: undefined,
      };
      await expectGrpcError(t.client.acknowledgeDelivery(report, bearer(h.parent.token)), Status.PERMISSION_DENIED);
      await t.client.acknowledgeDelivery(report, bearer(await t.serviceToken('worker')));
    });

    it('refuses HandleEvents without the events:write scope', async () => {
      const h = await t.household(0);
      await expectGrpcError(t.client.handleEvents({ events: [] }, bearer(h.parent.token)), Status.PERMISSION_DENIED);
      await expectGrpcError(
        t.client.handleEvents({ events: [] }, bearer(await t.serviceToken('worker'))),
        Status.PERMISSION_DENIED,
      );
    });
  });

  describe('preferences and quiet hours', () => {
    it('starts from documented defaults', async () => {
      const h = await t.household(0);
      const { preferences } = await t.client.getPreferences({}, bearer(h.parent.token));
      expect(preferences!.settings).to.have.length(9 * 4);
      const on = (c: NotificationCategory, ch: Channel) =>
        preferences!.settings.find((s) => s.category === c && s.channel === ch)!.enabled;
      expect(on(NotificationCategory.NOTIFICATION_CATEGORY_CHORES, Channel.CHANNEL_PUSH)).to.equal(true);
      expect(on(NotificationCategory.NOTIFICATION_CATEGORY_CHORES, Channel.CHANNEL_EMAIL)).to.equal(false);
      expect(on(NotificationCategory.NOTIFICATION_CATEGORY_SECURITY, Channel.CHANNEL_EMAIL)).to.equal(true);
      expect(on(NotificationCategory.NOTIFICATION_CATEGORY_SPENDING_LIMIT, Channel.CHANNEL_SMS)).to.equal(false);
      expect(preferences!.urgentOverride).to.equal(true);
    });

    it('enqueues nothing on a channel the user turned off', async () => {
      const h = await t.household(1);
      await registerDevice(h.parent.token);
      await t.client.updatePreferences(
        {
          settings: [
            {
              category: NotificationCategory.NOTIFICATION_CATEGORY_CHORES,
              channel: Channel.CHANNEL_PUSH,
              enabled: false,
            },
          ],
          quietHours: undefined,
          dailyDigest: false,
          urgentOverride: true,
        },
        bearer(h.parent.token),
      );
      const e = choreSubmitted(h);
      await t.send(e);
      const n = (await t.client.listNotifications({}, bearer(h.parent.token))).notifications.find(
        (x) => x.eventId === e.id,
      )!;
      expect(n, 'in-app still lands').to.not.equal(undefined);
      expect(await t.job('push', n.id)).to.equal(undefined);
    });

    it('delays non-urgent push until quiet hours end, and lets urgent ones through', async () => {
      const h = await t.household(1);
      await registerDevice(h.parent.token);
      await t.client.updatePreferences(
        {
          settings: [],
          quietHours: { enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin' },
          dailyDigest: false,
          urgentOverride: true,
        },
        bearer(h.parent.token),
      );
      // 23:30 in Berlin (UTC+1 in November): 7.5 hours until 07:00.
      t.setNow('2026-11-24T22:30:00Z');
      try {
        const chore = choreSubmitted(h);
        const limit = limitExceeded(h);
        await t.send(chore, limit);
        const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
        const byEvent = (id: string) => inbox.notifications.find((x) => x.eventId === id)!;
        const deferred = await t.job('push', byEvent(chore.id).id);
        expect(deferred!.opts.delay).to.equal(7.5 * 3600_000);
        expect(await deferred!.isDelayed()).to.equal(true);
        const urgent = await t.job('push', byEvent(limit.id).id);
        expect(urgent!.opts.delay ?? 0).to.equal(0);
      } finally {
        t.setNow(undefined);
      }
    });

    it('names the field of an invalid preference', async () => {
      const h = await t.household(0);
      const failure = await expectGrpcError(
        t.client.updatePreferences(
          {
            settings: [
              {
                category: NotificationCategory.NOTIFICATION_CATEGORY_UNSPECIFIED,
                channel: Channel.CHANNEL_PUSH,
                enabled: true,
              },
            ],
            quietHours: { enabled: true, start: '25:00', end: '07:00', timezone: 'Mars/Olympus' },
            dailyDigest: false,
            urgentOverride: false,
          },
          bearer(h.parent.token),
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(failure.violations.map((v) => v.field)).to.have.members([
        'settings.0.category',
        'quietHours.start',
        'quietHours.timezone',
      ]);
    });
  });

  describe('inbox and devices', () => {
    it('pages newest first and marks one or all read', async () => {
      const h = await t.household(1);
      const events = [choreSubmitted(h), choreSubmitted(h), choreSubmitted(h)];
      events.forEach((e, i) => (e.occurredAt = new Date(Date.now() - (3 - i) * 1000)));
      await t.send(...events);
      const first = await t.client.listNotifications({ page: { limit: 2, cursor: '' } }, bearer(h.parent.token));
      expect(first.notifications.map((n) => n.eventId)).to.deep.equal([events[2]!.id, events[1]!.id]);
      const second = await t.client.listNotifications(
        { page: { limit: 2, cursor: first.page!.nextCursor } },
        bearer(h.parent.token),
      );
      expect(second.notifications.map((n) => n.eventId)).to.deep.equal([events[0]!.id]);
      expect(second.page!.nextCursor).to.equal('');

      const read = await t.client.markNotificationRead(
        { notificationId: first.notifications[0]!.id },
        bearer(h.parent.token),
      );
      expect(read.notification!.readAt).to.be.instanceOf(Date);
      expect(read.unreadCount).to.equal(2);
      const unread = await t.client.listNotifications({ unreadOnly: true }, bearer(h.parent.token));
      expect(unread.notifications).to.have.length(2);
      const all = await t.client.markAllNotificationsRead({}, bearer(h.parent.token));
      expect(all).to.deep.equal({ markedCount: 2, unreadCount: 0 });
    });

    it('names the cursor when it is not one this service made', async () => {
      const h = await t.household(0);
      const failure = await expectGrpcError(
        t.client.listNotifications({ page: { limit: 5, cursor: 'garbage' } }, bearer(h.parent.token)),
        Status.INVALID_ARGUMENT,
      );
      expect(failure.violations.map((v) => v.field)).to.deep.equal(['page.cursor']);
    });

    it("refuses to let one user read or mark another's notification", async () => {
      const h = await t.household(1);
      const e = choreSubmitted(h);
      await t.send(e);
      const n = (await t.client.listNotifications({}, bearer(h.parent.token))).notifications[0]!;
      await expectGrpcError(
        t.client.markNotificationRead({ notificationId: n.id }, bearer(h.kids[0]!.token)),
        Status.NOT_FOUND,
      );
      const kid = await t.client.listNotifications({}, bearer(h.kids[0]!.token));
      expect(kid.notifications.map((x) => x.id)).not.to.include(n.id);
      const still = await t.client.listNotifications({ unreadOnly: true }, bearer(h.parent.token));
      expect(still.notifications.map((x) => x.id)).to.include(n.id);
    });

    it('registers, lists, moves and removes devices', async () => {
      const h = await t.household(1);
      const token = await registerDevice(h.parent.token);
      const again = await t.client.registerDevice(
        { expoPushToken: token, platform: DevicePlatform.DEVICE_PLATFORM_ANDROID, name: 'tablet', appVersion: '2' },
        bearer(h.kids[0]!.token),
      );
      expect((await t.client.listDevices({}, bearer(h.parent.token))).devices).to.have.length(0);
      expect((await t.client.listDevices({}, bearer(h.kids[0]!.token))).devices.map((d) => d.id)).to.deep.equal([
        again.device!.id,
      ]);
      await expectGrpcError(
        t.client.unregisterDevice({ deviceId: again.device!.id }, bearer(h.parent.token)),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        t.client.removeDeviceToken({ expoPushToken: token, reason: 'x' }, bearer(h.parent.token)),
        Status.PERMISSION_DENIED,
      );
      const removed = await t.client.removeDeviceToken(
        { expoPushToken: token, reason: 'DeviceNotRegistered' },
        bearer(await t.serviceToken('worker')),
      );
      expect(removed.removed).to.equal(true);
      expect((await t.client.listDevices({}, bearer(h.kids[0]!.token))).devices).to.have.length(0);
      const bad = await expectGrpcError(
        t.client.registerDevice(
          { expoPushToken: 'nope', platform: DevicePlatform.DEVICE_PLATFORM_UNSPECIFIED, name: '', appVersion: '' },
          bearer(h.parent.token),
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(bad.violations.map((v) => v.field)).to.have.members(['expoPushToken', 'platform']);
    });
  });
});
