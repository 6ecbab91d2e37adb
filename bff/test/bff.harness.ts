// The real stack for BFF tests: the auth, expense and (when asked) goals and gamification services on
// port 0, each against a fresh schema, Redis under a unique key prefix, and the BFF itself on port 0
// built by startBff().
import { expect } from 'chai';
import { createClient } from 'redis';
import request from 'supertest';
import type { JWK } from 'jose';
import { authConfigSchema, startAuthService } from '@family/auth-service';
import { expenseConfigSchema, startExpenseService } from '@family/expense-service';
import { gamificationConfigSchema, startGamificationService } from '@family/gamification-service';
import { goalsConfigSchema, startGoalsService } from '@family/goals-service';
import {
  notificationConfigSchema,
  startNotificationService,
  type RunningNotificationService,
} from '@family/notification-service';
import { callMetadata, createGrpcClient } from '@family/grpc-kit';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import { silentLogger } from '@family/logger';
import { SecretCipher } from '@family/config';
import { Scopes } from '@family/service-kit';
import { freePort, onFreshSchema, testRedisUrl, uniqueName, testCipherKeys } from '@family/testing';
import { bffConfigSchema, startBff, type BffConfig, type StartBffOptions, type StartedBff } from '../src/index.js';

export type AuthStack = Awaited<ReturnType<typeof startTestAuth>>;

export async function startTestAuth(env: Record<string, string> = {}) {
  return onFreshSchema('auth', async ({ sql, schema }) => {
    const config = authConfigSchema.parse({
      SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
      DB_SCHEMA: schema,
      AUTH_GRPC_HOST: '127.0.0.1',
      AUTH_GRPC_PORT: '0',
      ...env,
    });
    const service = await startAuthService({ config, sql, logger: silentLogger() });
    // Kept so tests can open the sealed signing keys (signingKey below).
    return Object.assign(service, { encryptionKeys: config.SIGNING_KEY_ENCRYPTION_KEYS });
  });
}

/** The expense service's client credentials, known to the auth service of a full stack. */
export const EXPENSE_CLIENT_ID = 'expense';
export const EXPENSE_CLIENT_SECRET = 'expense-secret';
export const EXPENSE_SERVICE_CLIENT = `${EXPENSE_CLIENT_ID}:${EXPENSE_CLIENT_SECRET}:${Scopes.AUTH_READ} ${Scopes.EVENTS_WRITE}`;

export type ExpenseStack = Awaited<ReturnType<typeof startTestExpense>>;

/** The expense service in front of `auth` (whose AUTH_SERVICE_CLIENTS must include EXPENSE_SERVICE_CLIENT). */
export async function startTestExpense(auth: { address: string }, env: Record<string, string> = {}) {
  return onFreshSchema('expense', async ({ sql, schema }) => {
    const config = expenseConfigSchema.parse({
      DB_SCHEMA: schema,
      EXPENSE_GRPC_HOST: '127.0.0.1',
      EXPENSE_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.address,
      AUTH_CLIENT_ID: EXPENSE_CLIENT_ID,
      AUTH_CLIENT_SECRET: EXPENSE_CLIENT_SECRET,
      // Tests that need recurring expenses recorded turn the scheduler on themselves.
      SCHEDULER_INTERVAL_MS: '0',
      ...env,
    });
    return startExpenseService({ config, sql, logger: silentLogger() });
  });
}

