// Budgets and the thresholds each crossed per period; rows map to Budget here.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BudgetsTable, ExpenseDatabase } from '../db/schema.js';
import type { Budget, NewBudget } from '../domain/expense.records.js';

export type BudgetPatch = Partial<Omit<NewBudget, 'id' | 'familyId'>>;

function toBudget(r: Selectable<BudgetsTable>): Budget {
  return {
    id: r.id,
    familyId: r.family_id,
    name: r.name,
    categoryId: r.category_id,
    memberId: r.member_id,
    period: r.period,
    amountMinor: r.amount_minor,
    currency: r.currency,
    rollover: r.rollover,
    thresholds: r.thresholds,
    startsOn: r.starts_on,
    version: r.version,
    createdAt: r.created_at,
  };
}

function toRow(b: BudgetPatch) {
  return {
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.categoryId !== undefined ? { category_id: b.categoryId } : {}),
    ...(b.memberId !== undefined ? { member_id: b.memberId } : {}),
    ...(b.period !== undefined ? { period: b.period } : {}),
    ...(b.amountMinor !== undefined ? { amount_minor: b.amountMinor } : {}),
    ...(b.currency !== undefined ? { currency: b.currency } : {}),
    ...(b.rollover !== undefined ? { rollover: b.rollover } : {}),
    ...(b.thresholds !== undefined ? { thresholds: b.thresholds } : {}),
    ...(b.startsOn !== undefined ? { starts_on: b.startsOn } : {}),
  };
}

export class BudgetsStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async insert(db: Kysely<ExpenseDatabase>, b: NewBudget): Promise<Budget> {
    const row = await db
      .insertInto('budgets')
      .values({
        id: b.id,
        family_id: b.familyId,
        name: b.name,
        category_id: b.categoryId,
        member_id: b.memberId,
        period: b.period,
        amount_minor: b.amountMinor,
        currency: b.currency,
        rollover: b.rollover,
        thresholds: b.thresholds,
        starts_on: b.startsOn,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBudget(row);
  }

  async byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db): Promise<Budget | undefined> {
    const row = await db
      .selectFrom('budgets')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toBudget(row);
  }

  async forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string): Promise<Budget | undefined> {
    const row = await db
      .selectFrom('budgets')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toBudget(row);
  }

  async all(familyId: string, db: Kysely<ExpenseDatabase> = this.db): Promise<Budget[]> {
    const rows = await db.selectFrom('budgets').selectAll().where('family_id', '=', familyId).orderBy('id').execute();
    return rows.map(toBudget);
  }

  async list(
    familyId: string,
    filter: { memberId?: string | undefined; categoryId?: string | undefined },
    afterId: string | undefined,
    limit: number,
  ): Promise<Budget[]> {
    let q = this.db.selectFrom('budgets').selectAll().where('family_id', '=', familyId);
    if (filter.memberId) q = q.where('member_id', '=', filter.memberId);
    if (filter.categoryId) q = q.where('category_id', '=', filter.categoryId);
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map(toBudget);
  }

  async update(db: Kysely<ExpenseDatabase>, id: string, patch: BudgetPatch): Promise<Budget> {
    const row = await db
      .updateTable('budgets')
      .set({ ...toRow(patch), version: sql<number>`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBudget(row);
  }

  async delete(db: Kysely<ExpenseDatabase>, id: string): Promise<void> {
    await db.deleteFrom('budgets').where('id', '=', id).execute();
  }

  /** Records that a threshold was crossed; true only for the one call that recorded it first. */
  async markCrossed(db: Kysely<ExpenseDatabase>, budgetId: string, periodStart: string, threshold: number) {
    const row = await db
      .insertInto('budget_thresholds_crossed')
      .values({ budget_id: budgetId, period_start: periodStart, threshold })
      .onConflict((oc) => oc.columns(['budget_id', 'period_start', 'threshold']).doNothing())
      .returning('threshold')
      .executeTakeFirst();
    return row !== undefined;
  }
}
