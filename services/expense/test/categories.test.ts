import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { silentLogger } from '@family/logger';
import { startExpenseService } from '../src/index.js';
import {
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
} from './expense.harness.js';

describe('ExpenseService categories', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });

  it('seeds the default two-level set once for a new family, visible to every member', async () => {
    const f = await household(auth);
    const [a, b] = await Promise.all([
      h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent),
      h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asChild),
    ]);
    expect(a.categories.map((c) => c.id)).to.deep.equal(b.categories.map((c) => c.id));
    const top = a.categories.filter((c) => !c.parentId).map((c) => c.name);
    expect(top).to.include.members([
      'Groceries',
      'Dining',
      'Transport',
      'Housing',
      'Utilities',
      'Health',
      'Education',
      'Kids',
      'Entertainment',
      'Clothing',
      'Gifts',
      'Travel',
      'Subscriptions',
      'Other',
    ]);
    expect(top).to.have.length(14);
    const dining = a.categories.find((c) => c.name === 'Dining')!;
    expect(a.categories.filter((c) => c.parentId === dining.id).map((c) => c.name)).to.include('Cafes');
    expect(h.service.families.fetchCount).to.be.greaterThan(0);
  });

  it('seeds defaults as an explicit step: once, under concurrent calls and replicas, never on reading the caller', async () => {
    const f = await household(auth);
    const count = () =>
      h.service.app.deps.db
        .selectFrom('categories')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('family_id', '=', f.familyId)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n));
    // Knowing who the caller is (and reading their expenses) writes no categories.
    await h.client.listExpenses({ familyId: f.familyId }, f.asParent);
    expect(await count()).to.equal(0);
    // A second replica over the same schema seeds at the same time as this one: one of them does.
    const second = await startExpenseService({ config: h.config, sql: h.sql, logger: silentLogger() });
    try {
      const seeds = () => h.service.app.deps.defaultCategories.seedCount + second.app.deps.defaultCategories.seedCount;
      const before = seeds();
      await Promise.all([
        h.service.app.deps.defaultCategories.ensure(f.familyId),
        h.service.app.deps.defaultCategories.ensure(f.familyId),
        second.app.deps.defaultCategories.ensure(f.familyId),
        h.client.listCategories({ familyId: f.familyId }, f.asChild),
      ]);
      expect(seeds() - before).to.equal(1);
      const seeded = await count();
      expect(seeded).to.be.greaterThan(14);
      await second.app.deps.defaultCategories.ensure(f.familyId);
      await h.client.createExpense({ familyId: f.familyId, amountMinor: 100, description: 'Gum' }, f.asParent);
      expect(await count()).to.equal(seeded);
    } finally {
      await second.stop();
    }
  });

  it('pages through categories with a cursor', async () => {
    const f = await household(auth);
    const first = await h.client.listCategories({ familyId: f.familyId, page: { limit: 10 } }, f.asParent);
    expect(first.categories).to.have.length(10);
    const second = await h.client.listCategories(
      { familyId: f.familyId, page: { limit: 10, cursor: first.page!.nextCursor } },
      f.asParent,
    );
    expect(second.categories[0]!.id > first.categories[9]!.id).to.equal(true);
  });

  it('lets a parent create, rename, re-parent and archive categories', async () => {
    const f = await household(auth);
    const pets = await h.client.createCategory({ familyId: f.familyId, name: 'Pets', color: '#aa00ff' }, f.asParent);
    const food = await h.client.createCategory(
      { familyId: f.familyId, name: 'Pet food', parentId: pets.category!.id },
      f.asParent,
    );
    expect(food.category!.parentId).to.equal(pets.category!.id);
    const renamed = await h.client.updateCategory(
      { familyId: f.familyId, categoryId: food.category!.id, expectedVersion: 1, name: 'Food & treats' },
      f.asParent,
    );
    expect(renamed.category).to.include({ name: 'Food & treats', version: 2 });
    const moved = await h.client.updateCategory(
      { familyId: f.familyId, categoryId: food.category!.id, parentId: '' },
      f.asParent,
    );
    expect(moved.category!.parentId).to.equal('');
    const archived = await h.client.archiveCategory(
      { familyId: f.familyId, categoryId: pets.category!.id, archived: true },
      f.asParent,
    );
    expect(archived.category!.archived).to.equal(true);
    const visible = await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent);
    expect(visible.categories.map((c) => c.id)).not.to.include(pets.category!.id);
    const all = await h.client.listCategories(
      { familyId: f.familyId, page: { limit: 200 }, includeArchived: true },
      f.asParent,
    );
    expect(all.categories.map((c) => c.id)).to.include(pets.category!.id);
  });

  it('keeps categories two levels deep and sibling names unique', async () => {
    const f = await household(auth);
    const list = await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent);
    const cafes = list.categories.find((c) => c.name === 'Cafes')!;
    const dining = list.categories.find((c) => c.name === 'Dining')!;
    const failure = await expectGrpcError(
      h.client.createCategory({ familyId: f.familyId, name: 'Espresso', parentId: cafes.id }, f.asParent),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['parentId']);
    await expectGrpcError(
      h.client.updateCategory(
        { familyId: f.familyId, categoryId: dining.id, parentId: list.categories[0]!.id },
        f.asParent,
      ),
      Status.INVALID_ARGUMENT,
    );
    await expectGrpcError(
      h.client.createCategory({ familyId: f.familyId, name: 'cafes', parentId: dining.id }, f.asParent),
      Status.ALREADY_EXISTS,
      'CATEGORY_NAME_TAKEN',
    );
  });

  it('archives a used category on delete, and deletes an unused one', async () => {
    const f = await household(auth);
    const used = await h.client.createCategory({ familyId: f.familyId, name: 'Used' }, f.asParent);
    const unused = await h.client.createCategory({ familyId: f.familyId, name: 'Unused' }, f.asParent);
    await h.client.createExpense(
      { familyId: f.familyId, amountMinor: 500, description: 'Thing', categoryId: used.category!.id },
      f.asParent,
    );
    await h.client.deleteCategory({ familyId: f.familyId, categoryId: used.category!.id }, f.asParent);
    await h.client.deleteCategory({ familyId: f.familyId, categoryId: unused.category!.id }, f.asParent);
    const all = await h.client.listCategories(
      { familyId: f.familyId, page: { limit: 200 }, includeArchived: true },
      f.asParent,
    );
    expect(all.categories.find((c) => c.id === used.category!.id)?.archived).to.equal(true);
    expect(all.categories.find((c) => c.id === unused.category!.id)).to.equal(undefined);
  });

  it('moves expenses to the replacement when a category is deleted with one', async () => {
    const f = await household(auth);
    const from = await h.client.createCategory({ familyId: f.familyId, name: 'Old' }, f.asParent);
    const to = await h.client.createCategory({ familyId: f.familyId, name: 'New' }, f.asParent);
    const e = await h.client.createExpense(
      { familyId: f.familyId, amountMinor: 500, description: 'Thing', categoryId: from.category!.id },
      f.asParent,
    );
    await h.client.deleteCategory(
      { familyId: f.familyId, categoryId: from.category!.id, reassignToCategoryId: to.category!.id },
      f.asParent,
    );
    const got = await h.client.getExpense({ familyId: f.familyId, expenseId: e.expense!.id }, f.asParent);
    expect(got.expense!.categoryId).to.equal(to.category!.id);
  });

  it('refuses a child managing categories', async () => {
    const f = await household(auth);
    await expectGrpcError(
      h.client.createCategory({ familyId: f.familyId, name: 'Candy' }, f.asChild),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    const list = await h.client.listCategories({ familyId: f.familyId }, f.asChild);
    await expectGrpcError(
      h.client.updateCategory({ familyId: f.familyId, categoryId: list.categories[0]!.id, name: 'X' }, f.asChild),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.deleteCategory({ familyId: f.familyId, categoryId: list.categories[0]!.id }, f.asChild),
      Status.PERMISSION_DENIED,
    );
  });

  it("answers NOT_FOUND for another family's categories and names bad fields", async () => {
    const a = await household(auth);
    const b = await household(auth);
    await expectGrpcError(h.client.listCategories({ familyId: b.familyId }, a.asParent), Status.NOT_FOUND);
    const bList = await h.client.listCategories({ familyId: b.familyId }, b.asParent);
    await expectGrpcError(
      h.client.updateCategory({ familyId: a.familyId, categoryId: bList.categories[0]!.id, name: 'Mine' }, a.asParent),
      Status.NOT_FOUND,
    );
    const bad = await expectGrpcError(
      h.client.createCategory({ familyId: a.familyId, name: '', color: 'red' }, a.asParent),
      Status.INVALID_ARGUMENT,
    );
    expect(bad.violations.map((v) => v.field)).to.deep.equal(['name', 'color']);
    const badId = await expectGrpcError(
      h.client.updateCategory({ familyId: a.familyId, categoryId: 'nope', name: 'x' }, a.asParent),
      Status.INVALID_ARGUMENT,
    );
    expect(badId.violations.map((v) => v.field)).to.deep.equal(['categoryId']);
    await expectGrpcError(h.client.listCategories({ familyId: 'x' }, a.asParent), Status.INVALID_ARGUMENT);
  });

  it('refuses a stale version with VERSION_MISMATCH', async () => {
    const f = await household(auth);
    const c = await h.client.createCategory({ familyId: f.familyId, name: 'Versioned' }, f.asParent);
    await h.client.updateCategory(
      { familyId: f.familyId, categoryId: c.category!.id, expectedVersion: 1, name: 'V2' },
      f.asParent,
    );
    await expectGrpcError(
      h.client.updateCategory(
        { familyId: f.familyId, categoryId: c.category!.id, expectedVersion: 1, name: 'V3' },
        f.asParent,
      ),
      Status.FAILED_PRECONDITION,
      'VERSION_MISMATCH',
    );
  });
});