/** The goals service's client credentials, and an operator's (goals:admin: RunScheduler). */
export const GOALS_CLIENT_ID = 'goals';
export const GOALS_CLIENT_SECRET = 'goals-secret';
export const GOALS_SERVICE_CLIENT = `${GOALS_CLIENT_ID}:${GOALS_CLIENT_SECRET}:${Scopes.AUTH_READ} ${Scopes.EVENTS_WRITE}`;
const OPS_CLIENT_SECRET = 'ops-secret';
export const OPS_SERVICE_CLIENT = `ops:${OPS_CLIENT_SECRET}:${Scopes.GOALS_ADMIN}`;
/** The gamification service's client credentials. */
export const GAMIFICATION_CLIENT_ID = 'gamification';
export const GAMIFICATION_CLIENT_SECRET = 'gamification-secret';
export const GAMIFICATION_SERVICE_CLIENT = `${GAMIFICATION_CLIENT_ID}:${GAMIFICATION_CLIENT_SECRET}:${Scopes.AUTH_READ} ${Scopes.EVENTS_WRITE} ${Scopes.EXPENSE_READ}`;
/** The notification service's client credentials (it reads members, expenses and chores). */
export const NOTIFICATION_CLIENT_ID = 'notification';
export const NOTIFICATION_CLIENT_SECRET = 'notification-secret';
export const NOTIFICATION_SERVICE_CLIENT = `${NOTIFICATION_CLIENT_ID}:${NOTIFICATION_CLIENT_SECRET}:${Scopes.AUTH_READ} ${Scopes.EXPENSE_READ} ${Scopes.GOALS_READ}`;
/** Every service client a full stack's auth service knows. */
export const STACK_SERVICE_CLIENTS = [
  EXPENSE_SERVICE_CLIENT,
  GOALS_SERVICE_CLIENT,
  GAMIFICATION_SERVICE_CLIENT,
  NOTIFICATION_SERVICE_CLIENT,
  OPS_SERVICE_CLIENT,
].join(',');

export type GoalsStack = Awaited<ReturnType<typeof startTestGoals>>;

/**
 * The goals service in front of `auth` (whose AUTH_SERVICE_CLIENTS must be STACK_SERVICE_CLIENTS),
 * delivering jar.spent to `expense` when given, with its scheduler timer off: `runScheduler()` runs
 * one pass as an operator would, and `setNow()` moves the service's clock.
 */
export async function startTestGoals(
  auth: { address: string },
  expense?: { address: string },
  env: Record<string, string> = {},
) {
  let now: Date | undefined;
  const clock = () => now ?? new Date();
  const goals = await onFreshSchema('goals', async ({ sql, schema }) => {
    const config = goalsConfigSchema.parse({
      DB_SCHEMA: schema,
      GOALS_GRPC_HOST: '127.0.0.1',
      GOALS_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.address,
      AUTH_CLIENT_ID: GOALS_CLIENT_ID,
      AUTH_CLIENT_SECRET: GOALS_CLIENT_SECRET,
      SCHEDULER_INTERVAL_MS: '0',
      OUTBOX_POLL_MS: '100',
      ...env,
      // The expense service (when given) receives jar.spent, next to any subscriber the test names.
      EVENT_SUBSCRIBERS: [env.EVENT_SUBSCRIBERS, expense ? `expense=${expense.address}[jar.spent]` : '']
        .filter(Boolean)
        .join(','),
    });
    return startGoalsService({ config, sql, logger: silentLogger(), clock });
  });
  const authClient = createGrpcClient(AuthServiceDefinition, auth.address);
  const goalsClient = createGrpcClient(GoalsServiceDefinition, goals.address, { defaultDeadlineMs: 10_000 });
  return Object.assign(goals, {
    /** One scheduler pass (allowance paydays, interest, chores) as of `at`, with an operator's token. */
    async runScheduler(at: Date = clock(), familyId = '') {
      const { accessToken } = await authClient.issueServiceToken({
        clientId: 'ops',
        clientSecret: OPS_CLIENT_SECRET,
        scopes: [],
      });
      return goalsClient.runScheduler({ familyId, now: at }, { metadata: callMetadata({ token: accessToken }) });
    },
    /** Sets the goals service's clock (an ISO instant), or back to real time with undefined. */
    setNow(instant: string | Date | undefined) {
      now = instant === undefined ? undefined : new Date(instant);
    },
  });
}

export type GamificationStack = Awaited<ReturnType<typeof startTestGamification>>;

/**
 * The gamification service in front of `auth` (whose AUTH_SERVICE_CLIENTS must include
 * GAMIFICATION_SERVICE_CLIENT) on `port` (0: any), on its Postgres store. Producers reach it through
 * their EVENT_SUBSCRIBERS; `env.EVENT_SUBSCRIBERS` names where its own events go.
 */
export async function startTestGamification(auth: { address: string }, port = 0, env: Record<string, string> = {}) {
  return onFreshSchema('gamification', async ({ sql, schema }) => {
    const config = gamificationConfigSchema.parse({
      DB_SCHEMA: schema,
      GAMIFICATION_GRPC_HOST: '127.0.0.1',
      GAMIFICATION_GRPC_PORT: String(port),
      AUTH_GRPC_URL: auth.address,
      AUTH_CLIENT_ID: GAMIFICATION_CLIENT_ID,
      AUTH_CLIENT_SECRET: GAMIFICATION_CLIENT_SECRET,
      OUTBOX_POLL_MS: '50',
      METRICS_PORT: '0',
      ...env,
    });
    return startGamificationService({ config, sql, logger: silentLogger() });
  });
}

