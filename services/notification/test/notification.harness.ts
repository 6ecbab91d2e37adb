// Test harness: the real auth service (delivering its member events to us), the real expense and
// goals services (the digest's figures) and the notification service on a free port with a unique
// Redis prefix, real gRPC clients, households made through auth's API, and helpers to send events,
// read BullMQ jobs and listen on the pub/sub channel.
import { createClient } from 'redis';
import { createGrpcClient } from '@family/grpc-kit';
import { createLogger, silentLogger } from '@family/logger';
import { onFreshSchema, testRedisUrl, uniqueName, waitFor, freePort } from '@family/testing';
import { expenseConfigSchema, startExpenseService } from '@family/expense-service';
import { goalsConfigSchema, startGoalsService } from '@family/goals-service';
import { Role } from '@family/contracts/common/v1/common';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { newId } from '@family/db';
import { userEventsChannel, type DeliveryChannel } from '@family/delivery-jobs';
import { bearer, email, PASSWORD, startTestAuth } from '@family/auth-service/testing';
import { deliveryJobId } from '@family/delivery-jobs';
import { Scopes } from '@family/service-kit';
import { notificationConfigSchema, startNotificationService } from '../src/index.js';

export { bearer };

const SERVICE_CLIENTS = [
  `notification:ntf-secret:${Scopes.AUTH_READ} ${Scopes.EXPENSE_READ} ${Scopes.GOALS_READ}`,
  `relay:relay-secret:${Scopes.EVENTS_WRITE}`,
  `worker:worker-secret:${Scopes.NOTIFICATIONS_DELIVER}`,
  `expense:expense-secret:${Scopes.AUTH_READ} ${Scopes.EVENTS_WRITE}`,
  `goals:goals-secret:${Scopes.AUTH_READ} ${Scopes.EVENTS_WRITE}`,
].join(',');

/** The expense and goals services in front of `auth`, delivering no events (tests send them). */
async function startProducers(authAddress: string) {
  const common = { AUTH_GRPC_URL: authAddress, SCHEDULER_INTERVAL_MS: '0' };
  const startGoals = (port: number) =>
    onFreshSchema('goals', ({ sql, schema }) =>
      startGoalsService({
        config: goalsConfigSchema.parse({
          ...common,
          DB_SCHEMA: schema,
          GOALS_GRPC_HOST: '127.0.0.1',
          GOALS_GRPC_PORT: String(port),
          AUTH_CLIENT_ID: 'goals',
          AUTH_CLIENT_SECRET: 'goals-secret',
        }),
        sql,
        logger: silentLogger(),
      }),
    );
  const expense = await onFreshSchema('expense', ({ sql, schema }) =>
    startExpenseService({
      config: expenseConfigSchema.parse({
        ...common,
        DB_SCHEMA: schema,
        EXPENSE_GRPC_HOST: '127.0.0.1',
        EXPENSE_GRPC_PORT: '0',
        AUTH_CLIENT_ID: 'expense',
        AUTH_CLIENT_SECRET: 'expense-secret',
      }),
      sql,
      logger: silentLogger(),
    }),
  );
  const producers = {
    expense,
    goals: await startGoals(0),
    /** Starts the goals service again on its port (after a test stopped it), with a fresh schema. */
    async restartGoals() {
      producers.goals = await startGoals(producers.goals.port);
    },
  };
  return producers;
}

export interface Household {
  familyId: string;
  parent: { userId: string; memberId: string; token: string; email: string };
  kids: { userId: string; memberId: string; token: string }[];
}

export type NotificationHarness = Awaited<ReturnType<typeof startNotificationHarness>>;

