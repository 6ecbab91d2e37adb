import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import { FxRateSource } from '@family/contracts/expense/v1/expense';
import {
  d,
  day,
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

describe('ExpenseService expenses', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
  });
  after(async () => {
    await h.stop();
    await auth.stop();
    h.clock.reset();
  });

  const categoryId = async (f: Household, name: string) => {
    const r = await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent);
    return r.categories.find((c) => c.name === name)!.id;
  };

  describe('recording', () => {
    it('records an expense in the base currency on today in the family zone', async () => {
      // 23:30 UTC on 31 Jan is already 1 Feb in Berlin.
      h.clock.set('2024-01-31T23:30:00Z');
      const f = await household(auth);
      const r = await h.client.createExpense(
        {
          familyId: f.familyId,
          amountMinor: 1250,
          description: ' Weekly shop ',
          merchant: 'Aldi',
          tags: ['Food', 'food '],
        },
        f.asParent,
      );
      h.clock.reset();
      expect(r.expense).to.include({
        memberId: f.parent.memberId,
        amountMinor: 1250,
        currency: 'EUR',
        baseAmountMinor: 1250,
        baseCurrency: 'EUR',
        fxRate: '1',
        fxRateSource: FxRateSource.FX_RATE_SOURCE_NONE,
        description: 'Weekly shop',
        source: ExpenseSource.EXPENSE_SOURCE_MANUAL,
        version: 1,
        flagged: false,
        createdByMemberId: f.parent.memberId,
      });
      expect(r.expense!.tags).to.deep.equal(['food']);
      expect(day(r.expense!.occurredOn)).to.equal('2024-02-01');
    });

    it('keeps a foreign amount with a base amount from the given rate, rounding half away from zero', async () => {
      const f = await household(auth);
      const r = await h.client.createExpense(
        {
          familyId: f.familyId,
          amountMinor: 1001,
          currency: 'USD',
          fxRate: '0.5',
          description: 'Souvenir',
          occurredOn: d('2024-05-01'),
        },
        f.asParent,
      );
      expect(r.expense).to.include({
        amountMinor: 1001,
        currency: 'USD',
        baseAmountMinor: 501,
        fxRate: '0.5',
        fxRateSource: FxRateSource.FX_RATE_SOURCE_USER,
      });
      const yen = await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 1500, currency: 'JPY', fxRate: '0.0061', description: 'Ramen' },
        f.asParent,
      );
      expect(yen.expense!.baseAmountMinor).to.equal(915); // 1500 JPY × 0.0061 = 9.15 EUR
      const charged = await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 2000, currency: 'USD', baseAmountMinor: 1850, description: 'Hotel' },
        f.asParent,
      );
      expect(charged.expense).to.include({ baseAmountMinor: 1850, fxRate: '0.925' });
    });

    it("uses the family's rate table when no rate is given, and names fxRate when there is none", async () => {
      const f = await household(auth);
      const failure = await expectGrpcError(
        h.client.createExpense(
          { familyId: f.familyId, amountMinor: 100, currency: 'GBP', description: 'Tea' },
          f.asParent,
        ),
        Status.INVALID_ARGUMENT,
        'FX_RATE_MISSING',
      );
      expect(failure.violations.map((v) => v.field)).to.deep.equal(['fxRate']);
      await expectGrpcError(
        h.client.setFxRate({ familyId: f.familyId, currency: 'GBP', rate: '1.17' }, f.asChild),
        Status.PERMISSION_DENIED,
      );
      await h.client.setFxRate({ familyId: f.familyId, currency: 'GBP', rate: '1.1700' }, f.asParent);
      const rates = await h.client.listFxRates({ familyId: f.familyId }, f.asChild);
      expect(rates.rates.map((r) => [r.currency, r.baseCurrency, r.rate])).to.deep.equal([['GBP', 'EUR', '1.17']]);
      const r = await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 100, currency: 'GBP', description: 'Tea' },
        f.asParent,
      );
      expect(r.expense).to.include({ baseAmountMinor: 117, fxRateSource: FxRateSource.FX_RATE_SOURCE_FAMILY_TABLE });
    });

    it('refuses a child setting an exchange rate or base amount; the family table prices theirs', async () => {
      const f = await household(auth);
      await h.client.setFxRate({ familyId: f.familyId, currency: 'USD', rate: '0.9' }, f.asParent);
      for (const given of [{ fxRate: '0.0001' }, { baseAmountMinor: 50 }]) {
        await expectGrpcError(
          h.client.createExpense(
            { familyId: f.familyId, amountMinor: 500_000, currency: 'USD', description: 'Laptop', ...given },
            f.asChild,
          ),
          Status.PERMISSION_DENIED,
          'PARENT_SETS_EXCHANGE_RATE',
        );
      }
      const own = await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 500_000, currency: 'USD', description: 'Laptop' },
        f.asChild,
      );
      expect(own.expense).to.include({
        baseAmountMinor: 450_000,
        fxRateSource: FxRateSource.FX_RATE_SOURCE_FAMILY_TABLE,
      });
      for (const given of [{ fxRate: '0.0001' }, { baseAmountMinor: 50 }]) {
        await expectGrpcError(
          h.client.updateExpense(
            { familyId: f.familyId, expenseId: own.expense!.id, expectedVersion: 1, ...given },
            f.asChild,
          ),
          Status.PERMISSION_DENIED,
          'PARENT_SETS_EXCHANGE_RATE',
        );
      }
      const fixed = await h.client.updateExpense(
        { familyId: f.familyId, expenseId: own.expense!.id, expectedVersion: 1, fxRate: '0.95' },
        f.asParent,
      );
      expect(fixed.expense).to.include({ baseAmountMinor: 475_000, fxRateSource: FxRateSource.FX_RATE_SOURCE_USER });
    });

    it('refuses control characters and lone surrogates in any text over gRPC, naming the field', async () => {
      const f = await household(auth);
      const failure = await expectGrpcError(
        h.client.createExpense(
          { familyId: f.familyId, amountMinor: 100, description: 'Lunch\u0000', merchant: 'Caf\u0007e', tags: ['ok'] },
          f.asParent,
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(failure.violations.map((v) => v.field).sort()).to.deep.equal(['description', 'merchant']);
      const note = await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 100, description: 'Lunch', note: 'two\nlines\tand a tab' },
        f.asParent,
      );
      expect(note.expense!.note).to.equal('two\nlines\tand a tab');
    });

    it('names every invalid field', async () => {
      const f = await household(auth);
      const failure = await expectGrpcError(
        h.client.createExpense(
          {
            familyId: f.familyId,
            amountMinor: -5,
            currency: 'EURO',
            description: '',
            tags: ['x'.repeat(41)],
            categoryId: '00000000-0000-7000-8000-000000000000',
          },
          f.asParent,
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(failure.violations.map((v) => v.field)).to.deep.equal([
        'amountMinor',
        'currency',
        'description',
        'tags.0',
        'categoryId',
      ]);
      const date = await expectGrpcError(
        h.client.createExpense(
          { familyId: f.familyId, amountMinor: 5, description: 'x', occurredOn: { year: 2023, month: 2, day: 29 } },
          f.asParent,
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(date.violations.map((v) => v.field)).to.deep.equal(['occurredOn']);
      const member = await expectGrpcError(
        h.client.createExpense({ familyId: f.familyId, memberId: 'abc', amountMinor: 5, description: 'x' }, f.asParent),
        Status.INVALID_ARGUMENT,
      );
      expect(member.violations.map((v) => v.field)).to.deep.equal(['memberId']);
    });

    it('splits one expense across categories whose parts add up exactly', async () => {
      const f = await household(auth);
      const [groceries, household_] = [await categoryId(f, 'Supermarket'), await categoryId(f, 'Household supplies')];
      const r = await h.client.createExpense(
        {
          familyId: f.familyId,
          amountMinor: 1000,
          currency: 'USD',
          fxRate: '0.333',
          description: 'Big shop',
          splits: [
            { categoryId: groceries, amountMinor: 500 },
            { categoryId: household_, amountMinor: 500 },
          ],
        },
        f.asParent,
      );
      expect(r.expense!.categoryId).to.equal('');
      expect(r.expense!.baseAmountMinor).to.equal(333);
      expect(r.expense!.splits).to.deep.equal([
        { categoryId: groceries, amountMinor: 500 },
        { categoryId: household_, amountMinor: 500 },
      ]);
      const bad = await expectGrpcError(
        h.client.createExpense(
          {
            familyId: f.familyId,
            amountMinor: 1000,
            description: 'Big shop',
            splits: [
              { categoryId: groceries, amountMinor: 400 },
              { categoryId: household_, amountMinor: 500 },
            ],
          },
          f.asParent,
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(bad.violations.map((v) => v.field)).to.deep.equal(['splits']);
    });

    it('lets a parent record for a child, and a child only for themselves', async () => {
      const f = await household(auth);
      const forChild = await h.client.createExpense(
        { familyId: f.familyId, memberId: f.child.memberId, amountMinor: 300, description: 'Comic' },
        f.asParent,
      );
      expect(forChild.expense!.memberId).to.equal(f.child.memberId);
      const own = await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 200, description: 'Candy' },
        f.asChild,
      );
      expect(own.expense!.memberId).to.equal(f.child.memberId);
      await expectGrpcError(
        h.client.createExpense(
          { familyId: f.familyId, memberId: f.parent.memberId, amountMinor: 200, description: 'x' },
          f.asChild,
        ),
        Status.PERMISSION_DENIED,
        'OWN_ONLY',
      );
      // A member of another family is as if they did not exist.
      const other = await household(auth);
      await expectGrpcError(
        h.client.createExpense(
          { familyId: f.familyId, memberId: other.child.memberId, amountMinor: 200, description: 'x' },
          f.asParent,
        ),
        Status.NOT_FOUND,
      );
    });

    it("answers NOT_FOUND for another family's expenses and a sibling's expense seen by a child", async () => {
      const a = await household(auth);
      const b = await household(auth);
      const mine = await h.client.createExpense(
        { familyId: a.familyId, amountMinor: 100, description: 'Mine' },
        a.asParent,
      );
      await expectGrpcError(
        h.client.createExpense({ familyId: a.familyId, amountMinor: 100, description: 'x' }, b.asParent),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.getExpense({ familyId: b.familyId, expenseId: mine.expense!.id }, b.asParent),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.getExpense({ familyId: a.familyId, expenseId: mine.expense!.id }, b.asParent),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.getExpense({ familyId: a.familyId, expenseId: mine.expense!.id }, a.asChild),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.updateExpense({ familyId: a.familyId, expenseId: mine.expense!.id, note: 'x' }, a.asChild),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.deleteExpense({ familyId: a.familyId, expenseId: mine.expense!.id }, a.asChild),
        Status.NOT_FOUND,
      );
      const badId = await expectGrpcError(
        h.client.getExpense({ familyId: a.familyId, expenseId: '42' }, a.asParent),
        Status.INVALID_ARGUMENT,
      );
      expect(badId.violations.map((v) => v.field)).to.deep.equal(['expenseId']);
    });

    it('refuses a call without a token', async () => {
      const f = await household(auth);
      await expectGrpcError(h.client.listExpenses({ familyId: f.familyId }), Status.UNAUTHENTICATED);
    });
  });

  describe('changing', () => {
    it('updates with the current version and refuses a stale one with VERSION_MISMATCH', async () => {
      const f = await household(auth);
      const e = (await h.client.createExpense({ familyId: f.familyId, amountMinor: 100, description: 'x' }, f.asParent))
        .expense!;
      const u = await h.client.updateExpense(
        {
          familyId: f.familyId,
          expenseId: e.id,
          expectedVersion: 1,
          amountMinor: 150,
          tags: { tags: ['a'] },
          note: 'n',
        },
        f.asParent,
      );
      expect(u.expense).to.include({ amountMinor: 150, baseAmountMinor: 150, version: 2, note: 'n' });
      expect(u.expense!.tags).to.deep.equal(['a']);
      const failure = await expectGrpcError(
        h.client.updateExpense({ familyId: f.familyId, expenseId: e.id, expectedVersion: 1, note: 'late' }, f.asParent),
        Status.FAILED_PRECONDITION,
        'VERSION_MISMATCH',
      );
      expect(failure.metadata.currentVersion).to.equal('2');
    });

    it('lets exactly one of two concurrent updates with the same version win', async () => {
      const f = await household(auth);
      const e = (await h.client.createExpense({ familyId: f.familyId, amountMinor: 100, description: 'x' }, f.asParent))
        .expense!;
      const results = await Promise.allSettled(
        [1, 2].map((n) =>
          h.client.updateExpense(
            { familyId: f.familyId, expenseId: e.id, expectedVersion: 1, amountMinor: 100 + n },
            f.asParent,
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      await expectGrpcError(Promise.reject(rejected.reason), Status.FAILED_PRECONDITION, 'VERSION_MISMATCH');
      const now = await h.client.getExpense({ familyId: f.familyId, expenseId: e.id }, f.asParent);
      expect(now.expense!.version).to.equal(2);
    });

    it('replaces splits with a category, and only lets parents clear a flag', async () => {
      const f = await household(auth);
      const [a, b] = [await categoryId(f, 'Cafes'), await categoryId(f, 'Restaurants')];
      const e = (
        await h.client.createExpense(
          {
            familyId: f.familyId,
            amountMinor: 900,
            description: 'Lunch',
            splits: [
              { categoryId: a, amountMinor: 300 },
              { categoryId: b, amountMinor: 600 },
            ],
          },
          f.asParent,
        )
      ).expense!;
      const u = await h.client.updateExpense({ familyId: f.familyId, expenseId: e.id, categoryId: b }, f.asParent);
      expect(u.expense).to.include({ categoryId: b });
      expect(u.expense!.splits).to.deep.equal([]);
      const c = (await h.client.createExpense({ familyId: f.familyId, amountMinor: 1, description: 'c' }, f.asChild))
        .expense!;
      await expectGrpcError(
        h.client.updateExpense({ familyId: f.familyId, expenseId: c.id, flagged: true }, f.asChild),
        Status.PERMISSION_DENIED,
      );
      const flagged = await h.client.updateExpense(
        { familyId: f.familyId, expenseId: c.id, flagged: true },
        f.asParent,
      );
      expect(flagged.expense!.flagged).to.equal(true);
    });

    it('deletes with a version check', async () => {
      const f = await household(auth);
      const e = (await h.client.createExpense({ familyId: f.familyId, amountMinor: 100, description: 'x' }, f.asChild))
        .expense!;
      await expectGrpcError(
        h.client.deleteExpense({ familyId: f.familyId, expenseId: e.id, expectedVersion: 7 }, f.asChild),
        Status.FAILED_PRECONDITION,
        'VERSION_MISMATCH',
      );
      await h.client.deleteExpense({ familyId: f.familyId, expenseId: e.id, expectedVersion: 1 }, f.asChild);
      await expectGrpcError(
        h.client.getExpense({ familyId: f.familyId, expenseId: e.id }, f.asParent),
        Status.NOT_FOUND,
      );
    });
  });

  describe('listing', () => {
    let f: Household;
    before(async () => {
      f = await household(auth);
      const cafes = await categoryId(f, 'Cafes');
      const restaurants = await categoryId(f, 'Restaurants');
      const rows = [
        {
          memberId: f.parent.memberId,
          on: '2024-03-01',
          description: 'Flat white',
          merchant: 'Blue Bottle',
          categoryId: cafes,
          tags: ['work'],
        },
        {
          memberId: f.parent.memberId,
          on: '2024-03-02',
          description: 'Dinner',
          merchant: "McDonald's",
          categoryId: restaurants,
          tags: [],
        },
        {
          memberId: f.child.memberId,
          on: '2024-03-02',
          description: 'Ice cream',
          merchant: 'Gelato Shop',
          categoryId: '',
          tags: ['treat'],
        },
        {
          memberId: f.child.memberId,
          on: '2024-03-05',
          description: 'Bus ticket',
          merchant: 'BVG',
          categoryId: '',
          tags: [],
        },
      ];
      for (const r of rows) {
        await h.client.createExpense(
          {
            familyId: f.familyId,
            memberId: r.memberId,
            amountMinor: 100,
            description: r.description,
            merchant: r.merchant,
            categoryId: r.categoryId,
            tags: r.tags,
            occurredOn: d(r.on),
          },
          f.asParent,
        );
      }
    });

    const list = (req: Record<string, unknown>, as: 'asParent' | 'asChild' = 'asParent') =>
      h.client.listExpenses({ familyId: f.familyId, ...req }, f[as]).then((r) => r.expenses.map((e) => e.description));

    it('lists newest first and pages with a stable cursor', async () => {
      const names = await list({});
      expect([names[0], names[3]]).to.deep.equal(['Bus ticket', 'Flat white']);
      const all = await h.client.listExpenses({ familyId: f.familyId }, f.asParent);
      const days = all.expenses.map((e) => day(e.occurredOn));
      expect(days).to.deep.equal(['2024-03-05', '2024-03-02', '2024-03-02', '2024-03-01']);
      const seen: string[] = [];
      let cursor = '';
      do {
        const page = await h.client.listExpenses({ familyId: f.familyId, page: { limit: 1, cursor } }, f.asParent);
        seen.push(...page.expenses.map((e) => e.id));
        cursor = page.page!.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal(all.expenses.map((e) => e.id));
      await expectGrpcError(
        h.client.listExpenses({ familyId: f.familyId, page: { cursor: 'garbage' } }, f.asParent),
        Status.INVALID_ARGUMENT,
      );
    });

    it('filters by member, category with subcategories, tag, dates, source and text', async () => {
      expect(await list({ memberId: f.child.memberId })).to.have.members(['Ice cream', 'Bus ticket']);
      const dining = await categoryId(f, 'Dining');
      expect(await list({ categoryId: dining })).to.have.members(['Flat white', 'Dinner']);
      expect(await list({ tag: 'Treat' })).to.deep.equal(['Ice cream']);
      expect(await list({ from: d('2024-03-02'), to: d('2024-03-02') })).to.have.members(['Dinner', 'Ice cream']);
      expect(await list({ source: ExpenseSource.EXPENSE_SOURCE_MANUAL })).to.have.length(4);
      expect(await list({ source: ExpenseSource.EXPENSE_SOURCE_BANK })).to.have.length(0);
      expect(await list({ q: 'gelato' })).to.deep.equal(['Ice cream']);
      expect(await list({ q: 'mcdon' })).to.deep.equal(['Dinner']);
      expect(await list({ q: 'FLAT whi' })).to.deep.equal(['Flat white']);
      expect(await list({ uncategorizedOnly: true })).to.have.members(['Ice cream', 'Bus ticket']);
      // Paging a search one row at a time walks the same matches as one big page.
      const all = await list({ q: 'b' });
      const paged: string[] = [];
      let cursor = '';
      do {
        const page = await h.client.listExpenses(
          { familyId: f.familyId, q: 'b', page: { limit: 1, cursor } },
          f.asParent,
        );
        paged.push(...page.expenses.map((e) => e.description));
        cursor = page.page!.nextCursor;
      } while (cursor);
      expect(all).to.deep.equal(['Bus ticket', 'Flat white']);
      expect(paged).to.deep.equal(all);
    });

    it("scopes a child's list to their own expenses and refuses another member's", async () => {
      expect(await list({}, 'asChild')).to.have.members(['Ice cream', 'Bus ticket']);
      expect(await list({ memberId: f.child.memberId }, 'asChild')).to.have.members(['Ice cream', 'Bus ticket']);
      await expectGrpcError(
        h.client.listExpenses({ familyId: f.familyId, memberId: f.parent.memberId }, f.asChild),
        Status.PERMISSION_DENIED,
        'OWN_ONLY',
      );
    });
  });
});
