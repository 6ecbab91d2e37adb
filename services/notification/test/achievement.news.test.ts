// Progress news from the gamification service (achievement.unlocked, level.reached, streak.milestone,
// quest.completed): the member is congratulated, and the parents of a child hear it under their
// ACHIEVEMENTS news settings for that child.
import { expect } from 'chai';
import { Channel, NotificationCategory } from '@family/contracts/common/v1/common';
import { DevicePlatform } from '@family/contracts/notification/v1/notification';
import { AchievementUnlocked, type DomainEvent } from '@family/contracts/events/v1/events';
import { notificationId } from '../src/domain/notification.ids.js';
import {
  bearer,
  event,
  startNotificationHarness,
  type Household,
  type NotificationHarness,
} from './notification.harness.js';

const off = (category: NotificationCategory, channel: Channel) => ({ category, channel, enabled: false });
const ACHIEVEMENTS = NotificationCategory.NOTIFICATION_CATEGORY_ACHIEVEMENTS;

function achievementUnlocked(
  h: Household,
  memberId: string,
  title = 'First chore',
  over: Partial<AchievementUnlocked> = {},
): DomainEvent {
  return event(h.familyId, {
    $case: 'achievementUnlocked',
    value: AchievementUnlocked.fromPartial({
      memberId,
      achievementId: 'first-chore',
      title,
      badgeId: 'first-chore',
      badgeKind: 'ONE_OFF',
      step: 'earned',
      xp: 25,
      ...over,
    }),
  });
}

function levelReached(h: Household, memberId: string, level: number): DomainEvent {
  return event(h.familyId, { $case: 'levelReached', value: { memberId, level } });
}

