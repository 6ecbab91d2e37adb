import { sql, type Kysely, type Selectable } from 'kysely';
import type { FamilyRole } from '@family/grpc-kit';
import type { AuthDatabase, FamiliesTable, InvitesTable } from '../db/schema.js';

export type FamilyRow = Selectable<FamiliesTable>;
export type InviteRow = Selectable<InvitesTable>;

export interface MemberRow {
  id: string;
  family_id: string;
  user_id: string;
  role: FamilyRole;
  created_at: Date;
  display_name: string;
  username: string | null;
}

export class FamiliesStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  async insertFamily(db: Kysely<AuthDatabase>, family: Omit<FamilyRow, 'created_at'>): Promise<FamilyRow> {
    return db.insertInto('families').values(family).returningAll().executeTakeFirstOrThrow();
  }

  family(id: string): Promise<FamilyRow | undefined> {
    return this.db.selectFrom('families').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async families(ids: string[]): Promise<FamilyRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('families').selectAll().where('id', 'in', ids).execute();
  }

  async insertMembership(
    db: Kysely<AuthDatabase>,
    m: { id: string; familyId: string; userId: string; role: FamilyRole },
  ) {
    await db
      .insertInto('memberships')
      .values({ id: m.id, family_id: m.familyId, user_id: m.userId, role: m.role })
      .execute();
  }

  private members(db: Kysely<AuthDatabase> = this.db) {
    return db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.id', 'm.family_id', 'm.user_id', 'm.role', 'm.created_at', 'u.display_name', 'u.username']);
  }

  /** The user's membership in the family, or undefined when they are not a member. */
  membershipOf(familyId: string, userId: string, db: Kysely<AuthDatabase> = this.db): Promise<MemberRow | undefined> {
    return this.members(db).where('m.family_id', '=', familyId).where('m.user_id', '=', userId).executeTakeFirst();
  }

  member(familyId: string, memberId: string, db: Kysely<AuthDatabase> = this.db): Promise<MemberRow | undefined> {
    return this.members(db).where('m.family_id', '=', familyId).where('m.id', '=', memberId).executeTakeFirst();
  }

  /** Members in join order (membership ids are time-ordered), `limit` after the cursor id. */
  listMembers(familyId: string, afterId: string | undefined, limit: number): Promise<MemberRow[]> {
    let q = this.members().where('m.family_id', '=', familyId);
    if (afterId) q = q.where('m.id', '>', afterId);
    return q.orderBy('m.id').limit(limit).execute();
  }

  /** Every member of the families, by family and then join order. */
  membersOfFamilies(familyIds: readonly string[]): Promise<MemberRow[]> {
    if (familyIds.length === 0) return Promise.resolve([]);
    return this.members()
      .where('m.family_id', 'in', [...familyIds])
      .orderBy('m.family_id')
      .orderBy('m.id')
      .execute();
  }

  /** Every membership of a user with its family: what goes into an access token. */
  membershipsOfUser(userId: string, db: Kysely<AuthDatabase> = this.db) {
    return db
      .selectFrom('memberships as m')
      .innerJoin('families as f', 'f.id', 'm.family_id')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select([
        'm.id as member_id',
        'm.role',
        'm.created_at as joined_at',
        'u.display_name',
        'u.username',
        'f.id as family_id',
        'f.name',
        'f.currency',
        'f.timezone',
        'f.owner_user_id',
        'f.region',
        'f.created_at as family_created_at',
      ])
      .where('m.user_id', '=', userId)
      .orderBy('m.id')
      .execute();
  }

  async setRole(db: Kysely<AuthDatabase>, memberId: string, role: FamilyRole): Promise<void> {
    await db.updateTable('memberships').set({ role }).where('id', '=', memberId).execute();
  }

  async deleteMembership(db: Kysely<AuthDatabase>, memberId: string): Promise<void> {
    await db.deleteFrom('memberships').where('id', '=', memberId).execute();
  }

  async insertInvite(db: Kysely<AuthDatabase>, invite: Omit<InviteRow, 'created_at' | 'accepted_at' | 'accepted_by'>) {
    return db.insertInto('invites').values(invite).returningAll().executeTakeFirstOrThrow();
  }

  /** Locks the invite row so two people accepting one code at once cannot both succeed. */
  inviteForUpdate(db: Kysely<AuthDatabase>, codeHash: string): Promise<InviteRow | undefined> {
    return db.selectFrom('invites').selectAll().where('code_hash', '=', codeHash).forUpdate().executeTakeFirst();
  }

  async markInviteAccepted(db: Kysely<AuthDatabase>, id: string, userId: string): Promise<void> {
    await db
      .updateTable('invites')
      .set({ accepted_at: sql<Date>`now()`, accepted_by: userId })
      .where('id', '=', id)
      .execute();
  }
}
