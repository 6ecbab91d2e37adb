// The family's categories (and the seed record of its default set); rows map to Category here.
import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError, isUuid } from '@family/errors';
import { isUniqueViolation } from '@family/db';
import type { CategoriesTable, ExpenseDatabase } from '../db/schema.js';
import type { Category, NewCategory } from '../domain/expense.records.js';

type CategoryRow = Selectable<CategoriesTable>;

export type CategoryPatch = Partial<Pick<Category, 'name' | 'parentId' | 'icon' | 'color' | 'archived'>>;

function toCategory(r: CategoryRow): Category {
  return {
    id: r.id,
    familyId: r.family_id,
    name: r.name,
    parentId: r.parent_id,
    archived: r.archived,
    icon: r.icon,
    color: r.color,
    version: r.version,
    createdAt: r.created_at,
  };
}

function toRow(c: NewCategory) {
  return { id: c.id, family_id: c.familyId, name: c.name, parent_id: c.parentId, icon: c.icon, color: c.color };
}

function nameTaken(err: unknown): AppError | undefined {
  if (!isUniqueViolation(err, 'categories_sibling_name_key')) return undefined;
  return new AppError('ALREADY_EXISTS', 'CATEGORY_NAME_TAKEN', 'A category with this name exists at this level', {
    violations: [{ field: 'name', message: 'is already used by a sibling category' }],
  });
}

export class CategoriesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  /**
   * Records that the family's defaults are seeded and inserts them, in one transaction; false (and
   * nothing written) when they were seeded before. Concurrent callers wait on the first one's row.
   */
  async seedOnce(familyId: string, categories: () => NewCategory[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const marked = await trx
        .insertInto('default_categories_seeded')
        .values({ family_id: familyId })
        .onConflict((oc) => oc.column('family_id').doNothing())
        .returning('family_id')
        .executeTakeFirst();
      if (!marked) return false;
      const rows = categories().map(toRow);
      if (rows.length) await trx.insertInto('categories').values(rows).execute();
      return true;
    });
  }

  async insert(db: Kysely<ExpenseDatabase>, category: NewCategory): Promise<Category> {
    try {
      return toCategory(
        await db.insertInto('categories').values(toRow(category)).returningAll().executeTakeFirstOrThrow(),
      );
    } catch (err) {
      throw nameTaken(err) ?? err;
    }
  }

  async byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db): Promise<Category | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await db
      .selectFrom('categories')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toCategory(row);
  }

  async forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string): Promise<Category | undefined> {
    const row = await db
      .selectFrom('categories')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toCategory(row);
  }

  /** Every category of the family (a family has tens, not thousands). */
  async all(familyId: string, db: Kysely<ExpenseDatabase> = this.db): Promise<Category[]> {
    const rows = await db
      .selectFrom('categories')
      .selectAll()
      .where('family_id', '=', familyId)
      .orderBy('id')
      .execute();
    return rows.map(toCategory);
  }

  async list(familyId: string, includeArchived: boolean, afterId: string | undefined, limit: number) {
    let q = this.db.selectFrom('categories').selectAll().where('family_id', '=', familyId);
    if (!includeArchived) q = q.where('archived', '=', false);
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map(toCategory);
  }

  async update(db: Kysely<ExpenseDatabase>, id: string, patch: CategoryPatch): Promise<Category> {
    const { parentId, ...rest } = patch;
    try {
      const row = await db
        .updateTable('categories')
        .set({
          ...rest,
          ...(parentId !== undefined ? { parent_id: parentId } : {}),
          version: sql<number>`version + 1`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toCategory(row);
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
