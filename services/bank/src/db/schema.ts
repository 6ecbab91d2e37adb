// Row types of the bank schema, as kysely sees them. Calendar days (`date`) read as 'YYYY-MM-DD' text.
import type { ColumnType, Generated } from 'kysely';
import type { OutboxDatabase } from '@family/outbox';
import type { AccountKind, ProviderName } from '../adapters/bank.adapter.js';
import type { ConnectionStatusName, SyncStateName, SyncTriggerName } from '../domain/bank.records.js';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export interface FamiliesTable {
  family_id: string;
  currency: string;
  timezone: string;
  created_at: CreatedAt;
}

export interface ConnectionsTable {
  id: string;
  family_id: string;
  provider: ProviderName;
  provider_connection_id: string;
  institution_id: string;
  institution_name: string;
  status: ConnectionStatusName;
  error_code: Generated<string>;
  error_message: Generated<string>;
  credentials: Uint8Array;
  credentials_key_id: string;
  cursor: Generated<string>;
  first_sync_from: string | null;
  last_synced_at: Date | null;
  consent_expires_at: Date | null;
  consent_notified_for: Date | null;
  created_by_member_id: string;
  created_by_user_id: string;
  next_sync_at: ColumnType<Date, Date | undefined, Date>;
  sync_requested: Generated<boolean>;
  sync_requested_trigger: SyncTriggerName | null;
  sync_failures: Generated<number>;
  sync_lease_owner: string | null;
  sync_lease_until: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface LinkSessionsTable {
  id: string;
  state_hash: string;
  family_id: string;
  member_id: string;
  user_id: string;
  provider: ProviderName;
  redirect_uri: string;
  connection_id: string | null;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
  /** A hosted session's handle at the provider (Plaid Hosted Link: its link token). */
  hosted_session_ref: string | null;
}

export interface AccountsTable {
  id: string;
  family_id: string;
  connection_id: string;
  provider_account_id: string;
  provider_name: string;
  custom_name: string | null;
  mask: string;
  kind: AccountKind;
  currency: string;
  current_balance_minor: number | null;
  available_balance_minor: number | null;
  balance_as_of: Date | null;
  member_id: string | null;
  tracked: boolean;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SyncsTable {
  id: string;
  family_id: string;
  connection_id: string;
  state: SyncStateName;
  trigger: SyncTriggerName;
  requested_at: ColumnType<Date, Date | undefined, Date>;
  started_at: Date | null;
  finished_at: Date | null;
  added: Generated<number>;
  modified: Generated<number>;
  removed: Generated<number>;
  skipped: Generated<number>;
  fetched: Generated<number>;
  error_code: Generated<string>;
  error_message: Generated<string>;
  retry_at: Date | null;
}

export interface TransactionsTable {
  connection_id: string;
  provider_transaction_id: string;
  family_id: string;
  account_id: string;
  amount_minor: number;
  currency: string;
  booked_on: string;
  pending: boolean;
  pending_transaction_id: string | null;
  superseded_by: string | null;
  transfer_key: string | null;
  description: string;
  merchant: string;
  removed_at: Date | null;
  updated_at: UpdatedAt;
}

export interface WebhookEventsTable {
  provider: ProviderName;
  event_id: string;
  received_at: CreatedAt;
}

export interface BankDatabase extends OutboxDatabase {
  families: FamiliesTable;
  connections: ConnectionsTable;
  link_sessions: LinkSessionsTable;
  accounts: AccountsTable;
  syncs: SyncsTable;
  transactions: TransactionsTable;
  webhook_events: WebhookEventsTable;
}
