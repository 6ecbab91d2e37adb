import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError, isUuid } from '@family/errors';
import { isUniqueViolation } from '@family/db';
import type { CategoriesTable, ExpenseDatabase } from '../db/schema.js';

export type CategoryRow = Selectable<CategoriesTable>;

function nameTaken(err: unknown): AppError | undefined {
  if (!isUniqueViolation(err, 'categories_sibling_name_key')) return undefined;
  return new AppError('ALREADY_EXISTS', 'CATEGORY_NAME_TAKEN', 'A category with this name exists at this level', {
    violations: [{ field: 'name', message: 'is already used by a sibling category' }],
  });
}

export class CategoriesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async insertMany(db: Kysely<ExpenseDatabase>, rows: Omit<CategoryRow, 'archived' | 'version' | 'created_at'>[]) {
    if (rows.length === 0) return;
    await db.insertInto('categories').values(rows).execute();
  }

  async insert(db: Kysely<ExpenseDatabase>, row: Omit<CategoryRow, 'archived' | 'version' | 'created_at'>) {
    try {
      return await db.insertInto('categories').values(row).returningAll().executeTakeFirstOrThrow();
    } catch (err) {
      throw nameTaken(err) ?? err;
    }
  }

  byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db): Promise<CategoryRow | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    return db
      .selectFrom('categories')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string): Promise<CategoryRow | undefined> {
    return db
      .selectFrom('categories')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Every category of the family (a family has tens, not thousands). */
  all(familyId: string, db: Kysely<ExpenseDatabase> = this.db): Promise<CategoryRow[]> {
    return db.selectFrom('categories').selectAll().where('family_id', '=', familyId).orderBy('id').execute();
  }

  list(familyId: string, includeArchived: boolean, afterId: string | undefined, limit: number) {
    let q = this.db.selectFrom('categories').selectAll().where('family_id', '=', familyId);
    if (!includeArchived) q = q.where('archived', '=', false);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  async update(
    db: Kysely<ExpenseDatabase>,
    id: string,
    patch: Partial<Pick<CategoryRow, 'name' | 'parent_id' | 'icon' | 'color' | 'archived'>>,
  ): Promise<CategoryRow> {
    try {
      return await db
        .updateTable('categories')
        .set({ ...patch, version: sql<number>`version + 1` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      throw nameTaken(err) ?? err;
    }
  }

  /** Whether anything still points at the category: expenses, splits, rules, budgets, schedules. */
  async isUsed(db: Kysely<ExpenseDatabase>, familyId: string, id: string): Promise<boolean> {
    const r = await db
      .selectNoFrom((eb) =>
        eb
          .or([
            eb.exists(
              eb.selectFrom('expenses').select('id').where('family_id', '=', familyId).where('category_id', '=', id),
            ),
            eb.exists(
              eb
                .selectFrom('expense_splits')
                .select('expense_id')
                .where('family_id', '=', familyId)
                .where('category_id', '=', id),
            ),
            eb.exists(
              eb
                .selectFrom('categorization_rules')
                .select('id')
                .where('family_id', '=', familyId)
                .where('category_id', '=', id),
            ),
            eb.exists(
              eb.selectFrom('budgets').select('id').where('family_id', '=', familyId).where('category_id', '=', id),
            ),
            eb.exists(
              eb
                .selectFrom('recurring_expenses')
                .select('id')
                .where('family_id', '=', familyId)
                .where('category_id', '=', id),
            ),
          ])
          .as('used'),
      )
      .executeTakeFirst();
    return Boolean(r?.used);
  }

  /** Moves everything that points at `from` to `to` (null: uncategorized), then deletes `from`. */
  async reassignAndDelete(
    db: Kysely<ExpenseDatabase>,
    familyId: string,
    from: string,
    to: string | null,
    parentOfFrom: string | null,
  ): Promise<void> {
    await db
      .updateTable('categories')
      .set({ parent_id: parentOfFrom, version: sql<number>`version + 1` })
      .where('family_id', '=', familyId)
      .where('parent_id', '=', from)
      .execute();
    await db
      .updateTable('expenses')
      .set({ category_id: to, version: sql<number>`version + 1`, updated_at: new Date() })
      .where('family_id', '=', familyId)
      .where('category_id', '=', from)
      .execute();
    await db
      .updateTable('recurring_expenses')
      .set({ category_id: to })
      .where('family_id', '=', familyId)
      .where('category_id', '=', from)
      .execute();
    await db
      .updateTable('budgets')
      .set({ category_id: to })
      .where('family_id', '=', familyId)
      .where('category_id', '=', from)
      .execute();
    if (to) {
      await db
        .updateTable('expense_splits')
        .set({ category_id: to })
        .where('family_id', '=', familyId)
        .where('category_id', '=', from)
        .execute();
      await db
        .updateTable('categorization_rules')
        .set({ category_id: to })
        .where('family_id', '=', familyId)
        .where('category_id', '=', from)
        .execute();
    } else {
      await db
        .deleteFrom('categorization_rules')
        .where('family_id', '=', familyId)
        .where('category_id', '=', from)
        .execute();
    }
    await db
      .updateTable('spending_limits')
      .set({ blocked_category_ids: sql`array_remove(blocked_category_ids, ${from}::uuid)` })
      .where('family_id', '=', familyId)
      .execute();
    await db.deleteFrom('categories').where('id', '=', from).execute();
  }
}
