// Composition root of the notification service: connects Redis, builds stores, the BullMQ
// producers and use cases, starts the gRPC server and the daily-digest task. main.ts, the local
// launcher and the tests all call this.
import type { Logger } from '@family/logger';
import { createGrpcClient, type GrpcMetrics } from '@family/grpc-kit';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import { MemberDirectory, authConnectionOptions, connectToAuth } from '@family/auth-client';
import { queuePrefix } from '@family/delivery-jobs';
import { closeRedisWithin, PeriodicTask, Scopes } from '@family/service-kit';
import type { NotificationConfig } from './config.js';
import { connectRedis, redisUnreachable, RedisKeys, watchRedis, type RedisClient } from './store/redis.client.js';
import { InboxStore } from './store/inbox.store.js';
import { PreferencesStore } from './store/preferences.store.js';
import { DevicesStore } from './store/devices.store.js';
import { MembersStore } from './store/members.store.js';
import { DedupStore } from './store/dedup.store.js';
import { DeliveryQueues } from './store/delivery.queues.js';
import { ContactDirectory } from './app/contact.directory.js';
import { EventPlanner } from './app/event.plans.js';
import { EventFanout } from './app/event.fanout.js';
import { AccountMail } from './app/account.mail.js';
import { InboxUseCases } from './app/inbox.js';
import { PreferencesUseCases } from './app/preferences.js';
import { DevicesUseCases } from './app/devices.js';
import { DailyDigest } from './app/daily.digest.js';
import { FamilySummaries } from './app/family.summary.js';
import { FamilyRoster } from './app/family.roster.js';
import { createNotificationServer } from './server.js';

/**
 * What this service's own token may do: read users' contacts and families' settings at auth, and a
 * family's spending, budgets and chores for the daily digest.
 */
const SERVICE_SCOPES = [Scopes.AUTH_READ, Scopes.EXPENSE_READ, Scopes.GOALS_READ];

export interface RunningNotificationService {
  port: number;
  address: string;
  redis: RedisClient;
  queues: DeliveryQueues;
  digest: DailyDigest;
  bullPrefix: string;
  stop(): Promise<void>;
}

export async function startNotificationService(input: {
  config: NotificationConfig;
  logger: Logger;
  metrics?: GrpcMetrics;
  /** The service's clock (quiet hours, digest day, read times); tests move it. */
  clock?: () => Date;
}): Promise<RunningNotificationService> {
  const { config, logger } = input;
  const clock = input.clock ?? (() => new Date());
  const redis = await connectRedis(config.REDIS_URL, (err) => logger.warn({ err }, 'redis connection error'));
  const keys = new RedisKeys(config.REDIS_KEY_PREFIX);
  const bullPrefix = queuePrefix(config.REDIS_KEY_PREFIX);
  const queues = new DeliveryQueues({
    redisUrl: config.REDIS_URL,
    prefix: bullPrefix,
    attempts: config.DELIVERY_ATTEMPTS,
    backoffMs: config.DELIVERY_BACKOFF_MS,
    keepCompleted: config.KEEP_COMPLETED_JOBS,
    keepFailed: config.KEEP_FAILED_JOBS,
  });

  const clientOptions = input.metrics ? { metrics: input.metrics } : {};
  const {
    client: authClient,
    serviceToken,
    gateway,
    verifier,
  } = connectToAuth(authConnectionOptions(config, SERVICE_SCOPES, clientOptions));
  // Parental controls check the child against auth's live member list, on behalf of the parent.
  const memberDirectory = new MemberDirectory(
    (familyId, token) => gateway.members(familyId, token),
    config.MEMBER_CACHE_MS,
  );
  const contacts = new ContactDirectory(authClient, serviceToken, gateway);
  const summaries = new FamilySummaries(
    createGrpcClient(ExpenseServiceDefinition, config.EXPENSE_GRPC_URL, clientOptions),
    createGrpcClient(GoalsServiceDefinition, config.GOALS_GRPC_URL, clientOptions),
    gateway,
    serviceToken,
  );

  const inboxStore = new InboxStore(redis, keys, config.INBOX_MAX_ITEMS);
  const preferencesStore = new PreferencesStore(redis, keys);
  const devicesStore = new DevicesStore(redis, keys);
  const membersStore = new MembersStore(redis, keys);
  const dedup = new DedupStore(redis, keys, config.DEDUP_TTL_SECONDS);
  const roster = new FamilyRoster(membersStore, gateway, preferencesStore);

  const fanout = new EventFanout({
    planner: new EventPlanner(membersStore),
    roster,
    inbox: inboxStore,
    preferences: preferencesStore,
    devices: devicesStore,
    dedup,
    queues,
    contacts,
    accountMail: new AccountMail({
      queues,
      dedup,
      appUrl: config.APP_URL,
      clock,
      logger: logger.child({ component: 'account-mail' }),
    }),
    redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    clock,
    logger: logger.child({ component: 'fanout' }),
  });
  const digest = new DailyDigest({
    inbox: inboxStore,
    preferences: preferencesStore,
    members: membersStore,
    dedup,
    queues,
    contacts,
    summaries,
    digestHour: config.DIGEST_HOUR,
    clock,
    logger: logger.child({ component: 'digest' }),
  });

  const grpc = createNotificationServer({
    logger,
    verifier,
    fanout,
    inbox: new InboxUseCases(inboxStore, clock),
    preferences: new PreferencesUseCases(preferencesStore, memberDirectory, roster, clock),
    devices: new DevicesUseCases(devicesStore, clock),
    deliveries: dedup,
    translateError: redisUnreachable,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  // Health follows this service's own Redis: NOT_SERVING while it is gone, SERVING once back.
  watchRedis(redis, (up) => grpc.setDependenciesUp(up));
  const port = await grpc.listen(config.NOTIFICATION_GRPC_HOST, config.NOTIFICATION_GRPC_PORT);
  // A failed pass is logged and counted by the task; the next one retries (users are claimed per day).
  const digestTask = new PeriodicTask({
    name: 'daily-digest',
    intervalMs: config.DIGEST_INTERVAL_MS,
    run: async () => {
      await digest.run();
    },
    runAtStart: false,
    logger: logger.child({ component: 'digest' }),
    registry: input.metrics?.registry,
  });
  digestTask.start();
  logger.info({ port }, 'notification service listening');

  return {
    port,
    address: `127.0.0.1:${port}`,
    redis,
    queues,
    digest,
    bullPrefix,
    async stop() {
      await digestTask.stop();
      await grpc.shutdown();
      await digest.idle();
      await queues.close();
      await closeRedisWithin(redis);
    },
  };
}
