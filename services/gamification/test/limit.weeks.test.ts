// The weekly-limits task with the real auth, expense and gamification services: a child whose limit
// was in force all week and who never went over gets the week's XP once, after the family's Monday
// in its own zone; running the task again (or on a second replica) changes nothing.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { onFreshSchema } from '@family/testing';
import { startTestAuth } from '@family/auth-service/testing';
import { ExpenseServiceDefinition, SpendingLimitPeriod } from '@family/contracts/expense/v1/expense';
import { GamificationServiceDefinition, XpReason } from '@family/contracts/gamification/v1/gamification';
import { addDays, dayIn, maxDay, periodContaining, type Day } from '@family/service-kit/calendar';
import { expenseConfigSchema, startExpenseService } from '@family/expense-service';
import {
  bearer,
  createHousehold,
  domainEvent,
  SERVICE_CLIENTS,
  startGamification,
  type Household,
} from './gamification.harness.js';

/** The first instant of `day` in `timeZone` (to the minute). */
function startOfDay(timeZone: string, day: Day): Date {
  for (let t = Date.parse(`${day}T00:00:00Z`) - 15 * 3_600_000; ; t += 60_000) {
    if (dayIn(timeZone, new Date(t)) === day) return new Date(t);
  }
}

const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

describe('gamification: a week within the spending limit', function () {
  let auth: Awaited<ReturnType<typeof startTestAuth>>;
  let expense: Awaited<ReturnType<typeof startExpense>>;
  let gamification: Awaited<ReturnType<typeof startGamification>>;
  let client: ReturnType<typeof createGrpcClient<typeof GamificationServiceDefinition>>;
  let expenseClient: ReturnType<typeof createGrpcClient<typeof ExpenseServiceDefinition>>;
  let now: Date | undefined;
  const clock = () => now ?? new Date();

  async function startExpense() {
    return onFreshSchema('expense', async ({ sql, schema }) => {
      const config = expenseConfigSchema.parse({
        DB_SCHEMA: schema,
        EXPENSE_GRPC_HOST: '127.0.0.1',
        EXPENSE_GRPC_PORT: '0',
        AUTH_GRPC_URL: auth.service.address,
        AUTH_CLIENT_ID: 'expense',
        AUTH_CLIENT_SECRET: 'expense-secret',
        SCHEDULER_INTERVAL_MS: '0',
      });
      return startExpenseService({ config, sql, logger: silentLogger() });
    });
  }

  before(async () => {
    auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS });
    expense = await startExpense();
    expenseClient = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 10_000 });
    gamification = await startGamification(
      auth,
      { EXPENSE_GRPC_URL: expense.address, WEEKLY_LIMITS_INTERVAL_MS: '0' },
      clock,
    );
    client = createGrpcClient(GamificationServiceDefinition, gamification.service.address, {
      defaultDeadlineMs: 10_000,
    });
  });
  after(async () => {
    await gamification?.stop();
    await expense?.stop();
    await auth?.stop();
  });
  afterEach(() => {
    now = undefined;
  });

  const task = () => gamification.service.weeklyLimits!;
  /** Runs the task at `at` and fails the test when the run failed. */
  async function runAt(at: Date) {
    now = at;
    const failures = task().failures;
    await task().runNow();
    expect(task().failures, 'weekly-limits run failed').to.equal(failures);
  }

  async function weeklyLimit(h: Household, memberId: string, amountMinor = 2_500) {
    await expenseClient.putSpendingLimits(
      {
        familyId: h.familyId,
        memberId,
        limits: [{ period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_WEEK, amountMinor }],
      },
      bearer(h.parentToken),
    );
  }

  /** The family becomes known to gamification (as with its first event or read). */
  async function known(h: Household) {
    await client.getFamilyProgress({ familyId: h.familyId }, bearer(h.parentToken));
  }

  async function progress(h: Household, memberId: string) {
    const r = await client.getMemberProgress({ familyId: h.familyId, memberId }, bearer(h.parentToken));
    return { xp: r.progress!.xp, reasons: r.xpHistory.map((x) => x.reason) };
  }

  async function exceeded(h: Household, memberId: string, at: Date) {
    const producer = await auth.client.issueServiceToken({
      clientId: 'producer',
      clientSecret: 'producer-secret',
      scopes: [],
    });
    const event = domainEvent(
      h.familyId,
      {
        $case: 'spendingLimitExceeded',
        value: {
          memberId,
          expenseId: randomUUID(),
          period: 'WEEK',
          limitMinor: 2_500,
          spentMinor: 3_000,
          currency: 'EUR',
          categoryId: '',
        },
      },
      at,
    );
    await client.recordEvents({ events: [event] }, bearer(producer.accessToken));
  }

  /** Mondays after today in `timeZone`: the limits set now are in force all of `first`'s week. */
  function mondays(timeZone: string) {
    const thisWeek = periodContaining('WEEK', dayIn(timeZone, new Date())).start;
    return { current: thisWeek, first: addDays(thisWeek, 7), after: addDays(thisWeek, 14) };
  }

  it("gives a child who kept within their weekly limit the week's XP once, after the family's Monday", async () => {
    const zone = 'Europe/Berlin';
    const h = await createHousehold(auth.client, { kids: 3, timezone: zone });
    const [kept, over, free] = h.kids.map((k) => k.memberId) as [string, string, string];
    await weeklyLimit(h, kept);
    await weeklyLimit(h, over);
    await known(h);
    const { current, first, after } = mondays(zone);
    // The child who went over, on the Wednesday of the week judged.
    await exceeded(h, over, minutes(startOfDay(zone, addDays(first, 2)), 15 * 60));

    // The limits were set during this week: not in force all of it, so this week earns nothing.
    await runAt(minutes(startOfDay(zone, first), 1));
    expect((await progress(h, kept)).xp).to.equal(0);

    // Sunday 23:59 of the week judged: not over yet.
    await runAt(minutes(startOfDay(zone, after), -1));
    expect((await progress(h, kept)).xp).to.equal(0);

    await runAt(minutes(startOfDay(zone, after), 1));
    expect(await progress(h, kept)).to.deep.equal({ xp: 30, reasons: [XpReason.XP_REASON_WEEK_WITHIN_LIMIT] });
    expect((await progress(h, over)).xp).to.equal(0);
    expect((await progress(h, free)).xp).to.equal(0);
    const recorded = await gamification.db
      .selectFrom('recorded_events')
      .select(['event_id', 'member_id'])
      .where('family_id', '=', h.familyId)
      .where('event_type', '=', 'spending_limit.week_kept')
      .execute();
    expect(recorded).to.deep.equal([{ event_id: `week-kept:${h.familyId}:${kept}:${first}`, member_id: kept }]);
    const judged = await gamification.db
      .selectFrom('limit_weeks_judged')
      .select('week_start')
      .where('family_id', '=', h.familyId)
      .orderBy('week_start')
      .execute();
    expect(judged.map((r) => r.week_start)).to.deep.equal([current, first]);
  });

  it('gives the XP once however often the task runs, on one replica or two', async () => {
    const zone = 'Europe/Berlin';
    const h = await createHousehold(auth.client, { kids: 1, timezone: zone });
    const kid = h.kids[0]!.memberId;
    await weeklyLimit(h, kid);
    await known(h);
    const { first, after } = mondays(zone);
    const monday = startOfDay(zone, after);
    await runAt(minutes(monday, 5));
    await runAt(minutes(monday, 65));
    expect((await progress(h, kid)).xp).to.equal(30);
    // A second replica that has not seen the week judged (no marker) makes the same event: dropped.
    await gamification.db
      .deleteFrom('limit_weeks_judged')
      .where('family_id', '=', h.familyId)
      .where('week_start', '=', first)
      .execute();
    await runAt(minutes(monday, 70));
    expect(await progress(h, kid)).to.deep.equal({ xp: 30, reasons: [XpReason.XP_REASON_WEEK_WITHIN_LIMIT] });
  });

  it("closes a Tokyo family's week at Tokyo's Monday, while Berlin's is still on Sunday", async () => {
    const tokyo = await createHousehold(auth.client, { kids: 1, timezone: 'Asia/Tokyo' });
    const berlin = await createHousehold(auth.client, { kids: 1, timezone: 'Europe/Berlin' });
    for (const h of [tokyo, berlin]) {
      await weeklyLimit(h, h.kids[0]!.memberId);
      await known(h);
    }
    /** The Mondays of the weeks judged within the limit for the family's child. */
    const keptWeeks = async (h: Household) =>
      (
        await gamification.db
          .selectFrom('recorded_events')
          .select('event_id')
          .where('family_id', '=', h.familyId)
          .where('event_type', '=', 'spending_limit.week_kept')
          .execute()
      ).map((r) => r.event_id.slice(-10));
    // A week that begins after both limits were set, whichever zone's calendar is ahead now.
    const after = maxDay(mondays('Asia/Tokyo').after, mondays('Europe/Berlin').after);
    const week = addDays(after, -7);
    const tokyoMonday = startOfDay('Asia/Tokyo', after);
    expect(dayIn('Europe/Berlin', tokyoMonday)).to.equal(addDays(after, -1));

    await runAt(minutes(tokyoMonday, -1));
    expect(await keptWeeks(tokyo)).not.to.include(week);
    await runAt(minutes(tokyoMonday, 1));
    expect(await keptWeeks(tokyo)).to.include(week);
    expect(await keptWeeks(berlin)).not.to.include(week);
    const { xp } = await progress(tokyo, tokyo.kids[0]!.memberId);
    expect(xp).to.equal(30 * (await keptWeeks(tokyo)).length);
    await runAt(minutes(startOfDay('Europe/Berlin', after), 1));
    expect(await keptWeeks(berlin)).to.include(week);
  });
});