/**
 * The notification service's settings for a test (or benchmark) stack: its gRPC server on `address`
 * (producers name it in their EVENT_SUBSCRIBERS), Redis under `redisPrefix`, reading from `auth`,
 * `expense` and `goals`, no digests and no metrics; `env` adds or overrides.
 */
export function notificationTestEnv(options: {
  address: string;
  redisPrefix: string;
  auth: { address: string };
  expense: { address: string };
  goals: { address: string };
  redisUrl?: string;
  env?: Record<string, string>;
}): Record<string, string> {
  return {
    NOTIFICATION_GRPC_HOST: '127.0.0.1',
    NOTIFICATION_GRPC_PORT: options.address.split(':')[1]!,
    REDIS_URL: options.redisUrl ?? testRedisUrl(),
    REDIS_KEY_PREFIX: options.redisPrefix,
    AUTH_GRPC_URL: options.auth.address,
    AUTH_CLIENT_ID: NOTIFICATION_CLIENT_ID,
    AUTH_CLIENT_SECRET: NOTIFICATION_CLIENT_SECRET,
    EXPENSE_GRPC_URL: options.expense.address,
    GOALS_GRPC_URL: options.goals.address,
    DIGEST_INTERVAL_MS: '0',
    METRICS_PORT: '0',
    ...options.env,
  };
}

/** The notification service in this process with `notificationTestEnv`'s settings. */
export function startTestNotification(options: Parameters<typeof notificationTestEnv>[0]) {
  return startNotificationService({
    config: notificationConfigSchema.parse(notificationTestEnv(options)),
    logger: silentLogger(),
  });
}

/**
 * A BFF in front of `auth` (and `EXPENSE_GRPC_URL`, `GOALS_GRPC_URL` when given), with generous rate limits unless the
 * test asks otherwise. Without an expense or goals service its address is auth's: their calls then
 * answer UNIMPLEMENTED, which suites that never call them do not notice.
 */
export async function startTestBff(
  auth: { address: string },
  env: Record<string, string> = {},
  seams: Pick<StartBffOptions, 'removeDeviceToken' | 'deliveryReporter' | 'replay'> = {},
) {
  const config: BffConfig = bffConfigSchema.parse({
    AUTH_GRPC_URL: auth.address,
    EXPENSE_GRPC_URL: auth.address,
    GOALS_GRPC_URL: auth.address,
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: `${uniqueName('bff')}:`,
    BFF_HOST: '127.0.0.1',
    BFF_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    // Suites about the delivery workers ask for BFF_MODE=worker or both themselves.
    BFF_MODE: 'api',
    METRICS_PORT: String(await freePort()),
    ...env,
  });
  const bff: StartedBff = await startBff({ config, logger: silentLogger(), drainMs: 1000, ...seams });
  return {
    ...bff,
    config,
    http: () => request(bff.url),
    /** The /metrics listener (METRICS_PORT), apart from the public port. */
    metrics: () => request(bff.metricsUrl ?? bff.url),
    async stop() {
      await bff.stop();
      await deleteKeys(config.REDIS_KEY_PREFIX);
    },
  };
}

export type TestBff = Awaited<ReturnType<typeof startTestBff>>;

/**
 * Auth, expense, goals (with `goals: true`), gamification (with `gamification: true`, which implies
 * goals; every producer delivers its events to it) and the BFF in front of them; `stop()` stops them all.
 */
