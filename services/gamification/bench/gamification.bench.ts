// Benchmark (not a test): records the events of 10,000 families into progress on the Postgres store,
// then measures RecordEvents throughput and GetMemberProgress / GetLeaderboard latency (p50/p95) over
// real gRPC with all those families stored.
// Run: pnpm --filter @family/gamification-service bench   (needs Postgres as for the tests; TEST_DATABASE_URL)
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Metadata } from 'nice-grpc';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { createKysely } from '@family/db';
import { onFreshSchema, openTestSql, testCipherKeys } from '@family/testing';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { GamificationServiceDefinition, LeaderboardPeriod } from '@family/contracts/gamification/v1/gamification';
import { eventTypeOf, type EventPayload } from '@family/outbox';
import { authConfigSchema, startAuthService } from '@family/auth-service';
import {
  DEFAULT_CATALOG,
  gamificationConfigSchema,
  startGamificationService,
  type ActivityEvent,
} from '../src/index.js';
import type { GamificationDatabase } from '../src/db/schema.js';

const FAMILIES = Number(process.env.BENCH_FAMILIES ?? 10_000);
const KIDS = 2;
const DAYS = 10;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const GRPC_CALLS = Number(process.env.BENCH_GRPC_CALLS ?? 200);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
/** One relay per producer calls at a time: three producers (auth, expense, goals). */
const GRPC_IN_FLIGHT = Number(process.env.BENCH_GRPC_IN_FLIGHT ?? 3);
const ZONE = 'Europe/Berlin';

const bearer = (token: string) => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return { metadata };
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(name: string, n: number, call: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 10; i++) await call(i); // warm up
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(
    `| ${name} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 95).toFixed(1)} | ${ms.at(-1)!.toFixed(1)} |`,
  );
}

/** A family's ten days: each kid submits and gets a chore approved every day and saves every other day. */
function familyActivities(familyId: string, kids: string[], start = Date.UTC(2026, 2, 2)): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  for (const memberId of kids) {
    for (let d = 0; d < DAYS; d++) {
      const day = start + d * 86_400_000;
      const base = { familyId, memberId };
      events.push({
        ...base,
        eventId: randomUUID(),
        type: 'chore.submitted',
        occurredAt: new Date(day + 8 * 3_600_000),
      });
      events.push({
        ...base,
        eventId: randomUUID(),
        type: 'chore.approved',
        points: 15,
        occurredAt: new Date(day + 9 * 3_600_000),
      });
      if (d % 2 === 0) {
        events.push({
          ...base,
          eventId: randomUUID(),
          type: 'goal.contributed',
          amountMinor: 100,
          goalId: randomUUID(),
          occurredAt: new Date(day + 10 * 3_600_000),
        });
      }
    }
  }
  return events;
}

function asDomainEvent(e: ActivityEvent): DomainEvent {
  const payload: EventPayload =
    e.type === 'chore.approved'
      ? {
          $case: 'choreApproved',
          value: {
            choreId: randomUUID(),
            assigneeMemberId: e.memberId,
            title: 'Dishes',
            reward: undefined,
            points: e.points ?? 0,
            approvedByMemberId: '',
          },
        }
      : e.type === 'chore.submitted'
        ? {
            $case: 'choreSubmitted',
            value: { choreId: randomUUID(), assigneeMemberId: e.memberId, title: 'Dishes', note: '' },
          }
        : {
            $case: 'goalContributed',
            value: {
              goalId: e.goalId ?? randomUUID(),
              ownerMemberId: e.memberId,
              amount: { amountMinor: e.amountMinor ?? 0, currency: 'EUR' },
              matched: undefined,
              savedMinor: 0,
              targetMinor: 0,
              goalName: 'Bike',
            },
          };
  return {
    id: e.eventId,
    type: eventTypeOf(payload),
    familyId: e.familyId,
    occurredAt: e.occurredAt,
    actorUserId: '',
    source: 'bench',
    payload,
  };
}

