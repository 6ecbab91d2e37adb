// Composition root of the goals service: builds stores and use cases over a SqlHandle, migrates,
// starts the gRPC server, the outbox relay and the scheduler timer. main.ts, the local launcher and
// the tests all call this.
import { createKysely, migrateToLatest, type SqlHandle } from '@family/db';
import type { Logger } from '@family/logger';
import { openEventLog, type OutboxRelay } from '@family/outbox';
import type { GrpcMetrics, TokenVerifier } from '@family/grpc-kit';
import type { GoalsConfig } from './config.js';
import type { GoalsDatabase } from './db/schema.js';
import { migrations } from './db/migrations/index.js';
import { LedgerStore } from './store/ledger.store.js';
import { JarSettingsStore } from './store/jar-settings.store.js';
import { GoalsStore } from './store/goals.store.js';
import { ChoresStore } from './store/chores.store.js';
import { AllowancesStore } from './store/allowances.store.js';
import { authConnectionOptions, connectToAuth } from '@family/auth-client';
import { Access, familyDirectoryOverAuth, type FamilyDirectory, PeriodicTask, Scopes } from '@family/service-kit';
import { GoalEvents } from './app/goal.events.js';
import { JarPostings } from './app/jar.postings.js';
import type { GoalsDeps } from './app/goals.deps.js';
import { Jars } from './app/jars.js';
import { Goals } from './app/goals.js';
import { Chores } from './app/chores.js';
import { Allowances } from './app/allowances.js';
import { Scheduler } from './app/scheduler.js';
import { BadgeRewards } from './app/badge.rewards.js';
import { createGoalsServer } from './server.js';

/** What this service's own token may do at other services: read families, deliver events. */
const SERVICE_SCOPES = [Scopes.AUTH_READ, Scopes.EVENTS_WRITE];

export interface RunningGoalsService {
  port: number;
  address: string;
  scheduler: Scheduler;
  /** The scheduler's timer (SCHEDULER_INTERVAL_MS); `runNow()` runs a pass on the service clock. */
  schedulerTask: PeriodicTask;
  relay: OutboxRelay;
  verifier: TokenVerifier;
  families: FamilyDirectory;
  stop(): Promise<void>;
}

export async function startGoalsService(input: {
  config: GoalsConfig;
  sql: SqlHandle;
  logger: Logger;
  metrics?: GrpcMetrics;
  /** The service's clock ("today" for requests and timer passes); tests move it. */
  clock?: () => Date;
}): Promise<RunningGoalsService> {
  const { config, logger } = input;
  const db = createKysely<GoalsDatabase>(input.sql, config.DB_SCHEMA);
  await migrateToLatest(db, config.DB_SCHEMA, migrations);

  const clientOptions = input.metrics ? { metrics: input.metrics } : {};
  const { serviceToken, gateway, verifier } = connectToAuth(
    authConnectionOptions(config, SERVICE_SCOPES, clientOptions),
  );

  const { outbox, relay } = openEventLog({
    db,
    producer: 'goals',
    config,
    token: () => serviceToken.get(),
    logger,
    metrics: input.metrics,
  });
  const events = new GoalEvents(outbox);

  const familyDirectory = familyDirectoryOverAuth(db, gateway, config.MEMBER_CACHE_MS, config.REGION);
  const ledger = new LedgerStore(db);
  const deps: GoalsDeps = {
    db,
    familyDirectory,
    ledger,
    jarSettings: new JarSettingsStore(db),
    goals: new GoalsStore(db),
    chores: new ChoresStore(db),
    allowances: new AllowancesStore(db),
    access: new Access(familyDirectory),
    events,
    postings: new JarPostings(ledger),
    clock: input.clock ?? (() => new Date()),
  };
  const jars = new Jars(deps);
  const scheduler = new Scheduler(deps, logger.child({ component: 'scheduler' }));
  const grpc = createGoalsServer({
    logger,
    verifier,
    jars,
    goals: new Goals(deps, (actor, memberId) => jars.balanceOf(actor, memberId)),
    chores: new Chores(deps),
    allowances: new Allowances(deps),
    scheduler,
    rewards: new BadgeRewards(deps, logger.child({ component: 'badge-rewards' })),
    clock: deps.clock,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const schedulerTask = new PeriodicTask({
    name: 'goals-scheduler',
    intervalMs: config.SCHEDULER_INTERVAL_MS,
    // The first pass right away catches up on anything due while the service was down.
    runAtStart: true,
    run: () => scheduler.tick(),
    logger: logger.child({ component: 'scheduler' }),
    registry: input.metrics?.registry,
  });
  const port = await grpc.listen(config.GOALS_GRPC_HOST, config.GOALS_GRPC_PORT);
  relay.start();
  // 0 turns the timer off (tests and operations run passes through RunScheduler).
  if (config.SCHEDULER_INTERVAL_MS > 0) schedulerTask.start();
  logger.info({ port }, 'goals service listening');

  return {
    port,
    address: `127.0.0.1:${port}`,
    scheduler,
    schedulerTask,
    relay,
    verifier,
    families: familyDirectory,
    async stop() {
      const schedulerStopped = schedulerTask.stop();
      await grpc.shutdown();
      await schedulerStopped;
      await relay.stop();
    },
  };
}