export async function startTestStack(
  options: {
    bffEnv?: Record<string, string>;
    expenseEnv?: Record<string, string>;
    goals?: boolean;
    goalsEnv?: Record<string, string>;
    gamification?: boolean;
    gamificationEnv?: Record<string, string>;
    /** The notification service on the BFF's Redis prefix (implies goals). */
    notification?: boolean;
    /** The Redis of the BFF and the notification service (default: the shared test Redis). */
    redisUrl?: string;
  } = {},
) {
  // The producers are told the gamification service's address before it starts; their relays retry.
  const gamificationUrl = options.gamification ? `127.0.0.1:${await freePort()}` : undefined;
  const toGamification = (env: Record<string, string> = {}) =>
    gamificationUrl
      ? {
          ...env,
          OUTBOX_POLL_MS: env.OUTBOX_POLL_MS ?? '50',
          EVENT_SUBSCRIBERS: [env.EVENT_SUBSCRIBERS, `gamification=${gamificationUrl}`].filter(Boolean).join(','),
        }
      : env;
  const notificationUrl = options.notification ? `127.0.0.1:${await freePort()}` : undefined;
  const toSubscribers = (env: Record<string, string> = {}) => {
    const withGamification = toGamification(env);
    return notificationUrl
      ? {
          ...withGamification,
          OUTBOX_POLL_MS: withGamification.OUTBOX_POLL_MS ?? '50',
          EVENT_SUBSCRIBERS: [withGamification.EVENT_SUBSCRIBERS, `notification=${notificationUrl}`]
            .filter(Boolean)
            .join(','),
        }
      : withGamification;
  };
  const redisPrefix = `${uniqueName('bff')}:`;
  const auth = await startTestAuth(toSubscribers({ AUTH_SERVICE_CLIENTS: STACK_SERVICE_CLIENTS }));
  let expense: ExpenseStack | undefined;
  let goals: GoalsStack | undefined;
  let gamification: GamificationStack | undefined;
  let notification: RunningNotificationService | undefined;
  try {
    expense = await startTestExpense(auth, toSubscribers(options.expenseEnv));
    if (options.goals || options.gamification || options.notification)
      goals = await startTestGoals(auth, expense, toSubscribers(options.goalsEnv));
    if (notificationUrl) {
      notification = await startTestNotification({
        address: notificationUrl,
        redisPrefix,
        auth,
        expense,
        goals: goals!,
        ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      });
    }
    if (gamificationUrl) {
      // The goals service pays parent-made badges' rewards.
      gamification = await startTestGamification(auth, Number(gamificationUrl.split(':')[1]), {
        EVENT_SUBSCRIBERS: `goals=${goals!.address}[achievement.unlocked]`,
        ...options.gamificationEnv,
      });
    }
    const bff = await startTestBff(auth, {
      EXPENSE_GRPC_URL: expense.address,
      ...(goals ? { GOALS_GRPC_URL: goals.address } : {}),
      ...(gamificationUrl ? { GAMIFICATION_GRPC_URL: gamificationUrl } : {}),
      ...(notificationUrl ? { NOTIFICATION_GRPC_URL: notificationUrl, REDIS_KEY_PREFIX: redisPrefix } : {}),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.bffEnv,
    });
    const started = { expense, goals, gamification, notification };
    return {
      auth,
      expense: started.expense,
      /** Started only with `goals: true` or `gamification: true`. */
      get goals(): GoalsStack {
        if (!started.goals) throw new Error('start the stack with { goals: true }');
        return started.goals;
      },
      /** Started only with `gamification: true`. */
      get gamification(): GamificationStack {
        if (!started.gamification) throw new Error('start the stack with { gamification: true }');
        return started.gamification;
      },
      /** Started only with `notification: true`. */
      get notification(): RunningNotificationService {
        if (!started.notification) throw new Error('start the stack with { notification: true }');
        return started.notification;
      },
      bff,
      async stop() {
        await started.notification?.stop();
        await bff.stop();
        await started.gamification?.stop();
        await started.goals?.stop();
        await started.expense.stop();
        await auth.stop();
      },
    };
  } catch (err) {
    await notification?.stop();
    await gamification?.stop();
    await goals?.stop();
    await expense?.stop();
    await auth.stop();
    throw err;
  }
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

async function deleteKeys(prefix: string): Promise<void> {
  const redis = createClient({ url: testRedisUrl() });
  await redis.connect();
  try {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await redis.del(keys);
    }
  } finally {
    redis.destroy();
  }
}

let counter = 0;
/** A unique email for this run. */
export function email(name = 'parent'): string {
  return `${name}.${Date.now().toString(36)}.${counter++}@example.test`;
}

/** A unique child username for this run (3-32 of [a-z0-9._-]). */
export function username(name = 'kid'): string {
  return `${name}${Date.now().toString(36)}${counter++}`;
}

export const PASSWORD = 'correct horse battery';

