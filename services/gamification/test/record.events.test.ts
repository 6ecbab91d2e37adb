// RecordEvents over gRPC on the Postgres store: what a child sees after their events, exactly once per
// event id, whatever the order, with parallel calls, and the events the service announces.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { LeaderboardPeriod } from '@family/contracts/gamification/v1/gamification';
import {
  bearer,
  choreApproved,
  choreSubmitted,
  goalContributed,
  startGamificationHarness,
  type GamificationHarness,
} from './gamification.harness.js';

describe('gamification RecordEvents', function () {
  let t: GamificationHarness;
  before(async () => {
    t = await startGamificationHarness();
  });
  after(async () => {
    await t.stop();
  });

  it("shows a child the chore's XP, the first-chore badge and what is still to earn", async () => {
    const h = await t.household({ kids: 1 });
    const kid = h.kids[0]!;
    const response = await t.record([
      choreSubmitted(h.familyId, kid.memberId, new Date()),
      choreApproved(h.familyId, kid.memberId, new Date(), 40),
    ]);
    expect(response).to.deep.equal({ accepted: 2, duplicates: 0 });
    const { progress, xpHistory } = await t.client.getMemberProgress(
      { familyId: h.familyId, memberId: '' },
      bearer(kid.token),
    );
    expect(progress).to.include({ memberId: kid.memberId, xp: 65, level: 1, levelStartXp: 0, nextLevelXp: 100 });
    expect(progress!.points).to.equal(40);
    expect(progress!.currentStreak).to.equal(1);
    expect(progress!.displayName).to.equal('Kid 0');
    expect(progress!.badges.map((b) => b.achievementId)).to.deep.equal(['first-chore']);
    const champion = progress!.badgeProgress.find((b) => b.badgeId === 'chore-champion');
    expect(champion).to.include({ current: 1, target: 10, nextStep: 'bronze', complete: false });
    expect(xpHistory.map((x) => x.xp).sort()).to.deep.equal([25, 40]);
    const unlocked = (await t.eventsOut()).filter((e) => e.type === 'achievement.unlocked');
    expect(
      unlocked.map((e) => e.payload?.$case === 'achievementUnlocked' && e.payload.value.achievementId),
    ).to.deep.equal(['first-chore']);
  });

  it('counts a duplicated or replayed event once', async () => {
    const h = await t.household({ kids: 1 });
    const kid = h.kids[0]!;
    const events = [
      choreApproved(h.familyId, kid.memberId, '2026-03-02T09:00:00Z', 20),
      goalContributed(h.familyId, kid.memberId, '2026-03-02T10:00:00Z'),
    ];
    await t.record(events);
    const again = await t.record([...events, events[0]!]);
    expect(again).to.deep.equal({ accepted: 3, duplicates: 3 });
    const { progress } = await t.client.getMemberProgress(
      { familyId: h.familyId, memberId: kid.memberId },
      bearer(h.parentToken),
    );
    // 20 + 10 for the activity, 25 + 25 for first-chore and first-save.
    expect(progress!.xp).to.equal(80);
  });

  it('gives events delivered out of order the progress of events delivered in order', async () => {
    const h = await t.household({ kids: 2 });
    const [a, b] = h.kids;
    const make = (memberId: string) => [
      choreSubmitted(h.familyId, memberId, '2026-03-02T08:00:00Z'),
      choreSubmitted(h.familyId, memberId, '2026-03-03T08:00:00Z'),
      choreSubmitted(h.familyId, memberId, '2026-03-04T08:00:00Z'),
      choreApproved(h.familyId, memberId, '2026-03-04T09:00:00Z', 30),
      goalContributed(h.familyId, memberId, '2026-03-04T10:00:00Z'),
    ];
    await t.record(make(a!.memberId));
    const late = make(b!.memberId).reverse();
    for (const e of late) await t.record([e]);
    const read = async (memberId: string) =>
      (await t.client.getMemberProgress({ familyId: h.familyId, memberId }, bearer(h.parentToken))).progress!;
    const [pa, pb] = [await read(a!.memberId), await read(b!.memberId)];
    expect({ xp: pb.xp, longest: pb.longestStreak, badges: pb.badges.length }).to.deep.equal({
      xp: pa.xp,
      longest: pa.longestStreak,
      badges: pa.badges.length,
    });
    expect(pb.longestStreak).to.equal(3);
  });

  it('gives two overlapping RecordEvents calls in parallel the totals of one', async () => {
    const h = await t.household({ kids: 2 });
    const [a, b] = h.kids;
    const make = (memberId: string) =>
      Array.from({ length: 20 }, (_, i) =>
        choreApproved(h.familyId, memberId, `2026-03-${String(i + 1).padStart(2, '0')}T09:00:00Z`, 15),
      );
    await t.record(make(a!.memberId));
    const events = make(b!.memberId);
    const results = await Promise.all([t.record(events.slice(0, 14)), t.record(events.slice(6)), t.record(events)]);
    expect(results.reduce((n, r) => n + r.accepted - r.duplicates, 0)).to.equal(20);
    const board = await t.client.getLeaderboard(
      { familyId: h.familyId, period: LeaderboardPeriod.LEADERBOARD_PERIOD_ALL },
      bearer(h.parentToken),
    );
    const points = Object.fromEntries(board.entries.map((e) => [e.memberId, e.points]));
    expect(points[b!.memberId]).to.equal(300);
    expect(points[b!.memberId]).to.equal(points[a!.memberId]);
    const levels = (await t.eventsOut()).filter(
      (e) => e.payload?.$case === 'levelReached' && e.payload.value.memberId === b!.memberId,
    );
    const levelsA = (await t.eventsOut()).filter(
      (e) => e.payload?.$case === 'levelReached' && e.payload.value.memberId === a!.memberId,
    );
    expect(levels.length).to.equal(levelsA.length).and.to.be.greaterThan(0);
  });

  it('acknowledges event types it does not count and members it cannot credit', async () => {
    const h = await t.household({ kids: 1 });
    const response = await t.record([
      {
        ...choreApproved(h.familyId, h.kids[0]!.memberId, new Date()),
        payload: { $case: 'memberRemoved', value: { memberId: h.kids[0]!.memberId, userId: '' } },
        type: 'member.removed',
      },
      choreApproved(h.familyId, 'not-a-member-id', new Date()),
    ]);
    expect(response).to.deep.equal({ accepted: 2, duplicates: 0 });
  });

  it('takes the same events through EventConsumerService, the contract every relay calls', async () => {
    const h = await t.household({ kids: 1 });
    const kid = h.kids[0]!;
    const event = choreApproved(h.familyId, kid.memberId, new Date(), 50);
    const token = await t.serviceToken('producer');
    expect(await t.consumer.handleEvents({ events: [event] }, bearer(token))).to.deep.equal({ accepted: 1 });
    await t.record([event]);
    const { progress } = await t.client.getMemberProgress({ familyId: h.familyId, memberId: '' }, bearer(kid.token));
    expect(progress!.xp).to.equal(75);
  });

  it('refuses events from a caller without the events:write scope', async () => {
    const h = await t.household({ kids: 1 });
    const event = choreApproved(h.familyId, h.kids[0]!.memberId, new Date());
    await expectGrpcError(t.client.recordEvents({ events: [event] }, bearer(h.parentToken)), Status.PERMISSION_DENIED);
    await expectGrpcError(
      t.consumer.handleEvents({ events: [event] }, bearer(await t.serviceToken('reader'))),
      Status.PERMISSION_DENIED,
    );
  });
});
