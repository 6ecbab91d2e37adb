import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { Channel, NotificationCategory } from '@family/contracts/common/v1/common';
import { DevicePlatform } from '@family/contracts/notification/v1/notification';
import {
  allowancePaid,
  bearer,
  limitExceeded,
  startNotificationHarness,
  type NotificationHarness,
} from './notification.harness.js';

describe('parental controls', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness();
  });
  after(async () => {
    await t?.stop();
  });

  it("lets a parent turn off a child's push for a category, and fan-out honours it", async () => {
    const h = await t.household(1);
    const kid = h.kids[0]!;
    await t.client.registerDevice(
      {
        expoPushToken: 'ExponentPushToken[kid-phone]',
        platform: DevicePlatform.DEVICE_PLATFORM_ANDROID,
        name: '',
        appVersion: '',
      },
      bearer(kid.token),
    );
    const before = await t.client.getChildNotificationSettings(
      { familyId: h.familyId, memberId: kid.memberId },
      bearer(h.parent.token),
    );
    expect(before.settings!.settings.every((s) => s.enabled)).to.equal(true);
    expect(before.settings!.spendingLimitSmsEscalation).to.equal(false);

    const updated = await t.client.updateChildNotificationSettings(
      {
        familyId: h.familyId,
        memberId: kid.memberId,
        settings: [
          {
            category: NotificationCategory.NOTIFICATION_CATEGORY_ALLOWANCE,
            channel: Channel.CHANNEL_PUSH,
            enabled: false,
          },
        ],
        spendingLimitSmsEscalation: true,
      },
      bearer(h.parent.token),
    );
    expect(updated.settings!.updatedByMemberId).to.equal(h.parent.memberId);
    expect(updated.settings!.spendingLimitSmsEscalation).to.equal(true);

    const e = allowancePaid(h);
    await t.send(e);
    const n = (await t.client.listNotifications({}, bearer(kid.token))).notifications.find((x) => x.eventId === e.id)!;
    expect(n, 'in-app still lands').to.not.equal(undefined);
    expect(await t.job('push', n.id)).to.equal(undefined);
  });

  it('texts parents with a phone when a child with SMS escalation exceeds a limit', async () => {
    const h = await t.household(2);
    await t.setPhone(h.parent.userId, '+4915112345678');
    await t.client.updateChildNotificationSettings(
      { familyId: h.familyId, memberId: h.kids[0]!.memberId, settings: [], spendingLimitSmsEscalation: true },
      bearer(h.parent.token),
    );
    const escalated = limitExceeded(h, 0);
    const plain = limitExceeded(h, 1);
    await t.send(escalated, plain);
    const inbox = (await t.client.listNotifications({}, bearer(h.parent.token))).notifications;
    const sms = await t.job('sms', inbox.find((x) => x.eventId === escalated.id)!.id);
    expect(sms!.data).to.include({ to: '+4915112345678', category: 'SPENDING_LIMIT', urgent: true });
    expect(await t.job('sms', inbox.find((x) => x.eventId === plain.id)!.id)).to.equal(undefined);
  });

  it("refuses a child reading or changing anyone's settings", async () => {
    const h = await t.household(2);
    await expectGrpcError(
      t.client.getChildNotificationSettings(
        { familyId: h.familyId, memberId: h.parent.memberId },
        bearer(h.kids[0]!.token),
      ),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      t.client.updateChildNotificationSettings(
        { familyId: h.familyId, memberId: h.kids[1]!.memberId, settings: [], spendingLimitSmsEscalation: false },
        bearer(h.kids[0]!.token),
      ),
      Status.PERMISSION_DENIED,
    );
  });

  it('answers NOT_FOUND to a parent of another family, and names the field for a non-child', async () => {
    const h = await t.household(1);
    const other = await t.household(0);
    await expectGrpcError(
      t.client.getChildNotificationSettings(
        { familyId: h.familyId, memberId: h.kids[0]!.memberId },
        bearer(other.parent.token),
      ),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      t.client.getChildNotificationSettings(
        { familyId: other.familyId, memberId: h.kids[0]!.memberId },
        bearer(other.parent.token),
      ),
      Status.NOT_FOUND,
    );
    const failure = await expectGrpcError(
      t.client.getChildNotificationSettings(
        { familyId: h.familyId, memberId: h.parent.memberId },
        bearer(h.parent.token),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['memberId']);
  });
});
