// Composition root of the expense service: builds stores and use cases over a SqlHandle, migrates,
// connects to auth (keys, family settings, members, service tokens), starts the gRPC server, the
// outbox relay and the recurring-expense scheduler. main.ts, the local launcher and tests call this.
import { createKysely, migrateToLatest, type SqlHandle } from '@family/db';
import type { Logger } from '@family/logger';
import { Outbox, OutboxRelay, grpcSubscribers } from '@family/outbox';
import type { GrpcMetrics, TokenVerifier } from '@family/grpc-kit';
import type { ExpenseConfig } from './config.js';
import type { ExpenseDatabase } from './db/schema.js';
import { migrations } from './db/migrations/index.js';
import { FamiliesStore } from './store/families.store.js';
import { CategoriesStore } from './store/categories.store.js';
import { ExpensesStore } from './store/expenses.store.js';
import { FxRatesStore } from './store/fx-rates.store.js';
import { RulesStore } from './store/rules.store.js';
import { BudgetsStore } from './store/budgets.store.js';
import { LimitsStore } from './store/limits.store.js';
import { ProcessedEventsStore } from './store/events.store.js';
import { RecurringStore } from './store/recurring.store.js';
import { MemberDirectory, connectToAuth } from '@family/auth-client';
import { FamilyDirectory } from './app/family.directory.js';
import { Access } from './app/access.js';
import { ExpenseApp } from './app/expense.app.js';
import { SCOPE_AUTH_READ, SCOPE_EVENTS_WRITE } from './app/scopes.js';
import { createExpenseServer } from './server.js';

export interface RunningExpenseService {
  port: number;
  address: string;
  app: ExpenseApp;
  relay: OutboxRelay;
  verifier: TokenVerifier;
  families: FamilyDirectory;
  stop(): Promise<void>;
}

export async function startExpenseService(input: {
  config: ExpenseConfig;
  sql: SqlHandle;
  logger: Logger;
  metrics?: GrpcMetrics;
  /** The clock (tests move it); defaults to the system clock. */
  now?: () => Date;
}): Promise<RunningExpenseService> {
  const { config, logger } = input;
  const now = input.now ?? (() => new Date());
  const db = createKysely<ExpenseDatabase>(input.sql, config.DB_SCHEMA);
  await migrateToLatest(db, config.DB_SCHEMA, migrations);

  const clientOptions = input.metrics ? { metrics: input.metrics } : {};
  const {
    serviceToken,
    gateway: auth,
    verifier,
  } = connectToAuth({
    address: config.AUTH_GRPC_URL,
    clientId: config.AUTH_CLIENT_ID,
    clientSecret: config.AUTH_CLIENT_SECRET,
    scopes: [SCOPE_AUTH_READ, SCOPE_EVENTS_WRITE],
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    clientOptions,
  });

  const subscribers = grpcSubscribers(
    { notification: config.NOTIFICATION_GRPC_URL, gamification: config.GAMIFICATION_GRPC_URL },
    () => serviceToken.get(),
    clientOptions,
  );
  const relay = new OutboxRelay({
    db,
    subscribers,
    logger: logger.child({ component: 'outbox' }),
    pollIntervalMs: config.OUTBOX_POLL_MS,
  });
  const outbox = new Outbox(relay.subscriberNames, () => relay.kick());

  const familiesStore = new FamiliesStore(db);
  const categories = new CategoriesStore(db);
  const families = new FamilyDirectory({ db, families: familiesStore, categories, fetch: (ids) => auth.families(ids) });
  const members = new MemberDirectory((familyId, token) => auth.members(familyId, token), config.MEMBER_CACHE_MS);
  const app = new ExpenseApp(
    {
      db,
      outbox,
      access: new Access(families, members),
      families,
      familiesStore,
      categories,
      expenses: new ExpensesStore(db),
      fxRates: new FxRatesStore(db),
      rules: new RulesStore(db),
      budgets: new BudgetsStore(db),
      limits: new LimitsStore(db),
      processedEvents: new ProcessedEventsStore(),
      recurring: new RecurringStore(db),
      now,
    },
    logger,
  );

  const grpc = createExpenseServer({
    logger,
    verifier,
    app,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const port = await grpc.listen(config.EXPENSE_GRPC_HOST, config.EXPENSE_GRPC_PORT);
  relay.start();
  app.scheduler.start(config.SCHEDULER_INTERVAL_MS);
  logger.info({ port }, 'expense service listening');

  return {
    port,
    address: `127.0.0.1:${port}`,
    app,
    relay,
    verifier,
    families,
    async stop() {
      await grpc.shutdown();
      await app.scheduler.stop();
      await relay.stop();
    },
  };
}