async function main() {
  const auth = await onFreshSchema('bench_auth', async ({ sql, schema }) => {
    const config = authConfigSchema.parse({
      SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
      DB_SCHEMA: schema,
      AUTH_GRPC_HOST: '127.0.0.1',
      AUTH_GRPC_PORT: '0',
      ACCESS_TOKEN_TTL_SECONDS: '7200',
      AUTH_SERVICE_CLIENTS:
        'gamification:gamification-secret:auth:read events:write expense:read,producer:producer-secret:events:write',
    });
    const service = await startAuthService({ config, sql, logger: silentLogger() });
    return { service, stop: () => service.stop() };
  });
  // The service's own pool at the production default size (10; the tests' handles have 5).
  const serviceSql = await openTestSql(10);
  const gamification = await onFreshSchema('bench_gamification', async ({ schema }) => {
    const sql = serviceSql;
    const config = gamificationConfigSchema.parse({
      DB_SCHEMA: schema,
      GAMIFICATION_GRPC_HOST: '127.0.0.1',
      GAMIFICATION_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.service.address,
      AUTH_CLIENT_ID: 'gamification',
      AUTH_CLIENT_SECRET: 'gamification-secret',
    });
    const service = await startGamificationService({ config, sql, logger: silentLogger() });
    return {
      service,
      db: createKysely<GamificationDatabase>(sql, schema),
      stop: async () => {
        await service.stop();
        await serviceSql.close();
      },
    };
  });
  const authClient = createGrpcClient(AuthServiceDefinition, auth.service.address);
  const client = createGrpcClient(GamificationServiceDefinition, gamification.service.address, {
    defaultDeadlineMs: 60_000,
  });
  const { store } = gamification.service;
  try {
    // 1. Families the service knows (their settings copy), each with two kids.
    const families = Array.from({ length: FAMILIES }, () => ({
      familyId: randomUUID(),
      kids: Array.from({ length: KIDS }, () => randomUUID()),
    }));
    for (let i = 0; i < families.length; i += 1000) {
      await gamification.db
        .insertInto('families')
        .values(families.slice(i, i + 1000).map((f) => ({ family_id: f.familyId, currency: 'EUR', timezone: ZONE })))
        .execute();
    }

    // 2. Store throughput: every family's history, one batch per family, CONCURRENCY batches at a time.
    let next = 0;
    let recorded = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < families.length; i = next++) {
          const f = families[i]!;
          const events = familyActivities(f.familyId, f.kids);
          const outcome = await store.record(f.familyId, events, { timeZone: ZONE, catalog: DEFAULT_CATALOG });
          recorded += outcome.recorded;
        }
      }),
    );
    const storeSeconds = (performance.now() - started) / 1000;
    console.log(
      `store.record: ${recorded} events of ${FAMILIES} families in ${storeSeconds.toFixed(1)} s = ${Math.round(recorded / storeSeconds)} events/s (${CONCURRENCY} batches in flight, one family per batch)`,
    );

    // 3. RecordEvents over gRPC: relay-sized calls of 100 events (five families × 20 events, a week later).
    const producer = (
      await authClient.issueServiceToken({ clientId: 'producer', clientSecret: 'producer-secret', scopes: [] })
    ).accessToken;
    const calls: DomainEvent[][] = [];
    for (let c = 0; c < GRPC_CALLS; c++) {
      const events: DomainEvent[] = [];
      for (let k = 0; k < 5; k++) {
        const f = families[(c * 5 + k) % families.length]!;
        events.push(
          ...familyActivities(f.familyId, f.kids, Date.UTC(2026, 2, 16 + (c % 5)))
            .slice(0, 20)
            .map(asDomainEvent),
        );
      }
      calls.push(events);
    }
    // A running service has its families' settings cached; the store phase above bypassed the
    // directory, so load them first (one query per family, as a cold service does once).
    const warmed = performance.now();
    for (const f of families.slice(0, Math.min(families.length, GRPC_CALLS * 5))) {
      await gamification.service.families.settings(f.familyId);
    }
    console.log(`family settings loaded for the gRPC phase in ${((performance.now() - warmed) / 1000).toFixed(1)} s`);
    let sent = 0;
    let cursor = 0;
    const grpcStarted = performance.now();
    await Promise.all(
      Array.from({ length: GRPC_IN_FLIGHT }, async () => {
        for (let i = cursor++; i < calls.length; i = cursor++) {
          await client.recordEvents({ events: calls[i]! }, bearer(producer));
          sent += calls[i]!.length;
        }
      }),
    );
    const grpcSeconds = (performance.now() - grpcStarted) / 1000;
    console.log(
      `RecordEvents: ${sent} events in ${GRPC_CALLS} calls of 100 in ${grpcSeconds.toFixed(1)} s = ${Math.round(sent / grpcSeconds)} events/s (${GRPC_IN_FLIGHT} calls in flight)`,
    );

    // 4. A real household among the 10,000 families, with the same history, read over gRPC.
    const parent = await authClient.register({
      email: `bench.${Date.now()}@example.test`,
      password: 'correct horse battery',
      displayName: 'Pat',
    });
    const created = await authClient.createFamily(
      { name: 'Bench', currency: 'EUR', timezone: ZONE },
      bearer(parent.tokens!.accessToken),
    );
    const familyId = created.family!.id;
    const kidTokens: string[] = [];
    const kidIds: string[] = [];
    for (let i = 0; i < KIDS; i++) {
      const username = `benchkid${Date.now().toString(36)}${i}`;
      const child = await authClient.createChild(
        { familyId, displayName: `Kid ${i}`, username, password: 'kids secret pw' },
        bearer(created.accessToken),
      );
      kidIds.push(child.member!.id);
      kidTokens.push((await authClient.login({ login: username, password: 'kids secret pw' })).tokens!.accessToken);
    }
    const now = new Date();
    const thisWeek = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 9 * 86_400_000;
    await client.recordEvents(
      { events: familyActivities(familyId, kidIds, thisWeek).map(asDomainEvent) },
      bearer(producer),
    );

    console.log('\n| call (10,000 families stored) | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- |');
    await time('GetMemberProgress (child, own, 20 history rows)', SAMPLES, (i) =>
      client.getMemberProgress({ familyId, memberId: '' }, bearer(kidTokens[i % KIDS]!)),
    );
    await time('GetLeaderboard WEEK', SAMPLES, () =>
      client.getLeaderboard(
        { familyId, period: LeaderboardPeriod.LEADERBOARD_PERIOD_WEEK },
        bearer(created.accessToken),
      ),
    );
    await time('GetLeaderboard ALL', SAMPLES, () =>
      client.getLeaderboard(
        { familyId, period: LeaderboardPeriod.LEADERBOARD_PERIOD_ALL },
        bearer(created.accessToken),
      ),
    );
    await time('GetFamilyProgress (parent, 3 members)', SAMPLES, () =>
      client.getFamilyProgress({ familyId }, bearer(created.accessToken)),
    );
    await time('store.progress + store.board, random family', SAMPLES, async (i) => {
      const f = families[(i * 7919) % families.length]!;
      await Promise.all([store.progress(f.familyId, f.kids[0]!), store.board(f.familyId, 'ALL')]);
    });
    const counts = await gamification.db
      .selectFrom('member_progress')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(`\nmember_progress rows: ${counts.n}`);
  } finally {
    await gamification.stop();
    await auth.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
