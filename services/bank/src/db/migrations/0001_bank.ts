// The bank schema: connections (provider credentials encrypted, with their key id), single-use link
// sessions, accounts, syncs, the provider transactions seen (for pending/posted and transfer matching)
// and the webhook events seen (replay protection).
import { sql, type Kysely } from 'kysely';
import { createFamiliesTable } from '@family/service-kit';

const now = sql`now()`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await createFamiliesTable(db);

  await db.schema
    .createTable('connections')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_connection_id', 'text', (c) => c.notNull())
    .addColumn('institution_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('institution_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('error_message', 'text', (c) => c.notNull().defaultTo(''))
    // AES-256-GCM of the credentials JSON (iv ‖ tag ‖ ciphertext), additional data = the connection id.
    .addColumn('credentials', 'bytea', (c) => c.notNull())
    .addColumn('credentials_key_id', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('first_sync_from', 'date')
    .addColumn('last_synced_at', 'timestamptz')
    .addColumn('consent_expires_at', 'timestamptz')
    // The consent expiry parents were last told about (told once per expiry date).
    .addColumn('consent_notified_for', 'timestamptz')
    .addColumn('created_by_member_id', 'uuid', (c) => c.notNull())
    .addColumn('created_by_user_id', 'uuid', (c) => c.notNull())
    .addColumn('next_sync_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    // Someone asked for a sync (webhook, manual while one ran): run as soon as the connection is free.
    .addColumn('sync_requested', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('sync_requested_trigger', 'text')
    .addColumn('sync_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sync_lease_owner', 'text')
    .addColumn('sync_lease_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('connections_family_idx')
    .ifNotExists()
    .on('connections')
    .columns(['family_id', 'id'])
    .execute();
  await db.schema
    .createIndex('connections_provider_idx')
    .ifNotExists()
    .on('connections')
    .columns(['provider', 'provider_connection_id'])
    .execute();
  await db.schema
    .createIndex('connections_due_idx')
    .ifNotExists()
    .on('connections')
    .columns(['next_sync_at'])
    .execute();

  // `state` is stored only as its SHA-256: the session row alone cannot be replayed.
  await db.schema
    .createTable('link_sessions')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('state_hash', 'text', (c) => c.notNull().unique())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('connection_id', 'uuid', (c) => c.references('connections.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('accounts')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('connection_id', 'uuid', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('provider_account_id', 'text', (c) => c.notNull())
    .addColumn('provider_name', 'text', (c) => c.notNull())
    // A parent's rename; null shows the provider's name.
    .addColumn('custom_name', 'text')
    .addColumn('mask', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('current_balance_minor', 'bigint')
    .addColumn('available_balance_minor', 'bigint')
    .addColumn('balance_as_of', 'timestamptz')
    .addColumn('member_id', 'uuid')
    .addColumn('tracked', 'boolean', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('accounts_provider_account_key', ['connection_id', 'provider_account_id'])
    .execute();
  await db.schema
    .createIndex('accounts_family_idx')
    .ifNotExists()
    .on('accounts')
    .columns(['family_id', 'id'])
    .execute();

  await db.schema
    .createTable('syncs')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('connection_id', 'uuid', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('modified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fetched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('error_message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('retry_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('syncs_connection_idx')
    .ifNotExists()
    .on('syncs')
    .columns(['connection_id', 'id'])
    .execute();

  // The provider transactions seen, normalised: amount_minor > 0 is money out. pending_transaction_id
  // is the pending one a posted one replaced (given by the provider or matched here); transfer_key
  // names the other leg of a transfer between two of the family's accounts.
  await db.schema
    .createTable('transactions')
    .ifNotExists()
    .addColumn('connection_id', 'uuid', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('provider_transaction_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('booked_on', 'date', (c) => c.notNull())
    .addColumn('pending', 'boolean', (c) => c.notNull())
    .addColumn('pending_transaction_id', 'text')
    // A pending one replaced by a posted one: the posted one's id.
    .addColumn('superseded_by', 'text')
    .addColumn('transfer_key', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('merchant', 'text', (c) => c.notNull().defaultTo(''))
    // Removed at the provider (kept a while so a posted one can still be matched to it).
    .addColumn('removed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('transactions_pkey', ['connection_id', 'provider_transaction_id'])
    .execute();
  await db.schema
    .createIndex('transactions_family_day_idx')
    .ifNotExists()
    .on('transactions')
    .columns(['family_id', 'booked_on'])
    .execute();

  await db.schema
    .createIndex('transactions_family_amount_idx')
    .ifNotExists()
    .on('transactions')
    .columns(['family_id', 'amount_minor'])
    .where(sql.ref('transfer_key'), 'is', null)
    .execute();

  await db.schema
    .createTable('webhook_events')
    .ifNotExists()
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('webhook_events_pkey', ['provider', 'event_id'])
    .execute();
}
