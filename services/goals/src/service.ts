// Composition root of the goals service: builds stores and use cases over a SqlHandle, migrates,
// starts the gRPC server, the outbox relay and the scheduler timer. main.ts, the local launcher and
// the tests all call this.
import { createKysely, migrateToLatest, type SqlHandle } from '@family/db';
import type { Logger } from '@family/logger';
import { Outbox, OutboxRelay, grpcSubscribers } from '@family/outbox';
import type { GrpcMetrics, TokenVerifier } from '@family/grpc-kit';
import type { GoalsConfig } from './config.js';
import type { GoalsDatabase } from './db/schema.js';
import { migrations } from './db/migrations/index.js';
import { FamiliesStore } from './store/families.store.js';
import { LedgerStore } from './store/ledger.store.js';
import { JarSettingsStore } from './store/jar-settings.store.js';
import { GoalsStore } from './store/goals.store.js';
import { ChoresStore } from './store/chores.store.js';
import { AllowancesStore } from './store/allowances.store.js';
import { MemberDirectory, connectToAuth } from '@family/auth-client';
import { FamilyDirectory } from './app/family.directory.js';
import { Access } from './app/access.js';
import { GoalEvents } from './app/goal.events.js';
import { JarPostings } from './app/jar.postings.js';
import type { GoalsDeps } from './app/goals.deps.js';
import { Jars } from './app/jars.js';
import { Goals } from './app/goals.js';
import { Chores } from './app/chores.js';
import { Allowances } from './app/allowances.js';
import { Scheduler } from './app/scheduler.js';
import { createGoalsServer } from './server.js';

/** What this service's own token may do at other services: read families, deliver events. */
const SERVICE_SCOPES = ['auth:read', 'events:write'];

export interface RunningGoalsService {
  port: number;
  address: string;
  scheduler: Scheduler;
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
  const { serviceToken, gateway, verifier } = connectToAuth({
    address: config.AUTH_GRPC_URL,
    clientId: config.AUTH_CLIENT_ID,
    clientSecret: config.AUTH_CLIENT_SECRET,
    scopes: SERVICE_SCOPES,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    clientOptions,
  });

  // Event subscribers are the services whose addresses are configured.
  const subscribers = grpcSubscribers(
    {
      notification: config.NOTIFICATION_GRPC_URL,
      gamification: config.GAMIFICATION_GRPC_URL,
      expense: config.EXPENSE_GRPC_URL,
    },
    () => serviceToken.get(),
    clientOptions,
  );
  const relay = new OutboxRelay({
    db,
    subscribers,
    logger: logger.child({ component: 'outbox' }),
    pollIntervalMs: config.OUTBOX_POLL_MS,
  });
  const kick = () => relay.kick();
  const events = new GoalEvents(
    new Outbox(
      relay.subscriberNames.filter((n) => n !== 'expense'),
      kick,
    ),
    new Outbox(relay.subscriberNames, kick),
  );

  const families = new FamiliesStore(db);
  const familyDirectory = new FamilyDirectory(families, (ids) => gateway.families(ids));
  const members = new MemberDirectory((familyId, token) => gateway.members(familyId, token), config.MEMBER_CACHE_MS);
  const ledger = new LedgerStore(db);
  const deps: GoalsDeps = {
    db,
    families,
    familyDirectory,
    ledger,
    jarSettings: new JarSettingsStore(db),
    goals: new GoalsStore(db),
    chores: new ChoresStore(db),
    allowances: new AllowancesStore(db),
    access: new Access(familyDirectory, members),
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
    clock: deps.clock,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const port = await grpc.listen(config.GOALS_GRPC_HOST, config.GOALS_GRPC_PORT);
  relay.start();
  // The first pass right away catches up on anything due while the service was down.
  let timer: NodeJS.Timeout | undefined;
  if (config.SCHEDULER_INTERVAL_MS > 0) {
    const run = () => void scheduler.tick();
    setImmediate(run);
    timer = setInterval(run, config.SCHEDULER_INTERVAL_MS);
    timer.unref();
  }
  logger.info({ port }, 'goals service listening');

  return {
    port,
    address: `127.0.0.1:${port}`,
    scheduler,
    relay,
    verifier,
    families: familyDirectory,
    async stop() {
      if (timer) clearInterval(timer);
      await grpc.shutdown();
      await scheduler.idle();
      await relay.stop();
    },
  };
}
