import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { GoalContributionsTable, GoalsDatabase, GoalsTable } from '../db/schema.js';
import type { GoalStatusName } from '../domain/goals.types.js';

export type GoalRow = Selectable<GoalsTable>;
export type GoalContributionRow = Selectable<GoalContributionsTable>;

export interface GoalFilter {
  familyId: string;
  ownerMemberId?: string | undefined;
  status?: GoalStatusName | undefined;
}

export class GoalsStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  insert(trx: Kysely<GoalsDatabase>, row: Insertable<GoalsTable>): Promise<GoalRow> {
    return trx.insertInto('goals').values(row).returningAll().executeTakeFirstOrThrow();
  }

  byId(familyId: string, id: string, db: Kysely<GoalsDatabase> = this.db): Promise<GoalRow | undefined> {
    return db.selectFrom('goals').selectAll().where('family_id', '=', familyId).where('id', '=', id).executeTakeFirst();
  }

  forUpdate(trx: Kysely<GoalsDatabase>, familyId: string, id: string): Promise<GoalRow | undefined> {
    return trx
      .selectFrom('goals')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  update(trx: Kysely<GoalsDatabase>, id: string, patch: Updateable<GoalsTable>): Promise<GoalRow> {
    return trx
      .updateTable('goals')
      .set({ ...patch, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(trx: Kysely<GoalsDatabase>, id: string): Promise<void> {
    await trx.deleteFrom('goals').where('id', '=', id).execute();
  }

  /** In creation order, `limit` after the cursor id. */
  list(filter: GoalFilter, afterId: string | undefined, limit: number): Promise<GoalRow[]> {
    let q = this.db.selectFrom('goals').selectAll().where('family_id', '=', filter.familyId);
    if (filter.ownerMemberId) q = q.where('owner_member_id', '=', filter.ownerMemberId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  insertContribution(
    trx: Kysely<GoalsDatabase>,
    row: Insertable<GoalContributionsTable>,
  ): Promise<GoalContributionRow> {
    return trx.insertInto('goal_contributions').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** Newest first, `limit` before the cursor id. */
  listContributions(goalId: string, beforeId: string | undefined, limit: number): Promise<GoalContributionRow[]> {
    let q = this.db.selectFrom('goal_contributions').selectAll().where('goal_id', '=', goalId);
    if (beforeId) q = q.where('id', '<', beforeId);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Parent matches added to a goal since `fromDay` (the calendar month's cap). */
  async matchedSince(trx: Kysely<GoalsDatabase>, goalId: string, fromDay: string): Promise<number> {
    const row = await trx
      .selectFrom('goal_contributions')
      .select(sql<number>`coalesce(sum(matched_minor), 0)::int8`.as('total'))
      .where('goal_id', '=', goalId)
      .where('day', '>=', fromDay)
      .executeTakeFirstOrThrow();
    return row.total;
  }

  /** Contributions plus matches per goal since `fromDay`: the recent pace. */
  async recentTotals(goalIds: string[], fromDay: string): Promise<Map<string, number>> {
    if (goalIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('goal_contributions')
      .select(['goal_id', sql<number>`sum(amount_minor + matched_minor)::int8`.as('total')])
      .where('goal_id', 'in', goalIds)
      .where('day', '>=', fromDay)
      .groupBy('goal_id')
      .execute();
    return new Map(rows.map((r) => [r.goal_id, r.total]));
  }

  /** What a member has in goals that still hold money (active or achieved). */
  async savedInGoals(memberId: string, db: Kysely<GoalsDatabase> = this.db): Promise<number> {
    const row = await db
      .selectFrom('goals')
      .select(sql<number>`coalesce(sum(saved_minor), 0)::int8`.as('total'))
      .where('owner_member_id', '=', memberId)
      .where('status', 'in', ['ACTIVE', 'ACHIEVED'])
      .executeTakeFirstOrThrow();
    return row.total;
  }
}
