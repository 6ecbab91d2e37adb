// Access-token revocations, written in the same transaction as the change that causes them and read
// by every service's revocation feed (ListRevocations).
import { sql, type Kysely, type Selectable } from 'kysely';
import { newId } from '@family/db';
import type { FamilyRole } from '@family/grpc-kit';
import type { AuthDatabase, RevocationsTable } from '../db/schema.js';

export type RevocationRow = Selectable<RevocationsTable>;

export class RevocationsStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  /** Every token of these sessions has lost its power. */
  async sessionsEnded(db: Kysely<AuthDatabase>, userId: string, sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const notBefore = new Date();
    await db
      .insertInto('revocations')
      .values(
        sessionIds.map((sessionId) => ({
          id: newId(),
          user_id: userId,
          session_id: sessionId,
          family_id: null,
          role: null,
          not_before: notBefore,
        })),
      )
      .execute();
  }

  /**
   * Tokens issued from now on carry the user's new membership; older ones now act with `role`, or
   * not in the family at all when it is null. Written in the change's own transaction.
   */
  async membershipChanged(
    db: Kysely<AuthDatabase>,
    change: { userId: string; familyId: string; role: FamilyRole | null },
  ): Promise<void> {
    await db
      .insertInto('revocations')
      .values({
        id: newId(),
        user_id: change.userId,
        session_id: null,
        family_id: change.familyId,
        role: change.role,
        not_before: new Date(),
      })
      .execute();
  }

  /** Revocations recorded at or after `since`. */
  since(since: Date): Promise<RevocationRow[]> {
    return this.db
      .selectFrom('revocations')
      .selectAll()
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .execute();
  }

  async prune(before: Date): Promise<void> {
    await this.db.deleteFrom('revocations').where('created_at', '<', before).execute();
  }

  /** The database's clock: revocations are dated by it (created_at), so answers are too. */
  async now(): Promise<Date> {
    const r = await sql<{ now: Date }>`select now() as now`.execute(this.db);
    return new Date(r.rows[0]!.now);
  }
}
