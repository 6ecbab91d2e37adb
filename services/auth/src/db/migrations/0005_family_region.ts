import type { Kysely } from 'kysely';

/**
 * Each family's home region (e.g. "eu", "us"), where every service keeps its data. Null for the
 * families of a single-region installation and for those created before regions existed: they
 * are served wherever the installation runs (docs/decisions/0029-data-residency.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('families')
    .addColumn('region', 'text', (c) => c.ifNotExists())
    .execute();
}
