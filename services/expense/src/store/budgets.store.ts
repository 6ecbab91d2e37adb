import { sql, type Kysely, type Selectable, type Insertable } from 'kysely';
import type { BudgetsTable, ExpenseDatabase } from '../db/schema.js';

export type BudgetRow = Selectable<BudgetsTable>;
export type NewBudgetRow = Omit<Insertable<BudgetsTable>, 'version' | 'created_at'>;

export class BudgetsStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  insert(db: Kysely<ExpenseDatabase>, row: NewBudgetRow): Promise<BudgetRow> {
    return db.insertInto('budgets').values(row).returningAll().executeTakeFirstOrThrow();
  }

  byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db) {
    return db
      .selectFrom('budgets')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string) {
    return db
      .selectFrom('budgets')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  all(familyId: string, db: Kysely<ExpenseDatabase> = this.db): Promise<BudgetRow[]> {
    return db.selectFrom('budgets').selectAll().where('family_id', '=', familyId).orderBy('id').execute();
  }

  list(
    familyId: string,
    filter: { memberId?: string | undefined; categoryId?: string | undefined },
    afterId: string | undefined,
    limit: number,
  ) {
    let q = this.db.selectFrom('budgets').selectAll().where('family_id', '=', familyId);
    if (filter.memberId) q = q.where('member_id', '=', filter.memberId);
    if (filter.categoryId) q = q.where('category_id', '=', filter.categoryId);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  update(db: Kysely<ExpenseDatabase>, id: string, patch: Partial<NewBudgetRow>): Promise<BudgetRow> {
    return db
      .updateTable('budgets')
      .set({ ...patch, version: sql<number>`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
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
