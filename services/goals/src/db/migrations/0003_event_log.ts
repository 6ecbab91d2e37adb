// The outbox becomes an event log: each event stored once, per-subscriber progress, parked events.
// Undelivered rows of the old per-subscriber outbox are carried over (docs/decisions/0015-event-log.md).
import type { Kysely } from 'kysely';
import { migrateOutboxToEventLog } from '@family/outbox';

export async function up(db: Kysely<unknown>): Promise<void> {
  await migrateOutboxToEventLog(db);
}
