// Composition root of the expense service: builds stores and use cases over a SqlHandle, migrates,
// connects to auth (keys, family settings, members, service tokens), starts the gRPC server, the
// outbox relay and the recurring-expense scheduler. main.ts, the local launcher and tests call this.
import { createKysely, migrateToLatest, type SqlHandle } from '@family/db';
import type { Logger } from '@family/logger';
import { openEventLog, type OutboxRelay } from '@family/outbox';
import type { GrpcMetrics, TokenVerifier } from '@family/grpc-kit';
import type { ExpenseConfig } from './config.js';
import type { ExpenseDatabase } from './db/schema.js';
import { FamilyConfigCache } from './app/family.config.js';
import { migrations } from './db/migrations/index.js';
import { CategoriesStore } from './store/categories.store.js';
import { ExpensesStore } from './store/expenses.store.js';
import { FxRatesStore } from './store/fx-rates.store.js';
import { RulesStore } from './store/rules.store.js';
import { BudgetsStore } from './store/budgets.store.js';
import { LimitsStore } from './store/limits.store.js';
import { ProcessedEventsStore } from './store/events.store.js';
import { RecurringStore } from './store/recurring.store.js';
import { CsvImportsStore } from './store/csv-imports.store.js';
import { authConnectionOptions, connectToAuth } from '@family/auth-client';
import { Access, familyDirectoryOverAuth, type FamilyDirectory, Scopes } from '@family/service-kit';
import { ExpenseApp } from './app/expense.app.js';
import { DefaultCategories } from './app/default-categories.js';
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
  } = connectToAuth(authConnectionOptions(config, [Scopes.AUTH_READ, Scopes.EVENTS_WRITE], clientOptions));

  const { outbox, relay } = openEventLog({
    db,
    producer: 'expense',
    config,
    token: () => serviceToken.get(),
    logger,
    metrics: input.metrics,
  });

  const categories = new CategoriesStore(db);
  const rules = new RulesStore(db);
  const budgets = new BudgetsStore(db);
  const limits = new LimitsStore(db);
  const families = familyDirectoryOverAuth(db, auth, config.MEMBER_CACHE_MS, config.REGION);
  const app = new ExpenseApp(
    {
      db,
      outbox,
      access: new Access(families),
      families,
      defaultCategories: new DefaultCategories(categories),
      categories,
      expenses: new ExpensesStore(db),
      fxRates: new FxRatesStore(db),
      rules,
      budgets,
      limits,
      familyConfig: new FamilyConfigCache(db, { categories, rules, limits, budgets }, logger),
      processedEvents: new ProcessedEventsStore(),
      recurring: new RecurringStore(db),
      csvImports: new CsvImportsStore(db),
      now,
    },
    logger,
    {
      schedulerIntervalMs: config.SCHEDULER_INTERVAL_MS,
      registry: input.metrics?.registry,
      csvImports: {
        // One embedded connection: nothing holds it for more than a chunk of rows.
        ...(input.sql.kind === 'pglite'
          ? {
              syncRows: Math.min(config.CSV_IMPORT_SYNC_ROWS, config.CSV_IMPORT_CHUNK_ROWS),
              chunkRows: config.CSV_IMPORT_CHUNK_ROWS,
            }
          : { syncRows: config.CSV_IMPORT_SYNC_ROWS }),
        pollMs: config.CSV_IMPORT_POLL_MS,
        leaseMs: config.CSV_IMPORT_LEASE_MS,
        retentionDays: config.CSV_IMPORT_RETENTION_DAYS,
      },
    },
  );

  const grpc = createExpenseServer({
    logger,
    verifier,
    app,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const port = await grpc.listen(config.EXPENSE_GRPC_HOST, config.EXPENSE_GRPC_PORT);
  relay.start();
  app.scheduler.start();
  app.csvImports.start();
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
      await app.csvImports.stop();
      await relay.stop();
    },
  };
}
