// Categories: every member lists them; parents create, rename, re-parent, archive and delete them.
// A category still in use is archived rather than deleted, so history keeps its category.
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import { newId, pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import { assertCanNest, checkCategoryName, checkColor, checkIcon } from '../domain/category.rules.js';
import { CategoryTree } from '../domain/category.tree.js';
import type { Category } from '../domain/expense.records.js';
import type { CategoryPatch } from '../store/categories.store.js';
import type { ExpenseDeps } from './expense.deps.js';
import { afterId } from './page.cursors.js';

export class Categories {
  constructor(private readonly deps: ExpenseDeps) {}

  async list(caller: Caller, familyId: string, includeArchived: boolean, page: { limit: number; cursor: string }) {
    const actor = await this.deps.access.actor(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const limit = pageLimit(page.limit);
    const rows = await this.deps.categories.list(actor.familyId, includeArchived, afterId(page.cursor), limit + 1);
    return toPage(rows, limit, (c) => [c.id]);
  }

  async create(
    caller: Caller,
    familyId: string,
    input: { name: string; parentId: string; icon: string; color: string },
  ) {
    const actor = await this.deps.access.parent(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const v = new Violations();
    checkCategoryName(v, 'name', input.name);
    checkIcon(v, 'icon', input.icon);
    checkColor(v, 'color', input.color);
    v.throwIfAny();
    let parentId: string | null = null;
    if (input.parentId) {
      parentId = requireUuid(input.parentId, 'parentId');
      const parent = await this.deps.categories.byId(actor.familyId, parentId);
      if (!parent) throw AppError.invalidField('parentId', 'is not a category of this family');
      assertCanNest(undefined, parent);
    }
    return this.deps.categories.insert(this.deps.db, {
      id: newId(),
      familyId: actor.familyId,
      name: input.name.trim(),
      parentId,
      icon: input.icon,
      color: input.color,
    });
  }

  async update(
    caller: Caller,
    familyId: string,
    categoryId: string,
    input: {
      expectedVersion: number;
      name?: string | undefined;
      parentId?: string | undefined;
      icon?: string | undefined;
      color?: string | undefined;
      archived?: boolean | undefined;
    },
  ): Promise<Category> {
    const actor = await this.deps.access.parent(caller, familyId);
    const id = requireUuid(categoryId, 'categoryId');
    const v = new Violations();
    if (input.name !== undefined) checkCategoryName(v, 'name', input.name);
    if (input.icon !== undefined) checkIcon(v, 'icon', input.icon);
    if (input.color !== undefined) checkColor(v, 'color', input.color);
    if (input.parentId) v.check(isUuid(input.parentId), 'parentId', 'must be a UUID');
    v.throwIfAny();
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await this.deps.categories.forUpdate(trx, actor.familyId, id);
      if (!current) throw AppError.notFound('Category');
      if (input.expectedVersion && current.version !== input.expectedVersion) {
        throw AppError.versionMismatch(current.version);
      }
      const patch: CategoryPatch = {};
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.icon !== undefined) patch.icon = input.icon;
      if (input.color !== undefined) patch.color = input.color;
      if (input.archived !== undefined) patch.archived = input.archived;
      if (input.parentId !== undefined) {
        const parentId = input.parentId ? input.parentId.toLowerCase() : null;
        if (parentId) {
          const tree = new CategoryTree(await this.deps.categories.all(actor.familyId, trx));
          const parent = tree.get(parentId);
          if (!parent) throw AppError.invalidField('parentId', 'is not a category of this family');
          assertCanNest({ id, hasChildren: tree.hasChildren(id) }, parent);
        }
        patch.parentId = parentId;
      }
      return this.deps.categories.update(trx, id, patch);
    });
  }

  archive(caller: Caller, familyId: string, categoryId: string, expectedVersion: number, archived: boolean) {
    return this.update(caller, familyId, categoryId, { expectedVersion, archived });
  }

  /**
   * Deletes a category. With a replacement, everything that used it moves there first. Without one, a
   * category still in use is archived instead (returns the archived row); an unused one is deleted.
   */
  async delete(
    caller: Caller,
    familyId: string,
    categoryId: string,
    expectedVersion: number,
    reassignTo: string,
  ): Promise<Category | undefined> {
    const actor = await this.deps.access.parent(caller, familyId);
    const id = requireUuid(categoryId, 'categoryId');
    const target = reassignTo ? requireUuid(reassignTo, 'reassignToCategoryId') : null;
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await this.deps.categories.forUpdate(trx, actor.familyId, id);
      if (!current) throw AppError.notFound('Category');
      if (expectedVersion && current.version !== expectedVersion) throw AppError.versionMismatch(current.version);
      if (target) {
        const replacement = await this.deps.categories.byId(actor.familyId, target, trx);
        if (!replacement || target === id) {
          throw AppError.invalidField('reassignToCategoryId', 'must be another category of this family');
        }
      } else if (await this.deps.categories.isUsed(trx, actor.familyId, id)) {
        return this.deps.categories.update(trx, id, { archived: true });
      }
      await this.deps.categories.reassignAndDelete(trx, actor.familyId, id, target, current.parentId);
      return undefined;
    });
  }
}
