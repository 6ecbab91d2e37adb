import type { Kysely } from 'kysely';
import type { Logger } from '@family/logger';
import type { Access, FamilyDirectory } from '@family/service-kit';
import type { BankDatabase } from '../db/schema.js';
import type { ConnectionsStore } from '../store/connections.store.js';
import type { AccountsStore } from '../store/accounts.store.js';
import type { LinkSessionsStore } from '../store/link-sessions.store.js';
import type { SyncsStore } from '../store/syncs.store.js';
import type { TransactionsStore } from '../store/transactions.store.js';
import type { WebhookEventsStore } from '../store/webhook-events.store.js';
import type { BankEvents } from './bank.events.js';
import type { CredentialsVault } from './credentials.vault.js';
import type { ExpenseImporter } from './expense.importer.js';
import type { ProviderRegistry } from './provider.registry.js';

/** The settings the use cases read (a slice of BankConfig). */
export interface BankSettings {
  firstSyncDays: number;
  syncIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  syncWaitMs: number;
  leaseMs: number;
  webhookWindowMs: number;
  linkSessionTtlMs: number;
  /**
   * A batch's own rows are written while the expense service records it, committed with the cursor
   * once it has: on a pool of connections. One embedded connection shared with the expense service
   * cannot be held meanwhile.
   */
  writeWhileImporting: boolean;
  /** Parts of a batch imported side by side (each its own transaction at the expense service). */
  importParts: number;
  /** Provider transactions gathered into one batch (one import, one write). */
  syncBatch: number;
}

/** Everything the use cases need, built once by the composition root. */
export interface BankDeps {
  db: Kysely<BankDatabase>;
  connections: ConnectionsStore;
  accounts: AccountsStore;
  sessions: LinkSessionsStore;
  syncs: SyncsStore;
  transactions: TransactionsStore;
  webhookEvents: WebhookEventsStore;
  access: Access;
  families: FamilyDirectory;
  vault: CredentialsVault;
  providers: ProviderRegistry;
  expense: ExpenseImporter;
  events: BankEvents;
  settings: BankSettings;
  clock: () => Date;
  logger: Logger;
}
