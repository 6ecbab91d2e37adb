import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError, waitFor } from '@family/testing';
import { BudgetPeriod, SpendingLimitPeriod } from '@family/contracts/expense/v1/expense';
import {
  d,
  day,
  household,
  serviceToken,
  startSubscriber,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

describe('ExpenseService budgets and spending limits', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
  before(async () => {
    subscriber = await startSubscriber();
    auth = await startTestAuth();
    h = await startTestExpense(auth, {
      EVENT_SUBSCRIBERS: `notification=${subscriber.address}`,
      OUTBOX_POLL_MS: '50',
    });
  });
  after(async () => {
    await h.stop();
    await auth.stop();
    await subscriber.stop();
  });
  afterEach(() => h.clock.reset());

  const cat = async (f: Household, name: string) =>
    (await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)).categories.find(
      (c) => c.name === name,
    )!.id;
  const spend = (f: Household, amountMinor: number, categoryId: string, on = '2024-06-15', as = f.asParent) =>
    h.client.createExpense(
      { familyId: f.familyId, amountMinor, categoryId, description: 'Spend', occurredOn: d(on) },
      as,
    );

  describe('budgets', () => {
    it('reports spent, remaining, percent and a projection for the period, counting subcategories and splits', async () => {
      h.clock.set('2024-06-15T10:00:00Z');
      const f = await household(auth);
      const [dining, cafes, fuel] = [await cat(f, 'Dining'), await cat(f, 'Cafes'), await cat(f, 'Fuel')];
      const b = await h.client.createBudget(
        {
          familyId: f.familyId,
          name: 'Eating out',
          categoryId: dining,
          period: BudgetPeriod.BUDGET_PERIOD_MONTH,
          amountMinor: 10000,
        },
        f.asParent,
      );
      expect(b.budget!.thresholds).to.deep.equal([80, 100]);
      await spend(f, 2000, cafes);
      await spend(f, 9999, fuel);
      await spend(f, 1000, cafes, '2024-05-31');
      await h.client.createExpense(
        {
          familyId: f.familyId,
          amountMinor: 1500,
          description: 'Mixed',
          occurredOn: d('2024-06-10'),
          splits: [
            { categoryId: cafes, amountMinor: 1000 },
            { categoryId: fuel, amountMinor: 500 },
          ],
        },
        f.asParent,
      );
      const got = await h.client.getBudget({ familyId: f.familyId, budgetId: b.budget!.id }, f.asParent);
      expect(got.budget!.status).to.deep.include({
        spentMinor: 3000,
        remainingMinor: 7000,
        percent: 30,
        projectedMinor: 6000,
      });
      expect([day(got.budget!.status!.periodStart), day(got.budget!.status!.periodEnd)]).to.deep.equal([
        '2024-06-01',
        '2024-06-30',
      ]);
      const may = await h.client.getBudget(
        { familyId: f.familyId, budgetId: b.budget!.id, on: d('2024-05-02') },
        f.asParent,
      );
      expect(may.budget!.status!.spentMinor).to.equal(1000);
    });

    it('emits budget.threshold_crossed once per budget, period and threshold', async () => {
      h.clock.set('2024-06-15T10:00:00Z');
      const f = await household(auth);
      const groceries = await cat(f, 'Groceries');
      const b = await h.client.createBudget(
        {
          familyId: f.familyId,
          name: 'Food',
          categoryId: groceries,
          period: BudgetPeriod.BUDGET_PERIOD_WEEK,
          amountMinor: 10000,
        },
        f.asParent,
      );
      await spend(f, 7000, groceries);
      await Promise.all([spend(f, 1000, groceries), spend(f, 500, groceries)]);
      await spend(f, 200, groceries);
      await spend(f, 1400, groceries);
      await spend(f, 1000, groceries);
      await spend(f, 3000, groceries, '2024-06-01'); // an earlier week
      const crossed = await waitFor(
        () => {
          const list = subscriber.ofType(f.familyId, 'budget.threshold_crossed');
          return list.length >= 2 ? list : undefined;
        },
        { what: 'two threshold events' },
      );
      await new Promise((r) => setTimeout(r, 300));
      const payloads = subscriber
        .ofType(f.familyId, 'budget.threshold_crossed')
        .map((e) => (e.payload?.$case === 'budgetThresholdCrossed' ? e.payload.value : undefined));
      expect(crossed.length).to.equal(2);
      expect(payloads.map((p) => [p!.budgetId, p!.thresholdPercent, day(p!.periodStart), p!.currency])).to.deep.equal([
        [b.budget!.id, 80, '2024-06-10', 'EUR'],
        [b.budget!.id, 100, '2024-06-10', 'EUR'],
      ]);
      expect(payloads[1]!.spentMinor).to.equal(10100);
    });

    it('carries the previous period over when rollover is on', async () => {
      h.clock.set('2024-05-20T10:00:00Z');
      const f = await household(auth);
      const b = await h.client.createBudget(
        {
          familyId: f.familyId,
          name: 'All',
          period: BudgetPeriod.BUDGET_PERIOD_MONTH,
          amountMinor: 10000,
          rollover: true,
          thresholds: [50],
        },
        f.asParent,
      );
      await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 3000, description: 'May', occurredOn: d('2024-05-20') },
        f.asParent,
      );
      h.clock.set('2024-06-02T10:00:00Z');
      await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 1000, description: 'June', occurredOn: d('2024-06-02') },
        f.asParent,
      );
      const got = await h.client.getBudget({ familyId: f.familyId, budgetId: b.budget!.id }, f.asParent);
      expect(got.budget!.status).to.deep.include({
        spentMinor: 1000,
        rolloverMinor: 7000,
        remainingMinor: 16000,
        percent: 5,
      });
    });

    it('lets parents manage budgets, shows a child only their own, and hides other families', async () => {
      const f = await household(auth);
      const other = await household(auth);
      const bad = await expectGrpcError(
        h.client.createBudget({ familyId: f.familyId, name: '', amountMinor: 0, thresholds: [0, 80] }, f.asParent),
        Status.INVALID_ARGUMENT,
      );
      expect(bad.violations.map((v) => v.field)).to.deep.equal(['name', 'amountMinor', 'period', 'thresholds.0']);
      await expectGrpcError(
        h.client.createBudget(
          { familyId: f.familyId, name: 'x', amountMinor: 1, period: BudgetPeriod.BUDGET_PERIOD_WEEK },
          f.asChild,
        ),
        Status.PERMISSION_DENIED,
      );
      const family = await h.client.createBudget(
        { familyId: f.familyId, name: 'Family', amountMinor: 100, period: BudgetPeriod.BUDGET_PERIOD_WEEK },
        f.asParent,
      );
      const kid = await h.client.createBudget(
        {
          familyId: f.familyId,
          name: 'Kid',
          memberId: f.child.memberId,
          amountMinor: 100,
          period: BudgetPeriod.BUDGET_PERIOD_WEEK,
        },
        f.asParent,
      );
      const seen = await h.client.listBudgets({ familyId: f.familyId }, f.asChild);
      expect(seen.budgets.map((b) => b.id)).to.deep.equal([kid.budget!.id]);
      await expectGrpcError(
        h.client.getBudget({ familyId: f.familyId, budgetId: family.budget!.id }, f.asChild),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.getBudget({ familyId: other.familyId, budgetId: family.budget!.id }, other.asParent),
        Status.NOT_FOUND,
      );
      const u = await h.client.updateBudget(
        {
          familyId: f.familyId,
          budgetId: family.budget!.id,
          expectedVersion: 1,
          amountMinor: 200,
          thresholds: { thresholds: [50] },
        },
        f.asParent,
      );
      expect(u.budget).to.include({ amountMinor: 200, version: 2 });
      expect(u.budget!.thresholds).to.deep.equal([50]);
      await expectGrpcError(
        h.client.deleteBudget({ familyId: f.familyId, budgetId: family.budget!.id, expectedVersion: 1 }, f.asParent),
        Status.FAILED_PRECONDITION,
        'VERSION_MISMATCH',
      );
      await h.client.deleteBudget({ familyId: f.familyId, budgetId: family.budget!.id }, f.asParent);
    });
    it('lets a service with expense:read list every budget of a family with its status, and write nothing', async () => {
      h.clock.set('2024-06-15T10:00:00Z');
      const f = await household(auth);
      const family = await h.client.createBudget(
        { familyId: f.familyId, name: 'Family', amountMinor: 1000, period: BudgetPeriod.BUDGET_PERIOD_MONTH },
        f.asParent,
      );
      const kid = await h.client.createBudget(
        {
          familyId: f.familyId,
          name: 'Kid',
          memberId: f.child.memberId,
          amountMinor: 1000,
          period: BudgetPeriod.BUDGET_PERIOD_MONTH,
        },
        f.asParent,
      );
      await spend(f, 1200, await cat(f, 'Toys'), '2024-06-14', f.asChild);
      const asDigest = await serviceToken(auth, 'notification', ['expense:read']);
      const seen = await h.client.listBudgets({ familyId: f.familyId }, asDigest);
      expect(seen.budgets.map((b) => [b.id, b.status!.spentMinor, b.status!.percent])).to.have.deep.members([
        [family.budget!.id, 1200, 120],
        [kid.budget!.id, 1200, 120],
      ]);
      const kids = await h.client.listBudgets({ familyId: f.familyId, memberId: f.child.memberId }, asDigest);
      expect(kids.budgets.map((b) => b.id)).to.deep.equal([kid.budget!.id]);
      const other = await h.client.listBudgets({ familyId: (await household(auth)).familyId }, asDigest);
      expect(other.budgets).to.deep.equal([]);
      await expectGrpcError(
        h.client.listBudgets({ familyId: '00000000-0000-4000-8000-000000000000' }, asDigest),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.listBudgets({ familyId: f.familyId }, await serviceToken(auth, 'goals', ['events:write'])),
        Status.PERMISSION_DENIED,
        'SCOPE_REQUIRED',
      );
      await expectGrpcError(
        h.client.createBudget(
          { familyId: f.familyId, name: 'x', amountMinor: 1, period: BudgetPeriod.BUDGET_PERIOD_WEEK },
          asDigest,
        ),
        Status.PERMISSION_DENIED,
        'USER_TOKEN_REQUIRED',
      );
      await expectGrpcError(spend(f, 100, await cat(f, 'Toys'), '2024-06-14', asDigest), Status.PERMISSION_DENIED);
      await expectGrpcError(
        h.client.getBudget({ familyId: f.familyId, budgetId: family.budget!.id }, asDigest),
        Status.PERMISSION_DENIED,
        'USER_TOKEN_REQUIRED',
      );
    });
  });

  describe('spending limits', () => {
    it("flags a child's expense over a limit or in a blocked category, still records it, and emits spending_limit.exceeded", async () => {
      const f = await household(auth);
      const [toys, games] = [await cat(f, 'Toys'), await cat(f, 'Games')];
      const entertainment = await cat(f, 'Entertainment');
      const put = await h.client.putSpendingLimits(
        {
          familyId: f.familyId,
          memberId: f.child.memberId,
          limits: [
            { period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_DAY, amountMinor: 1000 },
            { period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_MONTH, amountMinor: 5000 },
          ],
          blockedCategoryIds: [entertainment],
        },
        f.asParent,
      );
      expect(put.spendingLimits).to.include({ version: 1, currency: 'EUR' });
      const a = (await spend(f, 600, toys, '2024-06-15', f.asChild)).expense!;
      const b = (await spend(f, 500, toys, '2024-06-15', f.asChild)).expense!;
      const c = (await spend(f, 100, games, '2024-06-16', f.asChild)).expense!;
      expect([a.flagged, b.flagged, c.flagged]).to.deep.equal([false, true, true]);
      expect(b.flagReason).to.equal('DAY_LIMIT');
      expect(c.flagReason).to.equal('BLOCKED_CATEGORY');
      const events = await waitFor(
        () => {
          const list = subscriber.ofType(f.familyId, 'spending_limit.exceeded');
          return list.length >= 2 ? list : undefined;
        },
        { what: 'limit events' },
      );
      const payloads = events.map((e) => (e.payload?.$case === 'spendingLimitExceeded' ? e.payload.value : undefined)!);
      expect(payloads.map((p) => [p.expenseId, p.period, p.limitMinor, p.spentMinor])).to.deep.equal([
        [b.id, 'DAY', 1000, 1100],
        [c.id, 'BLOCKED_CATEGORY', 0, 100],
      ]);
      const flagged = await h.client.listExpenses({ familyId: f.familyId, flaggedOnly: true }, f.asParent);
      expect(flagged.expenses.map((e) => e.id)).to.have.members([b.id, c.id]);
    });

    it("lists the family's limits in one call for a parent or a service with expense:read", async () => {
      const f = await household(auth);
      const week = { period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_WEEK, amountMinor: 2500 };
      await h.client.putSpendingLimits(
        { familyId: f.familyId, memberId: f.child.memberId, limits: [week] },
        f.asParent,
      );
      const asReader = await serviceToken(auth, 'notification', ['expense:read']);
      for (const as of [f.asParent, asReader]) {
        const listed = await h.client.listSpendingLimits({ familyId: f.familyId }, as);
        expect(listed.spendingLimits.map((l) => [l.memberId, l.currency, l.limits, l.version])).to.deep.equal([
          [f.child.memberId, 'EUR', [week], 1],
        ]);
        expect(listed.spendingLimits[0]!.updatedAt).to.be.instanceOf(Date);
      }
      // A member whose limits were all removed has none to list.
      await h.client.putSpendingLimits({ familyId: f.familyId, memberId: f.child.memberId, limits: [] }, f.asParent);
      expect((await h.client.listSpendingLimits({ familyId: f.familyId }, asReader)).spendingLimits).to.deep.equal([]);
      await expectGrpcError(
        h.client.listSpendingLimits({ familyId: f.familyId }, f.asChild),
        Status.PERMISSION_DENIED,
        'ROLE_REQUIRED',
      );
      await expectGrpcError(
        h.client.listSpendingLimits({ familyId: f.familyId }, (await household(auth)).asParent),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.listSpendingLimits({ familyId: f.familyId }, await serviceToken(auth, 'goals', ['events:write'])),
        Status.PERMISSION_DENIED,
        'SCOPE_REQUIRED',
      );
    });

    it('lets a child read only their own limits, and only parents set them, for children only', async () => {
      const f = await household(auth);
      const own = await h.client.getSpendingLimits({ familyId: f.familyId, memberId: f.child.memberId }, f.asChild);
      expect(own.spendingLimits).to.include({ memberId: f.child.memberId, version: 0 });
      await expectGrpcError(
        h.client.getSpendingLimits({ familyId: f.familyId, memberId: f.parent.memberId }, f.asChild),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.putSpendingLimits({ familyId: f.familyId, memberId: f.child.memberId, limits: [] }, f.asChild),
        Status.PERMISSION_DENIED,
      );
      const parent = await expectGrpcError(
        h.client.putSpendingLimits({ familyId: f.familyId, memberId: f.parent.memberId, limits: [] }, f.asParent),
        Status.INVALID_ARGUMENT,
      );
      expect(parent.violations.map((v) => v.field)).to.deep.equal(['memberId']);
      const bad = await expectGrpcError(
        h.client.putSpendingLimits(
          {
            familyId: f.familyId,
            memberId: f.child.memberId,
            limits: [
              { period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_DAY, amountMinor: 0 },
              { period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_DAY, amountMinor: 5 },
            ],
            blockedCategoryIds: ['nope'],
          },
          f.asParent,
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(bad.violations.map((v) => v.field)).to.deep.equal([
        'limits.0.amountMinor',
        'limits.1.period',
        'blockedCategoryIds.0',
      ]);
      const other = await household(auth);
      await expectGrpcError(
        h.client.getSpendingLimits({ familyId: f.familyId, memberId: f.child.memberId }, other.asParent),
        Status.NOT_FOUND,
      );
      // A member of another family, named in this family's path, does not exist here.
      await expectGrpcError(
        h.client.getSpendingLimits({ familyId: other.familyId, memberId: f.child.memberId }, other.asParent),
        Status.NOT_FOUND,
      );
      await expectGrpcError(
        h.client.putSpendingLimits(
          { familyId: other.familyId, memberId: f.child.memberId, limits: [] },
          other.asParent,
        ),
        Status.NOT_FOUND,
      );
      await h.client.putSpendingLimits({ familyId: f.familyId, memberId: f.child.memberId, limits: [] }, f.asParent);
      await expectGrpcError(
        h.client.putSpendingLimits(
          { familyId: f.familyId, memberId: f.child.memberId, limits: [], expectedVersion: 5 },
          f.asParent,
        ),
        Status.FAILED_PRECONDITION,
        'VERSION_MISMATCH',
      );
    });
  });
});
