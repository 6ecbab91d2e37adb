// Chores (one row per chore: its current occurrence) and what became of each occurrence.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { ChoresTable, GoalsDatabase } from '../db/schema.js';
import { daysToMask, maskToDays, type Recurrence } from '../domain/chore.recurrence.js';
import type { Chore, ChoreChanges, ChoreOccurrence, NewChore } from '../domain/goals.records.js';
import type { ChoreStatusName } from '../domain/goals.types.js';

function fromRow(r: Selectable<ChoresTable>): Chore {
  return {
    id: r.id,
    familyId: r.family_id,
    title: r.title,
    description: r.description,
    assigneeMemberId: r.assignee_member_id,
    rewardMinor: r.reward_minor,
    points: r.points,
    currency: r.currency,
    dueOn: r.due_on,
    recurrence: r.recurrence_frequency
      ? {
          frequency: r.recurrence_frequency,
          daysOfWeek: r.recurrence_frequency === 'WEEKLY' ? maskToDays(r.recurrence_days) : [],
        }
      : null,
    nextOccurrenceOn: r.next_occurrence_on,
    status: r.status,
    note: r.note,
    rejectionReason: r.rejection_reason,
    submittedAt: r.submitted_at,
    reviewedAt: r.reviewed_at,
    reviewedByMemberId: r.reviewed_by_member_id,
    overdueOn: r.overdue_on,
    version: r.version,
    createdByMemberId: r.created_by_member_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function recurrenceColumns(r: Recurrence | null) {
  return { recurrence_frequency: r?.frequency ?? null, recurrence_days: r ? daysToMask(r.daysOfWeek) : 0 };
}

function changesToRow(c: ChoreChanges): Updateable<ChoresTable> {
  const row: Updateable<ChoresTable> = {};
  if (c.title !== undefined) row.title = c.title;
  if (c.description !== undefined) row.description = c.description;
  if (c.assigneeMemberId !== undefined) row.assignee_member_id = c.assigneeMemberId;
  if (c.rewardMinor !== undefined) row.reward_minor = c.rewardMinor;
  if (c.points !== undefined) row.points = c.points;
  if (c.dueOn !== undefined) row.due_on = c.dueOn;
  if (c.recurrence !== undefined) Object.assign(row, recurrenceColumns(c.recurrence));
  if (c.nextOccurrenceOn !== undefined) row.next_occurrence_on = c.nextOccurrenceOn;
  if (c.status !== undefined) row.status = c.status;
  if (c.note !== undefined) row.note = c.note;
  if (c.rejectionReason !== undefined) row.rejection_reason = c.rejectionReason;
  if (c.submittedAt !== undefined) row.submitted_at = c.submittedAt;
  if (c.reviewedAt !== undefined) row.reviewed_at = c.reviewedAt;
  if (c.reviewedByMemberId !== undefined) row.reviewed_by_member_id = c.reviewedByMemberId;
  if (c.overdueOn !== undefined) row.overdue_on = c.overdueOn;
  if (c.version !== undefined) row.version = c.version;
  return row;
}

export interface ChoreFilter {
  familyId: string;
  assigneeMemberId?: string | undefined;
  status?: ChoreStatusName | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
}

export class ChoresStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  async insert(trx: Kysely<GoalsDatabase>, c: NewChore): Promise<Chore> {
    const row = await trx
      .insertInto('chores')
      .values({
        id: c.id,
        family_id: c.familyId,
        title: c.title,
        description: c.description,
        assignee_member_id: c.assigneeMemberId,
        reward_minor: c.rewardMinor,
        points: c.points,
        currency: c.currency,
        due_on: c.dueOn,
        ...recurrenceColumns(c.recurrence),
        next_occurrence_on: c.nextOccurrenceOn,
        status: c.status,
        note: c.note,
        rejection_reason: c.rejectionReason,
        created_by_member_id: c.createdByMemberId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async byId(familyId: string, id: string, db: Kysely<GoalsDatabase> = this.db): Promise<Chore | undefined> {
    const row = await db
      .selectFrom('chores')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async forUpdate(trx: Kysely<GoalsDatabase>, familyId: string, id: string): Promise<Chore | undefined> {
    const row = await trx
      .selectFrom('chores')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async update(trx: Kysely<GoalsDatabase>, id: string, changes: ChoreChanges): Promise<Chore> {
    const row = await trx
      .updateTable('chores')
      .set({ ...changesToRow(changes), updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async delete(trx: Kysely<GoalsDatabase>, id: string): Promise<void> {
    await trx.deleteFrom('chores').where('id', '=', id).execute();
  }

  async list(filter: ChoreFilter, afterId: string | undefined, limit: number): Promise<Chore[]> {
    let q = this.db.selectFrom('chores').selectAll().where('family_id', '=', filter.familyId);
    if (filter.assigneeMemberId) q = q.where('assignee_member_id', '=', filter.assigneeMemberId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.dueFrom) q = q.where('due_on', '>=', filter.dueFrom);
    if (filter.dueTo) q = q.where('due_on', '<=', filter.dueTo);
    if (afterId) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** Open chores whose due day has passed and whose overdue event is not out yet, locked. */
  async overdue(trx: Kysely<GoalsDatabase>, familyId: string, today: string, limit: number): Promise<Chore[]> {
    const rows = await trx
      .selectFrom('chores')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('due_on', '<', today)
      .where('status', 'in', ['TODO', 'REJECTED'])
      .where((eb) => eb.or([eb('overdue_on', 'is', null), eb('overdue_on', '<>', eb.ref('due_on'))]))
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map(fromRow);
  }

  /** Recurring chores whose next occurrence day has come (not while awaiting review), locked. */
  async dueForRollOver(trx: Kysely<GoalsDatabase>, familyId: string, today: string, limit: number): Promise<Chore[]> {
    const rows = await trx
      .selectFrom('chores')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('next_occurrence_on', '<=', today)
      .where('status', '<>', 'SUBMITTED')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map(fromRow);
  }

  /** Records what became of an occurrence; an approval replaces an earlier "missed". */
  async recordOccurrence(
    trx: Kysely<GoalsDatabase>,
    o: ChoreOccurrence,
    outcome: 'APPROVED' | 'MISSED',
  ): Promise<void> {
    await trx
      .insertInto('chore_occurrences')
      .values({
        chore_id: o.choreId,
        due_on: o.dueOn,
        family_id: o.familyId,
        assignee_member_id: o.assigneeMemberId,
        outcome,
      })
      .onConflict((oc) =>
        outcome === 'APPROVED'
          ? oc.columns(['chore_id', 'due_on']).doUpdateSet({ outcome: 'APPROVED' })
          : oc.columns(['chore_id', 'due_on']).doNothing(),
      )
      .execute();
  }

  /**
   * A member's chore occurrences due in [from, to]: approved ones, and all of them — recorded
   * outcomes plus current occurrences with no outcome yet (awaiting review count as not approved).
   */
  async occurrenceCounts(
    trx: Kysely<GoalsDatabase>,
    memberId: string,
    from: string,
    to: string,
  ): Promise<{ approved: number; total: number }> {
    const recorded = await trx
      .selectFrom('chore_occurrences')
      .select([
        sql<number>`count(*) filter (where outcome = 'APPROVED')`.as('approved'),
        sql<number>`count(*)`.as('total'),
      ])
      .where('assignee_member_id', '=', memberId)
      .where('due_on', '>=', from)
      .where('due_on', '<=', to)
      .executeTakeFirstOrThrow();
    const pending = await trx
      .selectFrom('chores as c')
      .select(sql<number>`count(*)`.as('n'))
      .where('c.assignee_member_id', '=', memberId)
      .where('c.due_on', '>=', from)
      .where('c.due_on', '<=', to)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('chore_occurrences as o')
              .select('o.chore_id')
              .whereRef('o.chore_id', '=', 'c.id')
              .whereRef('o.due_on', '=', 'c.due_on'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    return { approved: Number(recorded.approved), total: Number(recorded.total) + Number(pending.n) };
  }
}
