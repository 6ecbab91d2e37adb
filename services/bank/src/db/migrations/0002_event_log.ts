// The bank service's event log (docs/decisions/0015-event-log.md).
import type { Kysely } from 'kysely';
import { createEventLogTables } from '@family/outbox';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createEventLogTables(db);
}
