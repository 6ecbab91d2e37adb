import { sql, type Kysely, type Selectable, type Insertable } from 'kysely';
import type { ExpenseDatabase, RecurringExpensesTable } from '../db/schema.js';

export type RecurringRow = Selectable<RecurringExpensesTable>;
export type NewRecurringRow = Omit<Insertable<RecurringExpensesTable>, 'version' | 'created_at'>;
export type DueRule = RecurringRow & { family_currency: string; family_timezone: string };

export class RecurringStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  insert(db: Kysely<ExpenseDatabase>, row: NewRecurringRow): Promise<RecurringRow> {
    return db.insertInto('recurring_expenses').values(row).returningAll().executeTakeFirstOrThrow();
  }

  byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db) {
    return db
      .selectFrom('recurring_expenses')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string) {
    return db
      .selectFrom('recurring_expenses')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  list(familyId: string, memberId: string | undefined, afterId: string | undefined, limit: number) {
    let q = this.db.selectFrom('recurring_expenses').selectAll().where('family_id', '=', familyId);
    if (memberId) q = q.where('member_id', '=', memberId);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  update(
    db: Kysely<ExpenseDatabase>,
    id: string,
    patch: Partial<NewRecurringRow>,
    bumpVersion = true,
  ): Promise<RecurringRow> {
    return db
      .updateTable('recurring_expenses')
      .set(bumpVersion ? { ...patch, version: sql<number>`version + 1` } : patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(db: Kysely<ExpenseDatabase>, id: string): Promise<void> {
    await db.deleteFrom('recurring_expenses').where('id', '=', id).execute();
  }

  /**
   * Locks one rule that is due at `now` in its family's time zone, skipping rules another scheduler
   * holds, so replicas share the work without waiting on each other.
   */
  claimDue(db: Kysely<ExpenseDatabase>, now: Date, exclude: string[]): Promise<DueRule | undefined> {
    let q = db
      .selectFrom('recurring_expenses as r')
      .innerJoin('families as f', 'f.family_id', 'r.family_id')
      .selectAll('r')
      .select(['f.currency as family_currency', 'f.timezone as family_timezone'])
      .where('r.paused', '=', false)
      .where('r.next_on', 'is not', null)
      .where('r.next_on', '<=', sql<string>`(${now}::timestamptz at time zone f.timezone)::date`);
    if (exclude.length) q = q.where('r.id', 'not in', exclude);
    return q.orderBy('r.next_on').limit(1).forUpdate(['r']).skipLocked().executeTakeFirst();
  }

  /** Reserves (rule, date) for one expense; false when it was materialized already. */
  async reserveOccurrence(
    db: Kysely<ExpenseDatabase>,
    ruleId: string,
    on: string,
    expenseId: string,
  ): Promise<boolean> {
    const r = await db
      .insertInto('recurring_occurrences')
      .values({ recurring_expense_id: ruleId, occurs_on: on, expense_id: expenseId })
      .onConflict((oc) => oc.columns(['recurring_expense_id', 'occurs_on']).doNothing())
      .returning('expense_id')
      .executeTakeFirst();
    return r !== undefined;
  }
}
