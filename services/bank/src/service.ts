// Composition root of the bank service: builds stores and use cases over a SqlHandle, migrates,
// starts the gRPC server, the outbox relay and the sync scheduler. main.ts, the local launcher and
// the tests all call this.
import { createKysely, migrateToLatest, type SqlHandle } from '@family/db';
import type { Logger } from '@family/logger';
import { SecretCipher } from '@family/config';
import { openEventLog, type OutboxRelay } from '@family/outbox';
import { createGrpcClient, type GrpcMetrics, type TokenVerifier } from '@family/grpc-kit';
import { authConnectionOptions, connectToAuth } from '@family/auth-client';
import { Access, familyDirectoryOverAuth, PeriodicTask, Scopes } from '@family/service-kit';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import type { BankConfig } from './config.js';
import type { BankDatabase } from './db/schema.js';
import { migrations } from './db/migrations/index.js';
import type { BankAdapter } from './adapters/bank.adapter.js';
import { configuredAdapters } from './adapters/configured.adapters.js';
import { ConnectionsStore } from './store/connections.store.js';
import { AccountsStore } from './store/accounts.store.js';
import { LinkSessionsStore } from './store/link-sessions.store.js';
import { SyncsStore } from './store/syncs.store.js';
import { TransactionsStore } from './store/transactions.store.js';
import { WebhookEventsStore } from './store/webhook-events.store.js';
import type { BankDeps } from './app/bank.deps.js';
import { BankEvents } from './app/bank.events.js';
import { CredentialsVault } from './app/credentials.vault.js';
import { ExpenseImporter } from './app/expense.importer.js';
import { ProviderRegistry } from './app/provider.registry.js';
import { SyncRunner } from './app/sync.runner.js';
import { Links } from './app/links.js';
import { Connections } from './app/connections.js';
import { Accounts } from './app/accounts.js';
import { Webhooks } from './app/webhooks.js';
import { Scheduler } from './app/scheduler.js';
import { createBankServer } from './server.js';

/** What this service's own token may do elsewhere: read families, deliver events, import expenses. */
const SERVICE_SCOPES = [Scopes.AUTH_READ, Scopes.EVENTS_WRITE, Scopes.EXPENSE_IMPORT];

export interface RunningBankService {
  port: number;
  address: string;
  relay: OutboxRelay;
  verifier: TokenVerifier;
  runner: SyncRunner;
  scheduler: Scheduler;
  /** The scheduler's timer; `runNow()` runs a pass (tests), `kick()` asks for one soon. */
  schedulerTask: PeriodicTask;
  stop(): Promise<void>;
}

export async function startBankService(input: {
  config: BankConfig;
  sql: SqlHandle;
  logger: Logger;
  metrics?: GrpcMetrics;
  /** The adapters to use; by default the ones the configuration enables. */
  adapters?: BankAdapter[];
  clock?: () => Date;
}): Promise<RunningBankService> {
  const { config, logger } = input;
  const db = createKysely<BankDatabase>(input.sql, config.DB_SCHEMA);
  await migrateToLatest(db, config.DB_SCHEMA, migrations);

  const clientOptions = input.metrics ? { metrics: input.metrics } : {};
  const { serviceToken, gateway, verifier } = connectToAuth(
    authConnectionOptions(config, SERVICE_SCOPES, clientOptions),
  );
  const { outbox, relay } = openEventLog({
    db,
    producer: 'bank',
    config,
    token: () => serviceToken.get(),
    logger,
    metrics: input.metrics,
  });
  const families = familyDirectoryOverAuth(db, gateway, config.MEMBER_CACHE_MS, config.REGION);
  const connections = new ConnectionsStore(db);
  const expenseClient = createGrpcClient(ExpenseServiceDefinition, config.EXPENSE_GRPC_URL, {
    ...clientOptions,
    defaultDeadlineMs: 60_000,
  });
  const deps: BankDeps = {
    db,
    connections,
    accounts: new AccountsStore(db),
    sessions: new LinkSessionsStore(db),
    syncs: new SyncsStore(db),
    transactions: new TransactionsStore(db),
    webhookEvents: new WebhookEventsStore(db),
    access: new Access(families),
    families,
    vault: new CredentialsVault(new SecretCipher(config.BANK_TOKEN_KEYS, 'BANK_TOKEN_KEYS'), connections),
    providers: new ProviderRegistry(input.adapters ?? configuredAdapters(config)),
    expense: new ExpenseImporter(expenseClient, () => serviceToken.get()),
    events: new BankEvents(outbox),
    settings: {
      firstSyncDays: config.BANK_FIRST_SYNC_DAYS,
      syncIntervalMs: config.BANK_SYNC_INTERVAL_MS,
      retryBaseMs: config.BANK_RETRY_BASE_MS,
      retryMaxMs: config.BANK_RETRY_MAX_MS,
      syncWaitMs: config.BANK_SYNC_WAIT_MS,
      leaseMs: config.BANK_SYNC_LEASE_MS,
      webhookWindowMs: config.BANK_WEBHOOK_WINDOW_MS,
      linkSessionTtlMs: config.BANK_LINK_SESSION_TTL_MS,
      writeWhileImporting: input.sql.kind === 'pg',
      importParts: input.sql.kind === 'pg' ? config.BANK_IMPORT_PARTS : 1,
      syncBatch: config.BANK_SYNC_BATCH,
    },
    clock: input.clock ?? (() => new Date()),
    logger: logger.child({ component: 'bank' }),
  };
  const runner = new SyncRunner(deps);
  const scheduler = new Scheduler(deps, runner);
  const schedulerTask = new PeriodicTask({
    name: 'bank-sync-scheduler',
    intervalMs: config.BANK_SCHEDULER_POLL_MS,
    runAtStart: true,
    run: () => scheduler.tick(),
    logger: logger.child({ component: 'bank-scheduler' }),
    registry: input.metrics?.registry,
  });
  const grpc = createBankServer({
    logger,
    verifier,
    providers: deps.providers,
    links: new Links(deps, runner),
    connections: new Connections(deps, runner),
    accounts: new Accounts(deps),
    webhooks: new Webhooks(deps, () => schedulerTask.kick()),
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const port = await grpc.listen(config.BANK_GRPC_HOST, config.BANK_GRPC_PORT);
  relay.start();
  // 0 turns the timer off (tests drive passes with runNow).
  if (config.BANK_SCHEDULER_POLL_MS > 0) schedulerTask.start();
  logger.info({ port, providers: deps.providers.list().map((a) => a.provider) }, 'bank service listening');

  return {
    port,
    address: `127.0.0.1:${port}`,
    relay,
    verifier,
    runner,
    scheduler,
    schedulerTask,
    async stop() {
      const schedulerStopped = schedulerTask.stop();
      await grpc.shutdown();
      await schedulerStopped;
      await runner.drain();
      await relay.stop();
    },
  };
}
