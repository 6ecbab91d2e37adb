// Recurring expenses and the occurrences already materialized; rows map to RecurringExpense here.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ExpenseDatabase, RecurringExpensesTable } from '../db/schema.js';
import type { NewRecurringExpense, RecurringExpense } from '../domain/expense.records.js';
import type { FamilySettings } from '@family/service-kit';

export type RecurringPatch = Partial<Omit<NewRecurringExpense, 'id' | 'familyId'>>;
/** A rule due now, with the settings of its family (the scheduler has no caller to ask for them). */
export type DueRecurringExpense = RecurringExpense & { family: FamilySettings };

function toRecurring(r: Selectable<RecurringExpensesTable>): RecurringExpense {
  return {
    id: r.id,
    familyId: r.family_id,
    memberId: r.member_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    description: r.description,
    merchant: r.merchant,
    categoryId: r.category_id,
    tags: r.tags,
    note: r.note,
    splits: r.splits.map((s) => ({ categoryId: s.categoryId, amountMinor: s.amountMinor })),
    frequency: r.frequency,
    interval: r.interval,
    startOn: r.start_on,
    endOn: r.end_on,
    paused: r.paused,
    nextIndex: r.next_index,
    nextOn: r.next_on,
    lastRunOn: r.last_run_on,
    createdByMemberId: r.created_by_member_id,
    version: r.version,
    createdAt: r.created_at,
  };
}

function toRow(r: RecurringPatch) {
  return {
    ...(r.memberId !== undefined ? { member_id: r.memberId } : {}),
    ...(r.amountMinor !== undefined ? { amount_minor: r.amountMinor } : {}),
    ...(r.currency !== undefined ? { currency: r.currency } : {}),
    ...(r.description !== undefined ? { description: r.description } : {}),
    ...(r.merchant !== undefined ? { merchant: r.merchant } : {}),
    ...(r.categoryId !== undefined ? { category_id: r.categoryId } : {}),
    ...(r.tags !== undefined ? { tags: r.tags } : {}),
    ...(r.note !== undefined ? { note: r.note } : {}),
    ...(r.splits !== undefined ? { splits: JSON.stringify(r.splits) } : {}),
    ...(r.frequency !== undefined ? { frequency: r.frequency } : {}),
    ...(r.interval !== undefined ? { interval: r.interval } : {}),
    ...(r.startOn !== undefined ? { start_on: r.startOn } : {}),
    ...(r.endOn !== undefined ? { end_on: r.endOn } : {}),
    ...(r.paused !== undefined ? { paused: r.paused } : {}),
    ...(r.nextIndex !== undefined ? { next_index: r.nextIndex } : {}),
    ...(r.nextOn !== undefined ? { next_on: r.nextOn } : {}),
    ...(r.lastRunOn !== undefined ? { last_run_on: r.lastRunOn } : {}),
    ...(r.createdByMemberId !== undefined ? { created_by_member_id: r.createdByMemberId } : {}),
  };
}

export class RecurringStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async insert(db: Kysely<ExpenseDatabase>, r: NewRecurringExpense): Promise<RecurringExpense> {
    const row = await db
      .insertInto('recurring_expenses')
      .values({
        id: r.id,
        family_id: r.familyId,
        member_id: r.memberId,
        amount_minor: r.amountMinor,
        currency: r.currency,
        description: r.description,
        merchant: r.merchant,
        category_id: r.categoryId,
        tags: r.tags,
        note: r.note,
        splits: JSON.stringify(r.splits),
        frequency: r.frequency,
        interval: r.interval,
        start_on: r.startOn,
        end_on: r.endOn,
        paused: r.paused,
        next_index: r.nextIndex,
        next_on: r.nextOn,
        last_run_on: r.lastRunOn,
        created_by_member_id: r.createdByMemberId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecurring(row);
  }

  async byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db) {
    const row = await db
      .selectFrom('recurring_expenses')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecurring(row);
  }

  async forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string) {
    const row = await db
      .selectFrom('recurring_expenses')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toRecurring(row);
  }

  async list(familyId: string, memberId: string | undefined, afterId: string | undefined, limit: number) {
    let q = this.db.selectFrom('recurring_expenses').selectAll().where('family_id', '=', familyId);
    if (memberId) q = q.where('member_id', '=', memberId);
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map(toRecurring);
  }

  async update(
    db: Kysely<ExpenseDatabase>,
    id: string,
    patch: RecurringPatch,
    bumpVersion = true,
  ): Promise<RecurringExpense> {
    const row = await db
      .updateTable('recurring_expenses')
      .set(bumpVersion ? { ...toRow(patch), version: sql<number>`version + 1` } : toRow(patch))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecurring(row);
  }

  async delete(db: Kysely<ExpenseDatabase>, id: string): Promise<void> {
    await db.deleteFrom('recurring_expenses').where('id', '=', id).execute();
  }

  /**
   * Locks one rule that is due at `now` in its family's time zone, skipping rules another scheduler
   * holds, so replicas share the work without waiting on each other.
   */
  async claimDue(db: Kysely<ExpenseDatabase>, now: Date, exclude: string[]): Promise<DueRecurringExpense | undefined> {
    let q = db
      .selectFrom('recurring_expenses as r')
      .innerJoin('families as f', 'f.family_id', 'r.family_id')
      .selectAll('r')
      .select(['f.currency as family_currency', 'f.timezone as family_timezone'])
      .where('r.paused', '=', false)
      .where('r.next_on', 'is not', null)
      .where('r.next_on', '<=', sql<string>`(${now}::timestamptz at time zone f.timezone)::date`);
    if (exclude.length) q = q.where('r.id', 'not in', exclude);
    const row = await q.orderBy('r.next_on').limit(1).forUpdate(['r']).skipLocked().executeTakeFirst();
    if (!row) return undefined;
    const { family_currency, family_timezone, ...rule } = row;
    return {
      ...toRecurring(rule),
      family: { familyId: rule.family_id, currency: family_currency, timezone: family_timezone },
    };
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