export async function startNotificationHarness(env: Record<string, string> = {}) {
  const port = await freePort();
  const auth = await startTestAuth({
    AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS,
    EVENT_SUBSCRIBERS: `notification=127.0.0.1:${port}`,
    OUTBOX_POLL_MS: '50',
  });
  const producers = await startProducers(auth.service.address);
  const prefix = `${uniqueName('ntf')}:`;
  let now: Date | undefined;
  const clock = () => now ?? new Date();
  const config = notificationConfigSchema.parse({
    NOTIFICATION_GRPC_HOST: '127.0.0.1',
    NOTIFICATION_GRPC_PORT: String(port),
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    AUTH_GRPC_URL: auth.service.address,
    AUTH_CLIENT_SECRET: 'ntf-secret',
    EXPENSE_GRPC_URL: producers.expense.address,
    GOALS_GRPC_URL: producers.goals.address,
    DIGEST_INTERVAL_MS: '0',
    METRICS_PORT: '0',
    ...env,
  });
  const logger = process.env.TEST_LOG ? createLogger('notification', 'warn') : silentLogger();
  const service = await startNotificationService({ config, logger, clock });
  const client = createGrpcClient(NotificationServiceDefinition, service.address, { defaultDeadlineMs: 10_000 });
  const subscriber = createClient({ url: testRedisUrl() });
  await subscriber.connect();

  async function serviceToken(clientId: 'relay' | 'worker'): Promise<string> {
    const r = await auth.client.issueServiceToken({ clientId, clientSecret: `${clientId}-secret`, scopes: [] });
    return r.accessToken;
  }

  /** Members this service learned from auth's events. */
  async function knownMembers(familyId: string): Promise<string[]> {
    return service.redis.hKeys(`${prefix}family:${familyId}:members`);
  }

  /**
   * Verifies a new account's email as its owner would: by the token of the verification mail this
   * service queued from auth's event (only a verified address receives email notifications).
   */
  async function verifyEmail(address: string) {
    const mail = await waitFor(
      async () =>
        (await service.queues.queues.email.getJobs(['waiting', 'delayed', 'active', 'completed'])).find(
          (j) => j?.data?.to === address && j.data.data?.purpose === 'EMAIL_VERIFICATION',
        ),
      { what: `the verification mail to ${address}` },
    );
    const token = new URL(/https?:\/\/\S+/.exec(String(mail.data.body))![0]).searchParams.get('token')!;
    await auth.client.verifyEmail({ token });
  }

  /** A parent with a new family and logged-in children; returns once auth's events have arrived. */
  async function household(kids = 1): Promise<Household> {
    const parentEmail = email();
    const reg = await auth.client.register({ email: parentEmail, password: PASSWORD, displayName: 'Pat' });
    await verifyEmail(parentEmail);
    const created = await auth.client.createFamily(
      { name: 'Smiths', currency: 'EUR', timezone: 'Europe/Berlin' },
      bearer(reg.tokens!.accessToken),
    );
    const familyId = created.family!.id;
    const h: Household = {
      familyId,
      parent: { userId: reg.user!.id, memberId: created.member!.id, token: created.accessToken, email: parentEmail },
      kids: [],
    };
    for (let i = 0; i < kids; i++) {
      const username = uniqueName('kid').replace(/_/g, '');
      const child = await auth.client.createChild(
        { familyId, displayName: `Kid ${i}`, username, password: 'kids secret pw' },
        bearer(created.accessToken),
      );
      const login = await auth.client.login({ login: username, password: 'kids secret pw' });
      h.kids.push({ userId: child.member!.userId, memberId: child.member!.id, token: login.tokens!.accessToken });
    }
    await waitFor(async () => (await knownMembers(familyId)).length === kids + 1, { what: 'member events' });
    return h;
  }

  /** A second parent who joined by invite. */
  async function coParent(h: Household) {
    const invite = await auth.client.createInvite(
      { familyId: h.familyId, role: Role.ROLE_PARENT, ttlSeconds: 0 },
      bearer(h.parent.token),
    );
    const userEmail = email('coparent');
    const user = await auth.client.register({ email: userEmail, password: PASSWORD, displayName: 'Alex' });
    await verifyEmail(userEmail);
    const joined = await auth.client.acceptInvite({ code: invite.invite!.code }, bearer(user.tokens!.accessToken));
    await waitFor(async () => (await knownMembers(h.familyId)).includes(joined.member!.id), { what: 'join event' });
    return { userId: user.user!.id, memberId: joined.member!.id, token: joined.accessToken, email: userEmail };
  }

  /** The user (by their token) puts a phone number on their profile. */
  async function setPhone(token: string, phone: string) {
    await auth.client.updateMe({ phone }, bearer(token));
  }

  /** Delivers events as the outbox relay would. */
  async function send(...events: DomainEvent[]) {
    return client.handleEvents({ events }, bearer(await serviceToken('relay')));
  }

  function job(channel: DeliveryChannel, notificationId: string) {
    return service.queues.queues[channel].getJob(deliveryJobId(notificationId, channel));
  }

  /** Collects what is published on a user's channel. */
  async function listen(userId: string): Promise<unknown[]> {
    const received: unknown[] = [];
    await subscriber.subscribe(userEventsChannel(prefix, userId), (message) => received.push(JSON.parse(message)));
    return received;
  }

  return {
    auth,
    producers,
    service,
    client,
    prefix,
    household,
    coParent,
    verifyEmail,
    send,
    job,
    listen,
    serviceToken,
    setPhone,
    setNow(instant: string | Date | undefined) {
      now = instant === undefined ? undefined : new Date(instant);
    },
    async stop() {
      await subscriber.quit();
      const keys = await service.redis.keys(`${prefix}*`);
      if (keys.length) await service.redis.del(keys);
      await service.stop();
      await producers.goals.stop();
      await producers.expense.stop();
      await auth.stop();
    },
  };
}

type Payload = NonNullable<DomainEvent['payload']>;

/** A domain event as a producer would write it. */
export function event(familyId: string, payload: Payload, over: Partial<DomainEvent> = {}): DomainEvent {
  return {
    id: newId(),
    type: payload.$case,
    familyId,
    occurredAt: new Date(),
    actorUserId: '',
    source: 'test',
    payload,
    ...over,
  };
}

export function limitExceeded(h: Household, kid = 0): DomainEvent {
  return event(h.familyId, {
    $case: 'spendingLimitExceeded',
    value: {
      memberId: h.kids[kid]!.memberId,
      expenseId: newId(),
      period: 'WEEK',
      limitMinor: 2000,
      spentMinor: 2550,
      currency: 'EUR',
      categoryId: '',
    },
  });
}

export function choreSubmitted(h: Household, kid = 0): DomainEvent {
  return event(h.familyId, {
    $case: 'choreSubmitted',
    value: { choreId: newId(), assigneeMemberId: h.kids[kid]!.memberId, title: 'Dishes', note: '' },
  });
}

export function allowancePaid(h: Household, kid = 0): DomainEvent {
  return event(h.familyId, {
    $case: 'allowancePaid',
    value: {
      allowanceId: newId(),
      memberId: h.kids[kid]!.memberId,
      amount: { amountMinor: 500, currency: 'EUR' },
      payday: undefined,
      spendMinor: 300,
      saveMinor: 100,
      giveMinor: 100,
    },
  });
}
