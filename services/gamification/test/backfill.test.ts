// Backfill: a subscriber configured after events were written receives every retained event of the
// producer's log, oldest first; the same history delivered again (a second subscription) changes
// nothing. The producer is the real goals service.
import { expect } from 'chai';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { createKysely, sql as raw } from '@family/db';
import { openTestSql, waitFor } from '@family/testing';
import { GamificationServiceDefinition, LeaderboardPeriod } from '@family/contracts/gamification/v1/gamification';
import { startTestAuth } from '@family/auth-service/testing';
import { goalsConfigSchema, startGoalsService } from '@family/goals-service';
import { bearer, createHousehold, SERVICE_CLIENTS, startGamification, startGoals } from './gamification.harness.js';

describe('gamification backfill', function () {
  let auth: Awaited<ReturnType<typeof startTestAuth>>;
  let gamification: Awaited<ReturnType<typeof startGamification>>;
  let goals: Awaited<ReturnType<typeof startGoals>>;

  before(async () => {
    auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS });
    gamification = await startGamification(auth);
    // Goals starts with no subscriber: its events stay in its log.
    goals = await startGoals(auth);
  });
  after(async () => {
    await goals.stop();
    await gamification.stop();
    await auth.stop();
  });

  /** Goals on the same schema, delivering to the gamification service as `subscriber`. */
  async function goalsDeliveringAs(subscriber: string) {
    const sql = await openTestSql();
    const config = goalsConfigSchema.parse({
      DB_SCHEMA: goals.schema,
      GOALS_GRPC_HOST: '127.0.0.1',
      GOALS_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.service.address,
      AUTH_CLIENT_ID: 'goals',
      AUTH_CLIENT_SECRET: 'goals-secret',
      SCHEDULER_INTERVAL_MS: '0',
      OUTBOX_POLL_MS: '50',
      EVENT_SUBSCRIBERS: `${subscriber}=${gamification.service.address}`,
    });
    const service = await startGoalsService({ config, sql, logger: silentLogger() });
    return {
      async caughtUp(): Promise<boolean> {
        const db = createKysely<Record<string, never>>(sql, goals.schema);
        const log = raw.id(goals.schema, 'event_log');
        const subscriptions = raw.id(goals.schema, 'event_subscriptions');
        const { rows } = await raw<{ behind: number }>`
          select count(e.position)::int as behind
          from ${subscriptions} s
          left join ${log} e on (e.xid, e.position) > (s.cursor_xid, s.cursor_position)
          where s.subscriber = ${subscriber}
        `.execute(db);
        // No row yet: the relay has not started on this subscriber.
        return rows.length === 1 && rows[0]!.behind === 0;
      },
      async stop() {
        await service.stop();
        await sql.close();
      },
    };
  }

  it('gives a later subscriber the whole retained history, and the same history twice changes nothing', async () => {
    const h = await createHousehold(auth.client, { kids: 2 });
    for (const [i, kid] of h.kids.entries()) {
      for (let n = 0; n <= i + 1; n++) {
        const { chore } = await goals.client.createChore(
          {
            familyId: h.familyId,
            title: `Chore ${n}`,
            description: '',
            assigneeMemberId: kid.memberId,
            rewardMinor: 0,
            points: 15,
            dueOn: undefined,
            recurrence: undefined,
          },
          bearer(h.parentToken),
        );
        await goals.client.submitChore({ familyId: h.familyId, choreId: chore!.id, note: '' }, bearer(kid.token));
        await goals.client.approveChore({ familyId: h.familyId, choreId: chore!.id }, bearer(h.parentToken));
      }
    }
    const client = createGrpcClient(GamificationServiceDefinition, gamification.service.address);
    const snapshot = async () => {
      const family = await client.getFamilyProgress({ familyId: h.familyId }, bearer(h.parentToken));
      const board = await client.getLeaderboard(
        { familyId: h.familyId, period: LeaderboardPeriod.LEADERBOARD_PERIOD_ALL },
        bearer(h.parentToken),
      );
      const outgoing = await gamification.db.selectFrom('event_log').select('event_id').execute();
      return {
        members: family.members.map((m) => ({
          id: m.memberId,
          xp: m.xp,
          streak: m.longestStreak,
          badges: m.badges.map((b) => b.achievementId),
        })),
        board: board.entries.map((e) => [e.memberId, e.rank, e.points]),
        outgoing: outgoing.length,
      };
    };
    const before = await snapshot();
    expect(before.members.every((m) => m.xp === 0)).to.equal(true);

    const first = await goalsDeliveringAs('gamification');
    await waitFor(() => first.caughtUp(), { timeoutMs: 15_000, what: 'the backfill' });
    await first.stop();
    // The progress is read until the backfill shows in it (then checked exactly, and once more after
    // a replay).
    await waitFor(async () => (await snapshot()).members.some((m) => m.xp > 0), {
      timeoutMs: 5_000,
      what: 'the backfilled progress',
    });
    const once = await snapshot();
    const byId = new Map(once.members.map((m) => [m.id, m]));
    // Kid 0: two chores (2 × 15 + first-chore 25); kid 1: three (3 × 15 + 25).
    expect(byId.get(h.kids[0]!.memberId)).to.include({ xp: 55 });
    expect(byId.get(h.kids[1]!.memberId)).to.include({ xp: 70 });
    expect(once.board.slice(0, 2)).to.deep.equal([
      [h.kids[1]!.memberId, 1, 45],
      [h.kids[0]!.memberId, 2, 30],
    ]);

    const replay = await goalsDeliveringAs('gamification-replay');
    await waitFor(() => replay.caughtUp(), { timeoutMs: 15_000, what: 'the replay' });
    await replay.stop();
    expect(await snapshot()).to.deep.equal(once);
  });
});
