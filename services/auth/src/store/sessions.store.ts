import { sql, type Kysely } from 'kysely';
import type { AuthDatabase } from '../db/schema.js';

export interface RefreshLookup {
  token_hash: string;
  session_id: string;
  expires_at: Date;
  used_at: Date | null;
  user_id: string;
  revoked_at: Date | null;
}

export class SessionsStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  async createSession(
    db: Kysely<AuthDatabase>,
    s: { id: string; userId: string; address: string | null; userAgent: string | null },
  ): Promise<void> {
    await db
      .insertInto('sessions')
      .values({
        id: s.id,
        user_id: s.userId,
        client_address: s.address,
        user_agent: s.userAgent,
        revoked_at: null,
        revoke_reason: null,
      })
      .execute();
  }

  async addRefreshToken(
    db: Kysely<AuthDatabase>,
    t: { hash: string; sessionId: string; expiresAt: Date },
  ): Promise<void> {
    await db
      .insertInto('refresh_tokens')
      .values({ token_hash: t.hash, session_id: t.sessionId, expires_at: t.expiresAt, used_at: null })
      .execute();
  }

  findRefresh(hash: string): Promise<RefreshLookup | undefined> {
    return this.db
      .selectFrom('refresh_tokens as r')
      .innerJoin('sessions as s', 's.id', 'r.session_id')
      .select(['r.token_hash', 'r.session_id', 'r.expires_at', 'r.used_at', 's.user_id', 's.revoked_at'])
      .where('r.token_hash', '=', hash)
      .executeTakeFirst();
  }

  /** Marks a refresh token used; false when someone else used it first (a concurrent reuse). */
  async markUsed(db: Kysely<AuthDatabase>, hash: string): Promise<boolean> {
    const result = await db
      .updateTable('refresh_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async touch(db: Kysely<AuthDatabase>, sessionId: string): Promise<void> {
    await db.updateTable('sessions').set({ last_used_at: new Date() }).where('id', '=', sessionId).execute();
  }

  /** Ends a session; the ids of the sessions this ended (none when it had ended already). */
  async revoke(db: Kysely<AuthDatabase>, sessionId: string, reason: string): Promise<string[]> {
    const rows = await db
      .updateTable('sessions')
      .set({ revoked_at: sql<Date>`now()`, revoke_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Ends every session of the user; the ids of the sessions this ended. */
  async revokeAllOfUser(db: Kysely<AuthDatabase>, userId: string, reason: string): Promise<string[]> {
    const rows = await db
      .updateTable('sessions')
      .set({ revoked_at: sql<Date>`now()`, revoke_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async isActive(sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('sessions')
      .select('revoked_at')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    return row !== undefined && row.revoked_at === null;
  }
}
