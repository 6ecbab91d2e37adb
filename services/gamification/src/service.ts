// Composition root of the gamification service: migrates its Postgres schema (families, event log and
// the Postgres store), opens the MongoDB store when GAMIFICATION_MONGODB_URL is set, and starts the
// gRPC server, the outbox relay and (with EXPENSE_GRPC_URL) the weekly-limits task. main.ts, the
// local launcher and the tests all call this.
import { createKysely, migrateToLatest, type SqlHandle } from '@family/db';
import type { Logger } from '@family/logger';
import { openEventLog, type OutboxRelay } from '@family/outbox';
import { callMetadata, createGrpcClient, type GrpcMetrics, type TokenVerifier } from '@family/grpc-kit';
import { authConnectionOptions, connectToAuth } from '@family/auth-client';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { Access, familyDirectoryOverAuth, type FamilyDirectory, PeriodicTask, Scopes } from '@family/service-kit';
import type { GamificationConfig } from './config.js';
import type { GamificationDatabase } from './db/schema.js';
import { migrations } from './db/migrations/index.js';
import { DEFAULT_CATALOG } from './domain/badge.catalog.js';
import type { GamificationRepository } from './store/gamification.repository.js';
import { PostgresGamificationStore } from './store/postgres.store.js';
import { MongoGamificationStore } from './store/mongo.store.js';
import { GamificationEvents } from './app/gamification.events.js';
import type { GamificationDeps } from './app/gamification.deps.js';
import { EventRecorder } from './app/event.recorder.js';
import { ProgressReader } from './app/progress.reader.js';
import { Quests } from './app/quests.js';
import { CustomBadges } from './app/custom.badges.js';
import { WeekWithinLimit, type LimitsSource } from './app/limit.weeks.js';
import { createGamificationServer } from './server.js';

/**
 * What this service's own token may do at other services: read families, deliver events, and read
 * who has spending limits (the weekly "within the limit" XP).
 */
const SERVICE_SCOPES = [Scopes.AUTH_READ, Scopes.EVENTS_WRITE, Scopes.EXPENSE_READ];
/** How long one ListSpendingLimits call may take. */
const LIMITS_CALL_MS = 5_000;

export interface RunningGamificationService {
  port: number;
  address: string;
  relay: OutboxRelay;
  verifier: TokenVerifier;
  families: FamilyDirectory;
  store: GamificationRepository;
  /** The weekly-limits task (undefined without EXPENSE_GRPC_URL); tests drive it with runNow(). */
  weeklyLimits: PeriodicTask | undefined;
  stop(): Promise<void>;
}

export async function startGamificationService(input: {
  config: GamificationConfig;
  sql: SqlHandle;
  logger: Logger;
  metrics?: GrpcMetrics;
  /** The service's clock ("today" for reads); tests move it. */
  clock?: () => Date;
}): Promise<RunningGamificationService> {
  const { config, logger } = input;
  const clock = input.clock ?? (() => new Date());
  const db = createKysely<GamificationDatabase>(input.sql, config.DB_SCHEMA);
  await migrateToLatest(db, config.DB_SCHEMA, migrations);

  const clientOptions = input.metrics ? { metrics: input.metrics } : {};
  const { serviceToken, gateway, verifier } = connectToAuth(
    authConnectionOptions(config, SERVICE_SCOPES, clientOptions),
  );
  const { outbox, relay } = openEventLog({
    db,
    producer: 'gamification',
    config,
    token: () => serviceToken.get(),
    logger,
    metrics: input.metrics,
  });
  const catalog = DEFAULT_CATALOG;
  const events = new GamificationEvents(outbox, catalog, clock);
  const store: GamificationRepository = config.GAMIFICATION_MONGODB_URL
    ? await MongoGamificationStore.open({
        url: config.GAMIFICATION_MONGODB_URL,
        database: config.GAMIFICATION_MONGODB_DB,
        db,
        announce: events.announce,
      })
    : new PostgresGamificationStore(db, config.DB_SCHEMA, events.announce);

  const families = familyDirectoryOverAuth(db, gateway, config.MEMBER_CACHE_MS, config.REGION);
  const deps: GamificationDeps = { store, access: new Access(families), families, catalog, clock };
  const recorder = new EventRecorder(deps);
  const grpc = createGamificationServer({
    logger,
    verifier,
    recorder,
    reader: new ProgressReader(deps),
    quests: new Quests(deps),
    customBadges: new CustomBadges(deps),
    catalog,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const port = await grpc.listen(config.GAMIFICATION_GRPC_HOST, config.GAMIFICATION_GRPC_PORT);
  relay.start();

  let weeklyLimits: PeriodicTask | undefined;
  if (config.EXPENSE_GRPC_URL) {
    const expense = createGrpcClient(ExpenseServiceDefinition, config.EXPENSE_GRPC_URL, clientOptions);
    const limits: LimitsSource = async (familyId) => {
      const { spendingLimits } = await expense.listSpendingLimits(
        { familyId },
        {
          metadata: callMetadata({ token: await serviceToken.get() }),
          deadline: new Date(Date.now() + LIMITS_CALL_MS),
        },
      );
      return spendingLimits.map((l) => ({ memberId: l.memberId, periods: l.limits.length, updatedAt: l.updatedAt }));
    };
    const taskLogger = logger.child({ component: 'weekly-limits' });
    const weekWithinLimit = new WeekWithinLimit({ ...deps, db, recorder, limits, logger: taskLogger });
    weeklyLimits = new PeriodicTask({
      name: 'weekly-limits',
      intervalMs: config.WEEKLY_LIMITS_INTERVAL_MS,
      jitter: 0.2,
      run: async () => {
        const judged = await weekWithinLimit.run();
        const recorded = judged.reduce((n, j) => n + j.recorded, 0);
        if (judged.length > 0) taskLogger.info({ families: judged.length, recorded }, 'weeks within the limit judged');
      },
      logger: taskLogger,
      registry: input.metrics?.registry,
    });
    weeklyLimits.start();
  } else {
    logger.warn('EXPENSE_GRPC_URL is not set: no XP for a week within the spending limit (weekly-limits task off)');
  }
  logger.info(
    { port, store: config.GAMIFICATION_MONGODB_URL ? 'mongodb' : 'postgres' },
    'gamification service listening',
  );

  return {
    port,
    address: `127.0.0.1:${port}`,
    relay,
    verifier,
    families,
    store,
    weeklyLimits,
    async stop() {
      await weeklyLimits?.stop();
      await grpc.shutdown();
      await relay.stop();
      await store.close();
    },
  };
}
