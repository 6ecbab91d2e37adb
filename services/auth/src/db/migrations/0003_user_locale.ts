import type { Kysely } from 'kysely';

/** The user's preferred language as a canonical BCP 47 tag; null means English. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('locale', 'text', (c) => c.ifNotExists())
    .execute();
}
