import { sql, type Kysely } from 'kysely';

/**
 * Access-token revocations every service polls (ListRevocations): an ended session, or a user's
 * membership of a family changed (with the new role) or removed. Kept a day past the longest access-token lifetime.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('revocations')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('session_id', 'uuid')
    .addColumn('family_id', 'uuid')
    // The member's role since not_before; null: removed from the family.
    .addColumn('role', 'text')
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('revocations_created_idx').ifNotExists().on('revocations').column('created_at').execute();
}
