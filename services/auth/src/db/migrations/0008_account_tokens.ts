import { sql, type Kysely } from 'kysely';

/**
 * Single-use link tokens about an account (email verification, password reset), stored only as
 * their SHA-256; `used_at` set once one is spent or superseded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_tokens')
    .ifNotExists()
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    // The address the link was sent to: a verification proves that one, not a later one.
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('account_tokens_user_idx')
    .ifNotExists()
    .on('account_tokens')
    .columns(['user_id', 'purpose'])
    .execute();
}
