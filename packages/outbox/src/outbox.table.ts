import { sql, type Kysely } from 'kysely';

/**
 * The former outbox table: one row per (event, subscriber). Kept only so that producers' shipped
 * migrations (0002_outbox) replay on a fresh database; `migrateOutboxToEventLog` replaces it.
 * `available_at` is both the retry time and the claim lease: a relay that claims a row pushes it
 * into the future, so other replicas skip it until the lease runs out.
 */
export async function createOutboxTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('event_id', 'uuid', (c) => c.notNull())
    .addColumn('subscriber', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'bytea', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('available_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('outbox_event_subscriber_key', ['event_id', 'subscriber'])
    .execute();
  await db.schema
    .createIndex('outbox_pending_idx')
    .ifNotExists()
    .on('outbox')
    .column('available_at')
    .where(sql.ref('delivered_at'), 'is', null)
    .execute();
}