describe('achievement news', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness();
  });
  after(async () => {
    await t?.stop();
  });

  const inbox = async (token: string) => (await t.client.listNotifications({}, bearer(token))).notifications;

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

  it('congratulates the child on a new badge in the app and by push, and tells every parent', async () => {
    const h = await t.household(1);
    const co = await t.coParent(h);
    const kid = h.kids[0]!;
    await pushDevice(kid.token, 'kid-badge-phone');
    const e = achievementUnlocked(h, kid.memberId);
    await t.send(e);

    const mine = (await inbox(kid.token)).find((n) => n.eventId === e.id)!;
    expect(mine.category).to.equal(ACHIEVEMENTS);
    expect(mine.title).to.equal('New badge: First chore!');
    expect(mine.body).to.equal('Well done, the "First chore" badge is yours.');
    expect(mine.data).to.include({ achievementId: 'first-chore', memberId: kid.memberId });
    expect(await t.job('push', mine.id), 'push to the child').to.not.equal(undefined);
    expect(await t.job('email', mine.id), 'no email for achievements by default').to.equal(undefined);

    for (const parent of [h.parent, co]) {
      const news = (await inbox(parent.token)).find((n) => n.eventId === e.id)!;
      expect(news.category).to.equal(ACHIEVEMENTS);
      expect(news.title).to.equal('Kid 0 earned a badge');
      expect(news.body).to.equal('Kid 0 unlocked "First chore".');
    }
  });

  it('tells a parent nothing about a child whose achievement news they turned off, and still tells the other parent', async () => {
    const h = await t.household(2);
    const co = await t.coParent(h);
    await t.client.updateChildNewsSettings(
      {
        familyId: h.familyId,
        memberId: h.kids[0]!.memberId,
        settings: [off(ACHIEVEMENTS, Channel.CHANNEL_IN_APP), off(ACHIEVEMENTS, Channel.CHANNEL_PUSH)],
        spendingLimitSmsEscalation: false,
      },
      bearer(h.parent.token),
    );
    await pushDevice(h.parent.token, 'pat-badge-phone');
    const muted = levelReached(h, h.kids[0]!.memberId, 2);
    const heard = levelReached(h, h.kids[1]!.memberId, 3);
    await t.send(muted, heard);

    const mine = await inbox(h.parent.token);
    expect(mine.map((n) => n.eventId))
      .to.include(heard.id)
      .and.not.include(muted.id);
    expect(mine.find((n) => n.eventId === heard.id)!.title).to.equal('Kid 1 reached level 3');
    expect(await t.job('push', notificationId(muted.id, h.parent.userId))).to.equal(undefined);
    expect(await t.job('push', notificationId(heard.id, h.parent.userId))).to.not.equal(undefined);
    expect((await inbox(co.token)).map((n) => n.eventId)).to.include.members([muted.id, heard.id]);
    // The child is congratulated whatever the parents chose to hear.
    const kidNews = (await inbox(h.kids[0]!.token)).find((n) => n.eventId === muted.id)!;
    expect(kidNews.title).to.equal('Level 2!');
    expect(kidNews.body).to.equal('You reached level 2. Great work, keep going!');
  });

  it('follows what the parents allow the child: no push when they turned it off, the inbox entry stays', async () => {
    const h = await t.household(1);
    const kid = h.kids[0]!;
    await pushDevice(kid.token, 'kid-quiet-phone');
    await t.client.updateChildNotificationSettings(
      { familyId: h.familyId, memberId: kid.memberId, settings: [off(ACHIEVEMENTS, Channel.CHANNEL_PUSH)] },
      bearer(h.parent.token),
    );
    const e = achievementUnlocked(h, kid.memberId, 'Super saver (bronze)');
    await t.send(e);
    const n = (await inbox(kid.token)).find((x) => x.eventId === e.id)!;
    expect(n.title).to.equal('New badge: Super saver (bronze)!');
    expect(await t.job('push', n.id)).to.equal(undefined);
  });

  it('congratulates a parent on their own level and tells nobody else', async () => {
    const h = await t.household(1);
    const co = await t.coParent(h);
    const e = levelReached(h, h.parent.memberId, 4);
    await t.send(e);
    expect((await inbox(h.parent.token)).find((n) => n.eventId === e.id)?.title).to.equal('Level 4!');
    expect((await inbox(co.token)).map((n) => n.eventId)).not.to.include(e.id);
    expect((await inbox(h.kids[0]!.token)).map((n) => n.eventId)).not.to.include(e.id);
  });

  it('tells the child and the parents what a parent-made badge pays into the savings jar', async () => {
    const h = await t.household(1);
    const badgeId = '0190a0a0-0000-7000-8000-000000000001';
    const e = achievementUnlocked(h, h.kids[0]!.memberId, 'Tidy week', {
      achievementId: `custom.${badgeId}`,
      badgeId,
      badgeKind: 'CUSTOM',
      reward: { amountMinor: 200, currency: 'EUR' },
      rewardKey: `custom-badge:${badgeId}:${h.kids[0]!.memberId}`,
    });
    await t.send(e);
    const kid = (await inbox(h.kids[0]!.token)).find((n) => n.eventId === e.id)!;
    expect(kid.title).to.equal('New badge: Tidy week!');
    expect(kid.body).to.equal('Well done, the "Tidy week" badge is yours, and €2.00 goes into your savings jar.');
    const parent = (await inbox(h.parent.token)).find((n) => n.eventId === e.id)!;
    expect(parent.body).to.equal('Kid 0 unlocked "Tidy week", and €2.00 goes into their savings jar.');
  });

  it('cheers a streak milestone for the child and their parents', async () => {
    const h = await t.household(1);
    const e = event(h.familyId, { $case: 'streakMilestone', value: { memberId: h.kids[0]!.memberId, days: 7 } });
    await t.send(e);
    const kid = (await inbox(h.kids[0]!.token)).find((n) => n.eventId === e.id)!;
    expect(kid).to.include({ category: ACHIEVEMENTS, title: '7-day streak!' });
    expect(kid.body).to.equal('You have kept it up 7 days in a row. Amazing!');
    const parent = (await inbox(h.parent.token)).find((n) => n.eventId === e.id)!;
    expect(parent.title).to.equal('Kid 0 is on a 7-day streak');
  });

  it('congratulates everyone in a completed family quest, and tells the parents who were not in it', async () => {
    const h = await t.household(2);
    const whole = event(h.familyId, {
      $case: 'questCompleted',
      value: {
        questId: '0190a0a0-0000-7000-8000-000000000002',
        title: '20 chores together',
        memberIds: [],
        target: 20,
        progress: 20,
        measure: 'COUNT',
        contributorMemberIds: [h.kids[0]!.memberId],
      },
    });
    const kidsOnly = event(h.familyId, {
      $case: 'questCompleted',
      value: {
        questId: '0190a0a0-0000-7000-8000-000000000003',
        title: 'Save together',
        memberIds: [h.kids[0]!.memberId, h.kids[1]!.memberId],
        target: 10000,
        progress: 10500,
        measure: 'AMOUNT',
        contributorMemberIds: [h.kids[0]!.memberId, h.kids[1]!.memberId],
      },
    });
    await t.send(whole, kidsOnly);
    for (const who of [h.parent.token, h.kids[0]!.token, h.kids[1]!.token]) {
      const n = (await inbox(who)).find((x) => x.eventId === whole.id)!;
      expect(n).to.include({ category: ACHIEVEMENTS, title: 'Quest complete: 20 chores together!' });
    }
    for (const kid of h.kids) {
      const n = (await inbox(kid.token)).find((x) => x.eventId === kidsOnly.id)!;
      expect(n.body).to.equal('Together you did it: "Save together" is complete. Great teamwork!');
    }
    const parent = (await inbox(h.parent.token)).find((x) => x.eventId === kidsOnly.id)!;
    expect(parent.title).to.equal('Family quest complete');
    expect(parent.body).to.equal('Kid 0 and Kid 1 completed "Save together" together.');
  });

  it('announces a redelivered achievement once', async () => {
    const h = await t.household(1);
    const e = achievementUnlocked(h, h.kids[0]!.memberId);
    await t.send(e);
    await t.send(e);
    expect((await inbox(h.kids[0]!.token)).filter((n) => n.eventId === e.id)).to.have.length(1);
    expect((await inbox(h.parent.token)).filter((n) => n.eventId === e.id)).to.have.length(1);
  });
});
