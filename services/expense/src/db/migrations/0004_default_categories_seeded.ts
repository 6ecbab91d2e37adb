import { sql, type Kysely } from 'kysely';

/**
 * Which families have their default categories: the seeding step (DefaultCategories.ensure) inserts
 * the family's row here and the categories in one transaction, so however many replicas try at once,
 * one seeds. Every family recorded before this migration was seeded when it was recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('default_categories_seeded')
    .ifNotExists()
    .addColumn('family_id', 'uuid', (c) => c.primaryKey())
    .addColumn('seeded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into default_categories_seeded (family_id) select family_id from families
    on conflict (family_id) do nothing`.execute(db);
}
