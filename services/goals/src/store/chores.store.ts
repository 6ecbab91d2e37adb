import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { ChoresTable, GoalsDatabase } from '../db/schema.js';
import type { ChoreStatusName } from '../domain/goals.types.js';

export type ChoreRow = Selectable<ChoresTable>;

export interface ChoreFilter {
  familyId: string;
  assigneeMemberId?: string | undefined;
  status?: ChoreStatusName | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
}

export class ChoresStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  insert(trx: Kysely<GoalsDatabase>, row: Insertable<ChoresTable>): Promise<ChoreRow> {
    return trx.insertInto('chores').values(row).returningAll().executeTakeFirstOrThrow();
  }

  byId(familyId: string, id: string, db: Kysely<GoalsDatabase> = this.db): Promise<ChoreRow | undefined> {
    return db
      .selectFrom('chores')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  forUpdate(trx: Kysely<GoalsDatabase>, familyId: string, id: string): Promise<ChoreRow | undefined> {
    return trx
      .selectFrom('chores')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  update(trx: Kysely<GoalsDatabase>, id: string, patch: Updateable<ChoresTable>): Promise<ChoreRow> {
    return trx
      .updateTable('chores')
      .set({ ...patch, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(trx: Kysely<GoalsDatabase>, id: string): Promise<void> {
    await trx.deleteFrom('chores').where('id', '=', id).execute();
  }

  list(filter: ChoreFilter, afterId: string | undefined, limit: number): Promise<ChoreRow[]> {
    let q = this.db.selectFrom('chores').selectAll().where('family_id', '=', filter.familyId);
    if (filter.assigneeMemberId) q = q.where('assignee_member_id', '=', filter.assigneeMemberId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.dueFrom) q = q.where('due_on', '>=', filter.dueFrom);
    if (filter.dueTo) q = q.where('due_on', '<=', filter.dueTo);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  /** Open chores whose due day has passed and whose overdue event is not out yet, locked. */
  overdue(trx: Kysely<GoalsDatabase>, familyId: string, today: string, limit: number): Promise<ChoreRow[]> {
    return trx
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
  }

  /** Recurring chores whose next occurrence day has come (not while awaiting review), locked. */
  dueForRollOver(trx: Kysely<GoalsDatabase>, familyId: string, today: string, limit: number): Promise<ChoreRow[]> {
    return trx
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
  }

  /** Records what became of an occurrence; an approval replaces an earlier "missed". */
  async recordOccurrence(
    trx: Kysely<GoalsDatabase>,
    row: { chore_id: string; due_on: string; family_id: string; assignee_member_id: string },
    outcome: 'APPROVED' | 'MISSED',
  ): Promise<void> {
    await trx
      .insertInto('chore_occurrences')
      .values({ ...row, outcome })
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
