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
import { notificationId } from '../src/domain/notification.ids.js';

const off = (category: NotificationCategory, channel: Channel) => ({ category, channel, enabled: false });

describe('parental controls', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness();
  });
  after(async () => {
    await t?.stop();
  });

  async function pushDevice(token: string, name: string) {
    await t.client.registerDevice(
      {
        expoPushToken: `ExponentPushToken[${name}]`,
        platform: DevicePlatform.DEVICE_PLATFORM_IOS,
        name,
        appVersion: '',
      },
      bearer(token),
    );
  }

  const inbox = async (token: string) => (await t.client.listNotifications({}, bearer(token))).notifications;

  describe('what a child receives', () => {
    it("lets a parent turn off a child's push for a category, and fan-out honours it", async () => {
      const h = await t.household(1);
      const kid = h.kids[0]!;
      await pushDevice(kid.token, 'kid-phone');
      const before = await t.client.getChildNotificationSettings(
        { familyId: h.familyId, memberId: kid.memberId },
        bearer(h.parent.token),
      );
      expect(before.settings!.settings.every((s) => s.enabled)).to.equal(true);
      expect(before.settings!.updatedAt).to.equal(undefined);

      const updated = await t.client.updateChildNotificationSettings(
        {
          familyId: h.familyId,
          memberId: kid.memberId,
          settings: [off(NotificationCategory.NOTIFICATION_CATEGORY_ALLOWANCE, Channel.CHANNEL_PUSH)],
        },
        bearer(h.parent.token),
      );
      expect(updated.settings!.updatedByMemberId).to.equal(h.parent.memberId);

      const e = allowancePaid(h);
      await t.send(e);
      const n = (await inbox(kid.token)).find((x) => x.eventId === e.id)!;
      expect(n, 'in-app still lands').to.not.equal(undefined);
      expect(await t.job('push', n.id)).to.equal(undefined);
    });
  });

  describe('what each parent hears about each child', () => {
    it('starts with every kind of news about the child on every channel', async () => {
      const h = await t.household(1);
      const r = await t.client.getChildNewsSettings(
        { familyId: h.familyId, memberId: h.kids[0]!.memberId },
        bearer(h.parent.token),
      );
      const s = r.settings!;
      expect(s.memberId).to.equal(h.kids[0]!.memberId);
      expect(s.parentMemberId).to.equal(h.parent.memberId);
      expect(s.spendingLimitSmsEscalation).to.equal(false);
      expect(s.settings.every((x) => x.enabled)).to.equal(true);
      expect(new Set(s.settings.map((x) => x.category))).to.deep.equal(
        new Set([
          NotificationCategory.NOTIFICATION_CATEGORY_SPENDING_LIMIT,
          NotificationCategory.NOTIFICATION_CATEGORY_CHORES,
          NotificationCategory.NOTIFICATION_CATEGORY_GOALS,
          NotificationCategory.NOTIFICATION_CATEGORY_ALLOWANCE,
          NotificationCategory.NOTIFICATION_CATEGORY_ACHIEVEMENTS,
        ]),
      );
      expect(s.settings).to.have.length(5 * 4);
    });

    it("applies one parent's choice for one child only: the other parent and the other child are unaffected", async () => {
      const h = await t.household(2);
      const co = await t.coParent(h);
      await pushDevice(h.parent.token, 'pat-phone');
      await pushDevice(co.token, 'alex-phone');
      const saved = await t.client.updateChildNewsSettings(
        {
          familyId: h.familyId,
          memberId: h.kids[0]!.memberId,
          settings: [
            off(NotificationCategory.NOTIFICATION_CATEGORY_CHORES, Channel.CHANNEL_IN_APP),
            off(NotificationCategory.NOTIFICATION_CATEGORY_CHORES, Channel.CHANNEL_PUSH),
          ],
          spendingLimitSmsEscalation: false,
        },
        bearer(h.parent.token),
      );
      expect(saved.settings!.updatedAt).to.be.instanceOf(Date);
      const chores = saved.settings!.settings.filter(
        (x) => x.category === NotificationCategory.NOTIFICATION_CATEGORY_CHORES,
      );
      expect(chores.filter((x) => !x.enabled).map((x) => x.channel)).to.have.members([
        Channel.CHANNEL_IN_APP,
        Channel.CHANNEL_PUSH,
      ]);

      const first = choreSubmitted(h, 0);
      const second = choreSubmitted(h, 1);
      await t.send(first, second);

      const mine = await inbox(h.parent.token);
      expect(mine.map((n) => n.eventId))
        .to.include(second.id)
        .and.not.include(first.id);
      const theirs = await inbox(co.token);
      expect(theirs.map((n) => n.eventId)).to.include.members([first.id, second.id]);
      // Push follows the same choice: none for Pat about the first child, one for Alex.
      expect(await t.job('push', notificationId(first.id, h.parent.userId))).to.equal(undefined);
      expect(await t.job('push', notificationId(second.id, h.parent.userId))).to.not.equal(undefined);
      expect(await t.job('push', notificationId(first.id, co.userId))).to.not.equal(undefined);
    });

    it('texts only the parents who asked for SMS escalation about that child, even with their own SMS off', async () => {
      const h = await t.household(2);
      const co = await t.coParent(h);
      await t.setPhone(h.parent.token, '+49 151 1234-5678');
      await t.setPhone(co.token, '+4915199999999');
      await t.client.updateChildNewsSettings(
        { familyId: h.familyId, memberId: h.kids[0]!.memberId, settings: [], spendingLimitSmsEscalation: true },
        bearer(h.parent.token),
      );
      const escalated = limitExceeded(h, 0);
      const plain = limitExceeded(h, 1);
      await t.send(escalated, plain);
      const sms = await t.job('sms', notificationId(escalated.id, h.parent.userId));
      expect(sms!.data).to.include({ to: '+4915112345678', category: 'SPENDING_LIMIT', urgent: true });
      expect(await t.job('sms', notificationId(plain.id, h.parent.userId)), 'other child').to.equal(undefined);
      expect(await t.job('sms', notificationId(escalated.id, co.userId)), 'other parent').to.equal(undefined);
      // Both parents still get the breach in the app.
      expect((await inbox(co.token)).map((n) => n.eventId)).to.include(escalated.id);
    });

    it('rejects categories that carry no news about a child, naming the field', async () => {
      const h = await t.household(1);
      const failure = await expectGrpcError(
        t.client.updateChildNewsSettings(
          {
            familyId: h.familyId,
            memberId: h.kids[0]!.memberId,
            settings: [off(NotificationCategory.NOTIFICATION_CATEGORY_BUDGET, Channel.CHANNEL_EMAIL)],
            spendingLimitSmsEscalation: true,
          },
          bearer(h.parent.token),
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(failure.violations.map((v) => v.field)).to.deep.equal(['settings.0.category']);
      const unchanged = await t.client.getChildNewsSettings(
        { familyId: h.familyId, memberId: h.kids[0]!.memberId },
        bearer(h.parent.token),
      );
      expect(unchanged.settings!.spendingLimitSmsEscalation, 'nothing saved').to.equal(false);
    });

    it("forgets a removed child's settings", async () => {
      const h = await t.household(1);
      const kid = h.kids[0]!;
      await t.client.updateChildNewsSettings(
        { familyId: h.familyId, memberId: kid.memberId, settings: [], spendingLimitSmsEscalation: true },
        bearer(h.parent.token),
      );
      await t.client.updateChildNotificationSettings(
        { familyId: h.familyId, memberId: kid.memberId, settings: [] },
        bearer(h.parent.token),
      );
      const newsKey = `${t.prefix}child-news:${h.familyId}:${h.parent.memberId}`;
      expect(await t.service.redis.hExists(newsKey, kid.memberId)).to.equal(1);
      await t.auth.client.removeMember({ familyId: h.familyId, memberId: kid.memberId }, bearer(h.parent.token));
      await waitFor(async () => (await t.service.redis.hExists(newsKey, kid.memberId)) === 0, {
        what: 'settings dropped',
      });
      expect(await t.service.redis.exists(`${t.prefix}child-settings:${h.familyId}:${kid.memberId}`)).to.equal(0);
    });
  });

  describe('access', () => {
    it("refuses a child reading or changing anyone's settings", async () => {
      const h = await t.household(2);
      await expectGrpcError(
        t.client.getChildNotificationSettings(
          { familyId: h.familyId, memberId: h.kids[1]!.memberId },
          bearer(h.kids[0]!.token),
        ),
        Status.PERMISSION_DENIED,
      );
      await expectGrpcError(
        t.client.updateChildNotificationSettings(
          { familyId: h.familyId, memberId: h.kids[1]!.memberId, settings: [] },
          bearer(h.kids[0]!.token),
        ),
        Status.PERMISSION_DENIED,
      );
      await expectGrpcError(
        t.client.getChildNewsSettings(
          { familyId: h.familyId, memberId: h.kids[0]!.memberId },
          bearer(h.kids[0]!.token),
        ),
        Status.PERMISSION_DENIED,
      );
      await expectGrpcError(
        t.client.updateChildNewsSettings(
          { familyId: h.familyId, memberId: h.kids[1]!.memberId, settings: [], spendingLimitSmsEscalation: true },
          bearer(h.kids[0]!.token),
        ),
        Status.PERMISSION_DENIED,
      );
    });

    it('answers NOT_FOUND to a parent of another family, and names the field for a non-child', async () => {
      const h = await t.household(1);
      const other = await t.household(0);
      for (const call of [t.client.getChildNotificationSettings, t.client.getChildNewsSettings]) {
        await expectGrpcError(
          call({ familyId: h.familyId, memberId: h.kids[0]!.memberId }, bearer(other.parent.token)),
          Status.NOT_FOUND,
        );
        await expectGrpcError(
          call({ familyId: other.familyId, memberId: h.kids[0]!.memberId }, bearer(other.parent.token)),
          Status.NOT_FOUND,
        );
        const failure = await expectGrpcError(
          call({ familyId: h.familyId, memberId: h.parent.memberId }, bearer(h.parent.token)),
          Status.INVALID_ARGUMENT,
        );
        expect(failure.violations.map((v) => v.field)).to.deep.equal(['memberId']);
      }
    });
  });
});
