// Savings goals and their contributions.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { GoalContributionsTable, GoalsDatabase, GoalsTable } from '../db/schema.js';
import type { Goal, GoalChanges, GoalContribution, NewGoal } from '../domain/goals.records.js';
import type { GoalStatusName } from '../domain/goals.types.js';

function fromRow(r: Selectable<GoalsTable>): Goal {
  return {
    id: r.id,
    familyId: r.family_id,
    ownerMemberId: r.owner_member_id,
    name: r.name,
    description: r.description,
    targetMinor: r.target_minor,
    savedMinor: r.saved_minor,
    currency: r.currency,
    deadline: r.deadline,
    status: r.status,
    matching: r.match_percent !== null ? { percent: r.match_percent, monthlyCapMinor: r.match_cap_minor ?? 0 } : null,
    icon: r.icon,
    version: r.version,
    createdByMemberId: r.created_by_member_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    achievedAt: r.achieved_at,
  };
}

function changesToRow(c: GoalChanges): Updateable<GoalsTable> {
  const row: Updateable<GoalsTable> = {};
  if (c.name !== undefined) row.name = c.name;
  if (c.description !== undefined) row.description = c.description;
  if (c.icon !== undefined) row.icon = c.icon;
  if (c.targetMinor !== undefined) row.target_minor = c.targetMinor;
  if (c.savedMinor !== undefined) row.saved_minor = c.savedMinor;
  if (c.deadline !== undefined) row.deadline = c.deadline;
  if (c.matching !== undefined) {
    row.match_percent = c.matching?.percent ?? null;
    row.match_cap_minor = c.matching?.monthlyCapMinor ?? null;
  }
  if (c.status !== undefined) row.status = c.status;
  if (c.achievedAt !== undefined) row.achieved_at = c.achievedAt;
  if (c.version !== undefined) row.version = c.version;
  return row;
}

function contributionFromRow(r: Selectable<GoalContributionsTable>): GoalContribution {
  return {
    id: r.id,
    goalId: r.goal_id,
    familyId: r.family_id,
    source: r.source,
    amountMinor: r.amount_minor,
    matchedMinor: r.matched_minor,
    memo: r.memo,
    contributorMemberId: r.contributor_member_id,
    day: r.day,
    at: r.at,
  };
}

export interface GoalFilter {
  familyId: string;
  ownerMemberId?: string | undefined;
  status?: GoalStatusName | undefined;
}

export class GoalsStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  async insert(trx: Kysely<GoalsDatabase>, g: NewGoal): Promise<Goal> {
    const row = await trx
      .insertInto('goals')
      .values({
        id: g.id,
        family_id: g.familyId,
        owner_member_id: g.ownerMemberId,
        name: g.name,
        description: g.description,
        target_minor: g.targetMinor,
        currency: g.currency,
        deadline: g.deadline,
        status: g.status,
        match_percent: g.matching?.percent ?? null,
        match_cap_minor: g.matching?.monthlyCapMinor ?? null,
        icon: g.icon,
        created_by_member_id: g.createdByMemberId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async byId(familyId: string, id: string, db: Kysely<GoalsDatabase> = this.db): Promise<Goal | undefined> {
    const row = await db
      .selectFrom('goals')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async forUpdate(trx: Kysely<GoalsDatabase>, familyId: string, id: string): Promise<Goal | undefined> {
    const row = await trx
      .selectFrom('goals')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async update(trx: Kysely<GoalsDatabase>, id: string, changes: GoalChanges): Promise<Goal> {
    const row = await trx
      .updateTable('goals')
      .set({ ...changesToRow(changes), updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async delete(trx: Kysely<GoalsDatabase>, id: string): Promise<void> {
    await trx.deleteFrom('goals').where('id', '=', id).execute();
  }

  /** In creation order, `limit` after the cursor id. */
  async list(filter: GoalFilter, afterId: string | undefined, limit: number): Promise<Goal[]> {
    let q = this.db.selectFrom('goals').selectAll().where('family_id', '=', filter.familyId);
    if (filter.ownerMemberId) q = q.where('owner_member_id', '=', filter.ownerMemberId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (afterId) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.map(fromRow);
  }

  async insertContribution(trx: Kysely<GoalsDatabase>, c: GoalContribution): Promise<GoalContribution> {
    const row = await trx
      .insertInto('goal_contributions')
      .values({
        id: c.id,
        goal_id: c.goalId,
        family_id: c.familyId,
        source: c.source,
        amount_minor: c.amountMinor,
        matched_minor: c.matchedMinor,
        memo: c.memo,
        contributor_member_id: c.contributorMemberId,
        day: c.day,
        at: c.at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return contributionFromRow(row);
  }

  /** Newest first, `limit` before the cursor id. */
  async listContributions(goalId: string, beforeId: string | undefined, limit: number): Promise<GoalContribution[]> {
    let q = this.db.selectFrom('goal_contributions').selectAll().where('goal_id', '=', goalId);
    if (beforeId) q = q.where('id', '<', beforeId);
    const rows = await q.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(contributionFromRow);
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
