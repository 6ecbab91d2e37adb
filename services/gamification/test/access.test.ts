// Roles and tenancy over gRPC: a child reads their own progress and the family leaderboard; quests,
// parent-made badges and leaderboard settings are written by parents; another family's ids are
// NOT_FOUND; bad input is INVALID_ARGUMENT naming the field.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import {
  BadgePeriod,
  LeaderboardPeriod,
  QuestMeasure,
  QuestStatus,
} from '@family/contracts/gamification/v1/gamification';
import {
  bearer,
  choreApproved,
  goalContributed,
  startGamificationHarness,
  type GamificationHarness,
  type Household,
} from './gamification.harness.js';

const ALL = LeaderboardPeriod.LEADERBOARD_PERIOD_ALL;
const inDays = (n: number) => {
  const d = new Date(Date.now() + n * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};

describe('gamification access and validation', function () {
  let t: GamificationHarness;
  let h: Household;
  let other: Household;
  before(async () => {
    t = await startGamificationHarness();
    h = await t.household({ kids: 3 });
    other = await t.household({ kids: 1 });
  });
  after(async () => {
    await t.stop();
  });

  function quest(family: Household, extra: Record<string, unknown> = {}) {
    return {
      familyId: family.familyId,
      title: 'Chores together',
      description: '',
      measure: QuestMeasure.QUEST_MEASURE_COUNT,
      eventType: 'chore.approved',
      categoryId: '',
      goalId: '',
      target: 2,
      memberIds: [],
      startsOn: inDays(-1),
      endsOn: inDays(20),
      ...extra,
    };
  }

  it('lets a child read their own progress but not a sibling’s, and another family’s member not at all', async () => {
    const [kid, sibling] = h.kids;
    const own = await t.client.getMemberProgress({ familyId: h.familyId, memberId: kid!.memberId }, bearer(kid!.token));
    expect(own.progress!.memberId).to.equal(kid!.memberId);
    await expectGrpcError(
      t.client.getMemberProgress({ familyId: h.familyId, memberId: sibling!.memberId }, bearer(kid!.token)),
      Status.PERMISSION_DENIED,
      'OWN_ONLY',
    );
    await expectGrpcError(
      t.client.getMemberProgress({ familyId: h.familyId, memberId: other.kids[0]!.memberId }, bearer(h.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      t.client.getMemberProgress({ familyId: other.familyId, memberId: '' }, bearer(h.parentToken)),
      Status.NOT_FOUND,
    );
  });

  it('gives a parent every member’s progress in one call and a child only their own', async () => {
    const parents = await t.client.getFamilyProgress({ familyId: h.familyId }, bearer(h.parentToken));
    expect(parents.members.map((m) => m.memberId).sort()).to.deep.equal(
      [h.parentMemberId, ...h.kids.map((k) => k.memberId)].sort(),
    );
    const child = await t.client.getFamilyProgress({ familyId: h.familyId }, bearer(h.kids[0]!.token));
    expect(child.members.map((m) => m.memberId)).to.deep.equal([h.kids[0]!.memberId]);
  });

  it('ranks the family densely, leaves excluded members out and hides the board when a parent asks', async () => {
    const [a, b, c] = h.kids;
    const now = new Date();
    await t.record([
      choreApproved(h.familyId, a!.memberId, new Date(now.getTime() - 60_000), 30),
      choreApproved(h.familyId, b!.memberId, new Date(now.getTime() - 30_000), 30),
      choreApproved(h.familyId, c!.memberId, now, 10),
    ]);
    const board = await t.client.getLeaderboard({ familyId: h.familyId, period: ALL }, bearer(c!.token));
    expect(board.entries.map((e) => [e.memberId, e.rank, e.points])).to.deep.equal([
      [a!.memberId, 1, 30],
      [b!.memberId, 1, 30],
      [c!.memberId, 2, 10],
      [h.parentMemberId, 3, 0],
    ]);
    const week = await t.client.getLeaderboard(
      { familyId: h.familyId, period: LeaderboardPeriod.LEADERBOARD_PERIOD_UNSPECIFIED },
      bearer(c!.token),
    );
    expect(week.period).to.equal(LeaderboardPeriod.LEADERBOARD_PERIOD_WEEK);
    expect(week.periodStart).to.not.equal(undefined);

    await expectGrpcError(
      t.client.updateLeaderboardSettings(
        { familyId: h.familyId, settings: { hidden: true, excludedMemberIds: [] } },
        bearer(a!.token),
      ),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    await t.client.updateLeaderboardSettings(
      { familyId: h.familyId, settings: { hidden: false, excludedMemberIds: [h.parentMemberId, b!.memberId] } },
      bearer(h.parentToken),
    );
    const without = await t.client.getLeaderboard({ familyId: h.familyId, period: ALL }, bearer(c!.token));
    expect(without.entries.map((e) => [e.memberId, e.rank])).to.deep.equal([
      [a!.memberId, 1],
      [c!.memberId, 2],
    ]);
    await t.client.updateLeaderboardSettings(
      { familyId: h.familyId, settings: { hidden: true, excludedMemberIds: [] } },
      bearer(h.parentToken),
    );
    const hidden = await t.client.getLeaderboard({ familyId: h.familyId, period: ALL }, bearer(c!.token));
    expect(hidden).to.include({ hidden: true });
    expect(hidden.entries).to.deep.equal([]);
    const settings = await t.client.getLeaderboardSettings({ familyId: h.familyId }, bearer(c!.token));
    expect(settings.settings).to.deep.equal({ hidden: true, excludedMemberIds: [] });
    await t.client.updateLeaderboardSettings(
      { familyId: h.familyId, settings: { hidden: false, excludedMemberIds: [] } },
      bearer(h.parentToken),
    );
  });

  it('names the field of a bad request', async () => {
    const bad = await expectGrpcError(
      t.client.createQuest(quest(h, { target: 0, eventType: 'expense.deleted' }), bearer(h.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(bad.violations.map((v) => v.field).sort()).to.deep.equal(['eventType', 'target']);
    const foreign = await expectGrpcError(
      t.client.createQuest(quest(h, { memberIds: [other.kids[0]!.memberId] }), bearer(h.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(foreign.violations.map((v) => v.field)).to.deep.equal(['memberIds[0]']);
    const noEnd = await expectGrpcError(
      t.client.createQuest(quest(h, { endsOn: undefined }), bearer(h.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(noEnd.violations.map((v) => v.field)).to.deep.equal(['endsOn']);
    const period = await expectGrpcError(
      t.client.getLeaderboard(
        { familyId: h.familyId, period: 'LEADERBOARD_PERIOD_YEAR' as never },
        bearer(h.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(period.violations.map((v) => v.field)).to.deep.equal(['period']);
    const reward = await expectGrpcError(
      t.client.createCustomBadge(
        {
          familyId: h.familyId,
          title: 'Rich',
          description: '',
          icon: '',
          eventType: 'chore.approved',
          count: 0,
          period: BadgePeriod.BADGE_PERIOD_WEEK,
          categoryId: '',
          goalId: '',
          memberIds: [],
          reward: { amountMinor: 10_000_000, currency: 'EUR' },
          xp: undefined,
        },
        bearer(h.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(reward.violations.map((v) => v.field).sort()).to.deep.equal(['count', 'reward.amountMinor']);
    const cursor = await expectGrpcError(
      t.client.getMemberProgress(
        { familyId: h.familyId, memberId: '', historyPage: { limit: 5, cursor: 'nonsense' } },
        bearer(h.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(cursor.violations.map((v) => v.field)).to.deep.equal(['historyPage.cursor']);
    const id = await expectGrpcError(
      t.client.getQuest({ familyId: h.familyId, questId: 'quest-1' }, bearer(h.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(id.violations.map((v) => v.field)).to.deep.equal(['questId']);
  });

  it('lets parents run quests, children read them, and keeps other families out', async () => {
    await expectGrpcError(
      t.client.createQuest(quest(h), bearer(h.kids[0]!.token)),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    const created = (await t.client.createQuest(quest(h), bearer(h.parentToken))).quest!;
    expect(created).to.include({ status: QuestStatus.QUEST_STATUS_ACTIVE, progress: 0, version: 1 });
    const listed = await t.client.listQuests(
      { familyId: h.familyId, includeArchived: false },
      bearer(h.kids[1]!.token),
    );
    expect(listed.quests.map((q) => q.id)).to.include(created.id);
    await expectGrpcError(
      t.client.getQuest({ familyId: other.familyId, questId: created.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      t.client.updateQuest(
        {
          familyId: other.familyId,
          questId: created.id,
          expectedVersion: 0,
          title: 'Mine',
          memberIds: [],
          replaceMemberIds: false,
        },
        bearer(other.parentToken),
      ),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      t.client.archiveQuest(
        { familyId: h.familyId, questId: created.id, expectedVersion: 0 },
        bearer(h.kids[0]!.token),
      ),
      Status.PERMISSION_DENIED,
    );
    const renamed = await t.client.updateQuest(
      {
        familyId: h.familyId,
        questId: created.id,
        expectedVersion: 1,
        title: 'Two chores',
        memberIds: [],
        replaceMemberIds: false,
      },
      bearer(h.parentToken),
    );
    expect(renamed.quest).to.include({ title: 'Two chores', version: 2 });
    await expectGrpcError(
      t.client.updateQuest(
        {
          familyId: h.familyId,
          questId: created.id,
          expectedVersion: 1,
          title: 'Stale',
          memberIds: [],
          replaceMemberIds: false,
        },
        bearer(h.parentToken),
      ),
      Status.FAILED_PRECONDITION,
      'VERSION_MISMATCH',
    );

    await t.record([
      choreApproved(h.familyId, h.kids[0]!.memberId, new Date(), 10),
      choreApproved(h.familyId, h.kids[1]!.memberId, new Date(), 10),
    ]);
    const done = (await t.client.getQuest({ familyId: h.familyId, questId: created.id }, bearer(h.kids[2]!.token)))
      .quest!;
    expect(done).to.include({ status: QuestStatus.QUEST_STATUS_COMPLETED, progress: 2 });
    const completed = (await t.eventsOut()).filter((e) => e.type === 'quest.completed');
    expect(completed.map((e) => e.payload?.$case === 'questCompleted' && e.payload.value.questId)).to.deep.equal([
      created.id,
    ]);
    const archived = await t.client.archiveQuest(
      { familyId: h.familyId, questId: created.id, expectedVersion: 0 },
      bearer(h.parentToken),
    );
    expect(archived.quest!.archivedAt).to.be.instanceOf(Date);
    const visible = await t.client.listQuests({ familyId: h.familyId, includeArchived: false }, bearer(h.parentToken));
    expect(visible.quests.map((q) => q.id)).to.not.include(created.id);
  });

  it('lets parents make badges, shows their progress to the child, and keeps other families out', async () => {
    const kid = h.kids[2]!;
    const make = {
      familyId: h.familyId,
      title: 'Saver',
      description: 'Save twice',
      icon: '',
      eventType: 'goal.contributed',
      count: 2,
      period: BadgePeriod.BADGE_PERIOD_UNSPECIFIED,
      categoryId: '',
      goalId: '',
      memberIds: [kid.memberId],
      reward: { amountMinor: 200, currency: '' },
      xp: undefined,
    };
    await expectGrpcError(
      t.client.createCustomBadge(make, bearer(kid.token)),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    const badge = (await t.client.createCustomBadge(make, bearer(h.parentToken))).badge!;
    expect(badge).to.include({ period: BadgePeriod.BADGE_PERIOD_ALL, xp: 25, achievementId: `custom.${badge.id}` });
    expect(badge.reward).to.deep.equal({ amountMinor: 200, currency: 'EUR' });
    await t.record([goalContributed(h.familyId, kid.memberId, new Date(Date.now() + 1000))]);
    const { progress } = await t.client.getMemberProgress({ familyId: h.familyId, memberId: '' }, bearer(kid.token));
    expect(progress!.badgeProgress.find((b) => b.badgeId === badge.id)).to.include({
      current: 1,
      target: 2,
      complete: false,
    });
    await expectGrpcError(
      t.client.updateCustomBadge(
        {
          familyId: other.familyId,
          badgeId: badge.id,
          expectedVersion: 0,
          memberIds: [],
          replaceMemberIds: false,
          clearReward: true,
        },
        bearer(other.parentToken),
      ),
      Status.NOT_FOUND,
    );
    const cleared = await t.client.updateCustomBadge(
      {
        familyId: h.familyId,
        badgeId: badge.id,
        expectedVersion: 1,
        memberIds: [],
        replaceMemberIds: false,
        clearReward: true,
      },
      bearer(h.parentToken),
    );
    expect(cleared.badge!.reward).to.equal(undefined);
    const listed = await t.client.listCustomBadges({ familyId: h.familyId, includeArchived: false }, bearer(kid.token));
    expect(listed.badges.map((b) => b.id)).to.deep.equal([badge.id]);
    await t.client.archiveCustomBadge(
      { familyId: h.familyId, badgeId: badge.id, expectedVersion: 0 },
      bearer(h.parentToken),
    );
    expect(
      (await t.client.listCustomBadges({ familyId: h.familyId, includeArchived: false }, bearer(kid.token))).badges,
    ).to.deep.equal([]);
  });

  it('lists the catalog with kinds and tiers', async () => {
    const { achievements } = await t.client.listAchievements({}, bearer(h.kids[0]!.token));
    const champion = achievements.find((a) => a.id === 'chore-champion');
    expect(champion!.tiers.map((s) => [s.key, s.target])).to.deep.equal([
      ['bronze', 10],
      ['silver', 50],
      ['gold', 200],
    ]);
    expect(achievements.find((a) => a.id === 'weekly-saver')!.period).to.equal(BadgePeriod.BADGE_PERIOD_WEEK);
  });
});
