// The local mode: auth and goals share one embedded PGlite database in one process. A transaction
// there holds the only connection, so any query issued outside the transaction while it is open — or
// a gRPC call to auth made inside one — would wait forever; this suite drives every goals write path
// on PGlite, concurrently and with the scheduler timer and the outbox relay running, to prove none does.
import { expect } from 'chai';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { Jar } from '@family/contracts/common/v1/common';
import {
  AllowanceFrequency,
  ChoreFrequency,
  DayOfWeek,
  GoalContributionSource,
  GoalsServiceDefinition,
  LedgerEntryKind,
} from '@family/contracts/goals/v1/goals';
import { openSql, type SqlHandle } from '@family/db';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { waitFor, testCipherKeys } from '@family/testing';
import { authConfigSchema, startAuthService, type RunningAuthService } from '@family/auth-service';
import { goalsConfigSchema, startGoalsService, type RunningGoalsService } from '../src/index.js';
import { bearer, createHousehold, SERVICE_CLIENTS } from './goals.harness.js';
import { startSubscriber, type RecordingSubscriber } from './subscriber.stub.js';

const K = LedgerEntryKind;

describe('goals service on embedded PGlite', () => {
  let sql: SqlHandle;
  let auth: RunningAuthService;
  let goals: RunningGoalsService;
  let expense: RecordingSubscriber;
  let authClient: ReturnType<typeof createGrpcClient<typeof AuthServiceDefinition>>;
  let client: ReturnType<typeof createGrpcClient<typeof GoalsServiceDefinition>>;

  before(async () => {
    sql = await openSql({});
    expense = await startSubscriber('expense');
    auth = await startAuthService({
      config: authConfigSchema.parse({
        SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
        AUTH_GRPC_HOST: '127.0.0.1',
        AUTH_GRPC_PORT: '0',
        AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS,
      }),
      sql,
      logger: silentLogger(),
    });
    goals = await startGoalsService({
      config: goalsConfigSchema.parse({
        GOALS_GRPC_HOST: '127.0.0.1',
        GOALS_GRPC_PORT: '0',
        AUTH_GRPC_URL: auth.address,
        AUTH_CLIENT_SECRET: 'goals-secret',
        EVENT_SUBSCRIBERS: `expense=${expense.address}[jar.spent]`,
        SCHEDULER_INTERVAL_MS: '20',
        OUTBOX_POLL_MS: '20',
      }),
      sql,
      logger: silentLogger(),
    });
    authClient = createGrpcClient(AuthServiceDefinition, auth.address, { defaultDeadlineMs: 10_000 });
    client = createGrpcClient(GoalsServiceDefinition, goals.address, { defaultDeadlineMs: 10_000 });
  });
  after(async () => {
    await goals.stop();
    await auth.stop();
    await expense.stop();
    await sql.close();
  });

  it('runs jars, goals, chores, allowances and the scheduler concurrently without waiting on itself', async () => {
    const f = await createHousehold(authClient, { kids: 2 });
    const [ann, ben] = f.kids as [(typeof f.kids)[0], (typeof f.kids)[0]];
    const parent = bearer(f.parentToken);
    const familyId = f.familyId;

    await Promise.all(
      [ann, ben].flatMap((k) =>
        [Jar.JAR_SPEND, Jar.JAR_SAVE, Jar.JAR_GIVE].map((jar) =>
          client.postLedgerEntry(
            { familyId, memberId: k.memberId, kind: K.LEDGER_ENTRY_KIND_DEPOSIT, jar, amountMinor: 1000 },
            parent,
          ),
        ),
      ),
    );
    await Promise.all([
      client.updateJarSettings(
        {
          familyId,
          memberId: ann.memberId,
          defaultSplit: { spend: 50, save: 50, give: 0 },
          interestMonthlyRateBps: 100,
        },
        parent,
      ),
      client.postLedgerEntry(
        {
          familyId,
          memberId: ann.memberId,
          kind: K.LEDGER_ENTRY_KIND_TRANSFER,
          jar: Jar.JAR_GIVE,
          toJar: Jar.JAR_SAVE,
          amountMinor: 200,
        },
        bearer(ann.token),
      ),
      client.postLedgerEntry(
        { familyId, memberId: ben.memberId, kind: K.LEDGER_ENTRY_KIND_WITHDRAWAL, jar: Jar.JAR_GIVE, amountMinor: 100 },
        parent,
      ),
    ]);

    // Many purchases at once: the jar never goes below zero, and each becomes one jar.spent.
    const spends = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        client.postLedgerEntry(
          {
            familyId,
            memberId: ann.memberId,
            kind: K.LEDGER_ENTRY_KIND_SPEND,
            jar: Jar.JAR_SPEND,
            amountMinor: 100,
            description: 'Sweets',
          },
          bearer(ann.token),
        ),
      ),
    );
    expect(spends.filter((s) => s.status === 'fulfilled')).to.have.length(10);
    await waitFor(() => [...expense.processed.values()].filter((e) => e.type === 'jar.spent').length === 10, {
      timeoutMs: 10_000,
      what: 'ten jar.spent deliveries',
    });

    const { goal } = await client.createGoal(
      {
        familyId,
        ownerMemberId: ann.memberId,
        name: 'Bike',
        targetMinor: 1500,
        matching: { percent: 50, monthlyCapMinor: 0 },
      },
      parent,
    );
    await Promise.all([
      client.contributeToGoal(
        {
          familyId,
          goalId: goal!.id,
          source: GoalContributionSource.GOAL_CONTRIBUTION_SOURCE_SAVE_JAR,
          amountMinor: 400,
        },
        bearer(ann.token),
      ),
      client.contributeToGoal(
        {
          familyId,
          goalId: goal!.id,
          source: GoalContributionSource.GOAL_CONTRIBUTION_SOURCE_PARENT_GIFT,
          amountMinor: 100,
        },
        parent,
      ),
    ]);
    await client.withdrawFromGoal({ familyId, goalId: goal!.id, amountMinor: 50 }, bearer(ann.token));
    await client.updateGoal({ familyId, goalId: goal!.id, targetMinor: 2000 }, parent);
    const other = (await client.createGoal({ familyId, name: 'Game', targetMinor: 300 }, bearer(ben.token))).goal!;
    await client.contributeToGoal(
      {
        familyId,
        goalId: other.id,
        source: GoalContributionSource.GOAL_CONTRIBUTION_SOURCE_SAVE_JAR,
        amountMinor: 300,
      },
      bearer(ben.token),
    );
    await Promise.all([
      client.cancelGoal({ familyId, goalId: goal!.id }, parent),
      client.deleteGoal({ familyId, goalId: other.id }, bearer(ben.token)),
    ]);

    const chores = await Promise.all(
      [ann, ben].map(
        async (k) =>
          (
            await client.createChore(
              {
                familyId,
                title: 'Dishes',
                assigneeMemberId: k.memberId,
                rewardMinor: 150,
                points: 3,
                recurrence: { frequency: ChoreFrequency.CHORE_FREQUENCY_DAILY, daysOfWeek: [] },
              },
              parent,
            )
          ).chore!,
      ),
    );
    await Promise.all(
      chores.map((c, i) => client.submitChore({ familyId, choreId: c.id }, bearer([ann, ben][i]!.token))),
    );
    await Promise.all([
      client.approveChore({ familyId, choreId: chores[0]!.id }, parent),
      client.rejectChore({ familyId, choreId: chores[1]!.id, reason: 'Still dirty' }, parent),
    ]);
    await client.updateChore({ familyId, choreId: chores[1]!.id, points: 4 }, parent);

    const allowance = (
      await client.createAllowance(
        {
          familyId,
          memberId: ben.memberId,
          amountMinor: 500,
          frequency: AllowanceFrequency.ALLOWANCE_FREQUENCY_WEEKLY,
          dayOfWeek: DayOfWeek.DAY_OF_WEEK_MONDAY,
          condition: { minChoreCompletionPercent: 10 },
        },
        parent,
      )
    ).allowance!;
    await client.updateAllowance({ familyId, allowanceId: allowance.id, amountMinor: 600 }, parent);

    // Scheduler passes far in the future, with the timer's own passes running alongside.
    const ops = await authClient.issueServiceToken({ clientId: 'ops', clientSecret: 'ops-secret', scopes: [] });
    const later = new Date(Date.now() + 40 * 86_400_000);
    const runs = await Promise.all(
      [0, 1].map(() => client.runScheduler({ familyId, now: later }, bearer(ops.accessToken))),
    );
    const paid = runs.reduce((n, r) => n + r.allowancesPaid + r.allowancesSkipped, 0);
    expect(paid).to.be.greaterThan(3);
    expect(runs.reduce((n, r) => n + r.interestPaid, 0)).to.be.greaterThan(0);
    expect(runs.reduce((n, r) => n + r.choresRolledOver, 0)).to.equal(2);

    await client.deleteAllowance({ familyId, allowanceId: allowance.id }, parent);
    await client.deleteChore({ familyId, choreId: chores[0]!.id }, parent);
    const balance = await client.getBalance({ familyId, memberId: ann.memberId }, bearer(ann.token));
    expect(balance.balance?.spendMinor).to.equal(0 + 75);
    expect(balance.balance?.goalsMinor).to.equal(0);
  });
});