export interface Session {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export async function register(bff: TestBff, displayName = 'Pat'): Promise<Session & { email: string }> {
  const address = email(displayName.toLowerCase());
  const r = await bff.http().post('/v1/auth/register').send({ email: address, password: PASSWORD, displayName });
  expect(r.status, JSON.stringify(r.body)).to.equal(201);
  return {
    email: address,
    userId: r.body.user.id,
    accessToken: r.body.tokens.accessToken,
    refreshToken: r.body.tokens.refreshToken,
  };
}

export interface FamilyOwner extends Session {
  email: string;
  familyId: string;
  memberId: string;
}

/** Registers a parent and creates a family (Europe/Berlin); the session's access token carries the membership. */
export async function familyWithOwner(bff: TestBff, name = 'The Smiths', currency = 'EUR'): Promise<FamilyOwner> {
  const parent = await register(bff, 'Parent');
  const r = await bff
    .http()
    .post('/v1/families')
    .auth(parent.accessToken, { type: 'bearer' })
    .send({ name, currency, timezone: 'Europe/Berlin' });
  expect(r.status, JSON.stringify(r.body)).to.equal(201);
  return { ...parent, accessToken: r.body.accessToken, familyId: r.body.family.id, memberId: r.body.member.id };
}

/** Adds a child to the owner's family and logs the child in by username. */
export async function childOf(
  bff: TestBff,
  owner: FamilyOwner,
  displayName = 'Kim',
): Promise<Session & { memberId: string; username: string }> {
  const name = username();
  const created = await bff
    .http()
    .post(`/v1/families/${owner.familyId}/children`)
    .auth(owner.accessToken, { type: 'bearer' })
    .send({ displayName, username: name, password: PASSWORD });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const login = await bff.http().post('/v1/auth/login').send({ login: name, password: PASSWORD });
  expect(login.status, JSON.stringify(login.body)).to.equal(200);
  return {
    username: name,
    memberId: created.body.id,
    userId: login.body.user.id,
    accessToken: login.body.tokens.accessToken,
    refreshToken: login.body.tokens.refreshToken,
  };
}

/** Registers another adult, invited by the owner, who joins as a parent; the token carries the membership. */
export async function parentOf(
  bff: TestBff,
  owner: FamilyOwner,
  displayName = 'Alex',
): Promise<Session & { email: string; memberId: string }> {
  const invite = await bff
    .http()
    .post(`/v1/families/${owner.familyId}/invites`)
    .auth(owner.accessToken, { type: 'bearer' })
    .send({ role: 'PARENT' });
  expect(invite.status, JSON.stringify(invite.body)).to.equal(201);
  const adult = await register(bff, displayName);
  const joined = await bff
    .http()
    .post(`/v1/invites/${invite.body.code}/accept`)
    .auth(adult.accessToken, { type: 'bearer' });
  expect(joined.status, JSON.stringify(joined.body)).to.equal(200);
  return { ...adult, accessToken: joined.body.accessToken, memberId: joined.body.member.id };
}

/** The auth service's signing key, read (sealed) from its table, to mint tokens with a genuine signature. */
export async function signingKey(auth: AuthStack, kid: string): Promise<JWK> {
  if (auth.sql.kind !== 'pg') throw new Error('tests run on Postgres');
  const r = await auth.sql.pool.query(
    `select private_key_id, private_sealed from ${auth.schema}.signing_keys where kid = $1`,
    [kid],
  );
  const sealed = { keyId: r.rows[0].private_key_id as string, data: r.rows[0].private_sealed as Buffer };
  return JSON.parse(new SecretCipher(auth.encryptionKeys).open(sealed, kid)) as JWK;
}

/** Asserts an RFC 9457 problem with the given status and code; returns its body. */
export function expectProblem(r: request.Response, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.body)).to.equal(status);
  expect(r.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(r.body).to.include({ status });
  expect(r.body.type).to.be.a('string');
  expect(r.body.title).to.be.a('string');
  expect(r.body.requestId).to.equal(r.headers['x-request-id']);
  if (code) expect(r.body.code).to.equal(code);
  return r.body as { code: string; detail: string; errors?: { field: string; message: string }[] };
}

/** Asserts a 400 whose `errors` name `field`. */
export function expectInvalidField(r: request.Response, field: string) {
  const body = expectProblem(r, 400);
  expect(
    body.errors?.map((e) => e.field),
    JSON.stringify(body),
  ).to.include(field);
}
