// Benchmark (not a test): notification fan-out and delivery end to end. Starts auth, expense and
// goals in-process over loopback, with the SMTP and Expo emulators and a BFF serving the REST API;
// the notification service and the BFF's delivery workers (BFF_MODE=worker) run as processes of their
// own, as they are deployed (BENCH_SHAPE=one runs them in this process instead). Makes
// BENCH_FAMILIES families through the REST API (a parent with a verified email and an Expo push
// device, and a child each). Each round hands BENCH_NOTIFICATIONS spending_limit.exceeded events to
// NotificationService.HandleEvents in batches, as an outbox relay would (a service token with
// events:write); each event notifies its family's one parent: an inbox entry (published for SSE), an
// email job and a push job, which the BFF's BullMQ workers deliver to the emulators.
// Round 1 measures the fan-out alone (the delivery queues paused, so the workers wait), then the
// delivery of what it queued; round 2, with new events, end to end while the workers deliver (first
// event in → last delivery at the emulators). Redis's CPU time is printed beside each.
// Run: pnpm --filter @family/bff bench:notifications
//   knobs: BENCH_NOTIFICATIONS (10000), BENCH_FAMILIES (10), BENCH_BATCH (100 events per call),
//          BENCH_CALLS (8 concurrent HandleEvents calls), BENCH_SECONDS (300, then it gives up),
//          BENCH_SHAPE (processes | one), BENCH_NODE_ARGS (Node options of the two processes, e.g.
//          "--cpu-prof --cpu-prof-dir=/tmp/prof"); PUSH_CONCURRENCY, EMAIL_CONCURRENCY,
//          SMTP_MAX_CONNECTIONS, PUSH_RATE_PER_SECOND and EMAIL_RATE_PER_SECOND are passed to the
//          workers when set.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Status } from 'nice-grpc';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { createClient } from 'redis';
import { DELIVERY_QUEUES, queuePrefix } from '@family/delivery-jobs';
import { startExpoEmulator, startSmtpEmulator } from '@family/emulators';
import { callMetadata, createGrpcClient } from '@family/grpc-kit';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { silentLogger } from '@family/logger';
import { startSourceProcess, testRedisUrl, uniqueName, waitFor, waitForGrpcServing, freePort } from '@family/testing';
import { newEvent } from '@family/outbox';
import { notificationConfigSchema, startNotificationService } from '@family/notification-service';
import { bffConfigSchema } from '../src/config.js';
import {
  EXPENSE_SERVICE_CLIENT,
  GOALS_SERVICE_CLIENT,
  startTestAuth,
  startTestBff,
  startTestExpense,
  startTestGoals,
  NOTIFICATION_SERVICE_CLIENT,
  notificationTestEnv,
} from '../test/bff.harness.js';
import { household, type Household } from '../test/expense.fixtures.js';
import { verifyByMail } from '../test/account.mail.js';

const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 10_000);
const FAMILIES = Number(process.env.BENCH_FAMILIES ?? 10);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const CALLS = Number(process.env.BENCH_CALLS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 300);
const SHAPE = process.env.BENCH_SHAPE ?? 'processes';
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const BFF_SECRET = 'bff-secret';
const RELAY_SECRET = 'bench-relay-secret';

// Stopped in this order at the end: producers, then the BFF (its stop() deletes every key under the
// shared prefix), then auth and the emulators.
const stops: Record<
  'expense' | 'goals' | 'workers' | 'notification' | 'bff' | 'auth' | 'emulators',
  (() => Promise<unknown>) | undefined
> = {
  expense: undefined,
  goals: undefined,
  workers: undefined,
  notification: undefined,
  bff: undefined,
  auth: undefined,
  emulators: undefined,
};

