import type { Kysely } from 'kysely';
import { createOutboxTable } from '@family/outbox';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createOutboxTable(db);
}
