// Link sessions: the `state` handed to the provider, bound to the family and the member linking,
// single-use and expiring. Only the state's SHA-256 is stored.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BankDatabase, LinkSessionsTable } from '../db/schema.js';
import type { LinkSessionRecord } from '../domain/bank.records.js';

export const stateHash = (state: string) => createHash('sha256').update(state, 'utf8').digest('base64url');

function fromRow(r: Selectable<LinkSessionsTable>): LinkSessionRecord {
  return {
    id: r.id,
    familyId: r.family_id,
    memberId: r.member_id,
    userId: r.user_id,
    provider: r.provider,
    redirectUri: r.redirect_uri,
    connectionId: r.connection_id,
    hostedSessionRef: r.hosted_session_ref,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
  };
}

export class LinkSessionsStore {
  constructor(private readonly db: Kysely<BankDatabase>) {}

  async insert(s: Omit<LinkSessionRecord, 'usedAt'> & { state: string }): Promise<void> {
    await this.db
      .insertInto('link_sessions')
      .values({
        id: s.id,
        state_hash: stateHash(s.state),
        family_id: s.familyId,
        member_id: s.memberId,
        user_id: s.userId,
        provider: s.provider,
        redirect_uri: s.redirectUri,
        connection_id: s.connectionId,
        hosted_session_ref: s.hostedSessionRef,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  /** The session for `state`, marked used (atomically: a second use finds nothing). */
  async consume(trx: Kysely<BankDatabase>, state: string): Promise<LinkSessionRecord | undefined> {
    const row = await trx
      .updateTable('link_sessions')
      .set({ used_at: sql<Date>`now()` })
      .where('state_hash', '=', stateHash(state))
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returningAll()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Opens a consumed session again (a hosted link not finished yet); consume still refuses it once expired. */
  async reopen(id: string): Promise<void> {
    await this.db.updateTable('link_sessions').set({ used_at: null }).where('id', '=', id).execute();
  }

  /** Drops sessions that ended long ago (housekeeping). */
  async prune(before: Date): Promise<void> {
    await this.db.deleteFrom('link_sessions').where('expires_at', '<', before).execute();
  }
}