async function main() {
  const limits = [NOTIFICATIONS, FAMILIES, BATCH, CALLS, SECONDS];
  if (limits.some((n) => !Number.isInteger(n) || n < 1) || NOTIFICATIONS > 100_000) {
    throw new Error('BENCH_* must be positive integers, BENCH_NOTIFICATIONS at most 100000');
  }
  if (SHAPE !== 'processes' && SHAPE !== 'one') throw new Error('BENCH_SHAPE must be processes or one');
  const prefix = `${uniqueName('bench')}:`;
  const [smtp, expo] = await Promise.all([startSmtpEmulator(), startExpoEmulator()]);
  stops.emulators = () => Promise.all([smtp.stop(), expo.stop()]);
  const notificationUrl = `127.0.0.1:${await freePort()}`;
  const auth = await startTestAuth({
    AUTH_SERVICE_CLIENTS: [
      EXPENSE_SERVICE_CLIENT,
      GOALS_SERVICE_CLIENT,
      NOTIFICATION_SERVICE_CLIENT,
      `bff:${BFF_SECRET}:notifications:deliver`,
      `relay:${RELAY_SECRET}:events:write`,
    ].join(','),
    EVENT_SUBSCRIBERS: `notification=${notificationUrl}`,
    OUTBOX_POLL_MS: '50',
  });
  stops.auth = () => auth.stop();
  const expense = await startTestExpense(auth, {
    EVENT_SUBSCRIBERS: `notification=${notificationUrl}`,
    OUTBOX_POLL_MS: '50',
  });
  stops.expense = () => expense.stop();
  // The goals service only for the digest's reads, which this benchmark does not run.
  const goals = await startTestGoals(auth);
  stops.goals = () => goals.stop();
  const notificationEnv = notificationTestEnv({
    address: notificationUrl,
    redisPrefix: prefix,
    auth,
    expense,
    goals,
    env: { LOG_LEVEL: 'warn' },
  });
  if (SHAPE === 'one') {
    const notification = await startNotificationService({
      config: notificationConfigSchema.parse(notificationEnv),
      logger: silentLogger(),
    });
    stops.notification = () => notification.stop();
  } else {
    const child = startSourceProcess(source('../../services/notification/src/main.ts'), {
      env: notificationEnv,
      execArgv: NODE_ARGS,
    });
    stops.notification = () => stopProcess(child);
    await waitForGrpcServing(child, notificationUrl, 60_000, 'the notification service process');
  }
  const concurrency = Object.fromEntries(
    [
      'PUSH_CONCURRENCY',
      'EMAIL_CONCURRENCY',
      'SMTP_MAX_CONNECTIONS',
      'PUSH_RATE_PER_SECOND',
      'EMAIL_RATE_PER_SECOND',
    ].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
  );
  const workerEnv = {
    AUTH_GRPC_URL: auth.address,
    EXPENSE_GRPC_URL: expense.address,
    GOALS_GRPC_URL: goals.address,
    NOTIFICATION_GRPC_URL: notificationUrl,
    AUTH_CLIENT_ID: 'bff',
    AUTH_CLIENT_SECRET: BFF_SECRET,
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Bench <noreply@family.test>',
    EXPO_ACCESS_TOKEN: 'expo-bench-token',
    EXPO_BASE_URL: expo.url,
    ...concurrency,
  };
  const workerConfig = bffConfigSchema.parse({ ...workerEnv, BFF_MODE: 'worker' });
  // The REST API for the families; in one process it also runs the workers.
  const bff = await startTestBff(auth, { ...workerEnv, BFF_MODE: SHAPE === 'one' ? 'both' : 'api' });
  stops.bff = () => bff.stop();
  if (SHAPE === 'processes') {
    const child = startSourceProcess(source('../src/main.ts'), {
      env: { ...workerEnv, BFF_MODE: 'worker', BFF_HOST: '127.0.0.1', BFF_PORT: '0', LOG_LEVEL: 'info' },
      keepStdout: true,
      execArgv: NODE_ARGS,
    });
    stops.workers = () => stopProcess(child);
    await waitFor(() => child.child.exitCode === null && child.output().includes('bff workers running'), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'the delivery workers process',
    });
  }
  for (const [host] of [bff.url.replace(/^http:\/\//, ''), auth.address, notificationUrl].map((a) => a.split(':'))) {
    if (host !== '127.0.0.1') throw new Error(`loopback only, got ${host}`);
  }

  const redis = createClient({ url: testRedisUrl() });
  await redis.connect();
  const redisCpu = async () => {
    const info = await redis.info('cpu');
    const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return value('used_cpu_user') + value('used_cpu_sys');
  };
  // Families through the REST API; each parent verifies their email and registers one push device.
  const homes: { home: Household; token: string }[] = [];
  for (let f = 0; f < FAMILIES; f++) {
    const home = await household(bff, `Bench family ${f}`);
    // Email notifications go only to a verified address.
    await verifyByMail(bff, smtp, home.owner);
    const token = `ExponentPushToken[bench-${f}-${randomUUID()}]`;
    const r = await bff
      .http()
      .post('/v1/me/devices')
      .auth(home.owner.accessToken, { type: 'bearer' })
      .send({ expoPushToken: token, platform: 'IOS' });
    if (r.status !== 201) throw new Error(`device registration: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    homes.push({ home, token });
  }
  // The notification service learns members from auth's events; wait until it knows every family.
  await waitFor(
    async () => {
      for (const { home } of homes) {
        if ((await redis.hLen(`${prefix}family:${home.owner.familyId}:members`)) < 2) return false;
      }
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: 'member events at the notification service' },
  );

  const authClient = createGrpcClient(AuthServiceDefinition, auth.address);
  const { accessToken } = await authClient.issueServiceToken({
    clientId: 'relay',
    clientSecret: RELAY_SECRET,
    scopes: [],
  });
  const client = createGrpcClient(NotificationServiceDefinition, notificationUrl, { defaultDeadlineMs: 60_000 });
  const metadata = callMetadata({ token: accessToken });

  const eventsFor = () =>
    Array.from({ length: NOTIFICATIONS }, (_, i): DomainEvent => {
      const { home } = homes[i % homes.length]!;
      return newEvent({
        source: 'bench',
        familyId: home.owner.familyId,
        actorUserId: home.child.userId,
        payload: {
          $case: 'spendingLimitExceeded',
          value: {
            memberId: home.child.memberId,
            expenseId: randomUUID(),
            period: 'DAY',
            limitMinor: 500,
            spentMinor: 500 + (i % 1000) + 1,
            currency: 'EUR',
            categoryId: '',
          },
        },
      });
    });

  const deadline = performance.now() + SECONDS * 1000;
  let mailsBefore = smtp.mails.length;
  let pushesBefore = expo.messages.length;
  const mails = () => smtp.mails.length - mailsBefore;
  const pushes = () => expo.messages.length - pushesBefore;
  const progress = setInterval(() => {
    process.stdout.write(`  … ${mails()} emails, ${pushes()} pushes of ${NOTIFICATIONS} each\n`);
  }, 5000);
  let retried = 0;

  /** Hands the events to HandleEvents, BATCH per call, CALLS calls in flight; resolves when all are answered. */
  const fanOut = async (events: DomainEvent[]) => {
    const batches: DomainEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    let next = 0;
    const caller = async () => {
      while (next < batches.length) {
        if (performance.now() > deadline) throw new Error(`fan-out not done after ${SECONDS} s`);
        const batch = batches[next++]!;
        // As a relay does: a call answered UNAVAILABLE is sent again (HandleEvents is idempotent).
        for (;;) {
          try {
            await client.handleEvents({ events: batch }, { metadata });
            break;
          } catch (err) {
            if ((err as { code?: number }).code !== Status.UNAVAILABLE) throw err;
            retried++;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CALLS, batches.length) }, caller));
    return batches.length;
  };
  const delivered = () =>
    waitFor(() => mails() >= NOTIFICATIONS && pushes() >= NOTIFICATIONS, {
      timeoutMs: Math.max(0, deadline - performance.now()),
      intervalMs: 20,
      what: `${NOTIFICATIONS} emails and pushes (got ${mails()} and ${pushes()})`,
    }).catch((err: Error) => {
      throw new Error(`${err.message}; got ${mails()} emails and ${pushes()} pushes`);
    });
  const restart = () => {
    mailsBefore = smtp.mails.length;
    pushesBefore = expo.messages.length;
  };
  // Pausing a queue (BullMQ, in Redis) holds every worker of it, wherever it runs.
  const queueConnection = { url: testRedisUrl() };
  const queues = [DELIVERY_QUEUES.email, DELIVERY_QUEUES.push].map(
    (name) => new Queue(name, { connection: queueConnection, prefix: queuePrefix(prefix) }),
  );

  try {
    // Round 1, fan-out alone: the delivery queues are paused, so the fan-out has the machine; then the
    // workers deliver what it queued.
    await Promise.all(queues.map((q) => q.pause()));
    const cpuA = await redisCpu();
    const tA = performance.now();
    const calls = await fanOut(eventsFor());
    const fannedOutA = performance.now();
    const redisFanout = (await redisCpu()) - cpuA;
    await Promise.all(queues.map((q) => q.resume()));
    await delivered();
    const deliveredA = performance.now();

    // Round 2, end to end: new events while the workers deliver as they come.
    restart();
    const cpuB = await redisCpu();
    const tB = performance.now();
    await fanOut(eventsFor());
    const fannedOutB = performance.now();
    await delivered();
    const doneB = performance.now();
    clearInterval(progress);
    const redisEndToEnd = (await redisCpu()) - cpuB;

    const inboxes = await Promise.all(homes.map(({ home }) => redis.zCard(`${prefix}inbox:${home.owner.userId}`)));
    const rate = (n: number, ms: number) => `${((1000 * n) / ms).toFixed(0)}`;
    const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const lines = [
      '',
      `shape: ${SHAPE === 'processes' ? 'notification service and delivery workers in processes of their own' : 'one process'}`,
      `${NOTIFICATIONS} spending_limit.exceeded events per round → ${NOTIFICATIONS} notifications` +
        ` to ${FAMILIES} parents (in-app + email + push each)`,
      `  HandleEvents: ${calls} calls of ≤${BATCH} events per round, ${CALLS} concurrent; ${retried} sent again after UNAVAILABLE`,
      `round 1, fan-out alone (delivery queues paused):`,
      `  fan-out (events in → inbox entries + ${2 * NOTIFICATIONS} delivery jobs): ${secs(fannedOutA - tA)}` +
        `  → ${rate(NOTIFICATIONS, fannedOutA - tA)} notifications/s; Redis CPU ${redisFanout.toFixed(2)} s`,
      `  then delivery alone (queues resumed → last delivery): ${secs(deliveredA - fannedOutA)}` +
        `  → ${rate(2 * NOTIFICATIONS, deliveredA - fannedOutA)} deliveries/s`,
      `round 2, end to end (workers delivering while the fan-out runs):`,
      `  fan-out: ${secs(fannedOutB - tB)}  (${rate(NOTIFICATIONS, fannedOutB - tB)} notifications/s)`,
      `  first event in → last delivery at the emulators: ${secs(doneB - tB)}` +
        `  → ${rate(NOTIFICATIONS, doneB - tB)} notifications/s end to end (${rate(2 * NOTIFICATIONS, doneB - tB)} deliveries/s)` +
        `; Redis CPU ${redisEndToEnd.toFixed(2)} s`,
      `  delivered: ${mails()} emails, ${pushes()} pushes; inbox entries kept: ${inboxes.reduce((a, b) => a + b, 0)}` +
        ' (bounded per user by INBOX_MAX_ITEMS)',
      `workers: PUSH_CONCURRENCY ${workerConfig.PUSH_CONCURRENCY}, EMAIL_CONCURRENCY ${workerConfig.EMAIL_CONCURRENCY},` +
        ` SMTP_MAX_CONNECTIONS ${workerConfig.SMTP_MAX_CONNECTIONS}, PUSH_BATCH_WAIT_MS ${workerConfig.PUSH_BATCH_WAIT_MS}`,
      `send rates (per second): push ${workerConfig.PUSH_RATE_PER_SECOND}, email ${workerConfig.EMAIL_RATE_PER_SECOND}` +
        `; Expo requests: ${expo.requests.length} for ${expo.messages.length} messages (both rounds and the setup)`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    clearInterval(progress);
    await Promise.all(queues.map((q) => q.close()));
    redis.destroy();
  }
}

async function stopProcess(p: ReturnType<typeof startSourceProcess>): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const stop of Object.values(stops)) await stop?.().catch((err) => console.error('stop failed:', err));
    // BullMQ and gRPC handles may linger briefly; the figures are printed, so leave now.
    process.exit();
  });
