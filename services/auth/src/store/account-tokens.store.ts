// Single-use link tokens about an account (email verification, password reset), kept as SHA-256.
import type { Kysely, Selectable } from 'kysely';
import type { AccountTokenPurpose, AccountTokensTable, AuthDatabase } from '../db/schema.js';

export type AccountTokenRow = Selectable<AccountTokensTable>;

export class AccountTokensStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  /** A new token; the user's earlier unspent ones for the same purpose stop working (only the latest link counts). */
  async issue(
    db: Kysely<AuthDatabase>,
    row: { hash: string; userId: string; purpose: AccountTokenPurpose; email: string; expiresAt: Date },
  ): Promise<void> {
    await db
      .updateTable('account_tokens')
      .set({ used_at: new Date() })
      .where('user_id', '=', row.userId)
      .where('purpose', '=', row.purpose)
      .where('used_at', 'is', null)
      .execute();
    await db
      .insertInto('account_tokens')
      .values({
        token_hash: row.hash,
        user_id: row.userId,
        purpose: row.purpose,
        email: row.email,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  /**
   * Spends an unused, unexpired token of that purpose, once: of two concurrent uses only one gets the
   * row back.
   */
  async consume(
    db: Kysely<AuthDatabase>,
    hash: string,
    purpose: AccountTokenPurpose,
    now: Date,
  ): Promise<AccountTokenRow | undefined> {
    return db
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** Test and support use: a token's row as stored. */
  find(hash: string): Promise<AccountTokenRow | undefined> {
    return this.db.selectFrom('account_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }
}
