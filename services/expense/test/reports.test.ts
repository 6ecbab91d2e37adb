import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { SpendingReportGroupBy } from '@family/contracts/expense/v1/expense';
import {
  d,
  day,
  household,
  serviceToken,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';
import { previousPeriodOf } from '../src/app/reports.js';

describe('ExpenseService spending reports', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  let f: Household;
  let ids: Record<string, string>;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
    f = await household(auth);
    const cats = (await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)).categories;
    ids = Object.fromEntries(cats.map((c) => [c.name, c.id]));
    const add = (on: string, amountMinor: number, extra: Record<string, unknown>, as = f.asParent) =>
      h.client.createExpense({ familyId: f.familyId, amountMinor, description: 'x', occurredOn: d(on), ...extra }, as);
    // March (the report) and February (the previous period of the same length).
    await add('2024-03-01', 1000, { categoryId: ids.Cafes, merchant: 'Blue Bottle', tags: ['work'] });
    await add('2024-03-10', 3000, { categoryId: ids.Restaurants, merchant: 'blue bottle' });
    await add('2024-03-20', 500, { categoryId: ids.Toys, merchant: 'Toy Palace' }, f.asChild);
    await add('2024-03-31', 2000, {
      merchant: 'Market',
      splits: [
        { categoryId: ids.Cafes, amountMinor: 500 },
        { categoryId: ids.Fuel, amountMinor: 1500 },
      ],
    });
    await add('2024-03-15', 100, { currency: 'USD', fxRate: '2', tags: ['work', 'travel'] });
    await add('2024-02-10', 700, { categoryId: ids.Cafes, merchant: 'Blue Bottle' });
    await add('2024-04-01', 9999, { categoryId: ids.Cafes });
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });

  const report = (req: Record<string, unknown>, as = f.asParent) =>
    h.client.getSpendingReport({ familyId: f.familyId, from: d('2024-03-01'), to: d('2024-03-31'), ...req }, as);

  it('totals by category in base currency, splits counting toward their own categories, against the previous period', async () => {
    const r = await report({ groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_CATEGORY });
    expect(r.currency).to.equal('EUR');
    expect([day(r.previousFrom), day(r.previousTo)]).to.deep.equal(['2024-02-01', '2024-02-29']);
    expect(r.totalMinor).to.equal(6700);
    expect(r.previousTotalMinor).to.equal(700);
    expect(r.groups.map((g) => [g.label, g.totalMinor, g.previousTotalMinor, g.expenseCount])).to.deep.equal([
      ['Dining > Restaurants', 3000, 0, 1],
      ['Dining > Cafes', 1500, 700, 2],
      ['Transport > Fuel', 1500, 0, 1],
      ['Kids > Toys', 500, 0, 1],
      ['Uncategorized', 200, 0, 1],
    ]);
    expect(r.topMerchants.map((m) => [m.merchant.toLowerCase(), m.totalMinor, m.expenseCount])).to.deep.equal([
      ['blue bottle', 4000, 2],
      ['market', 2000, 1],
      ['toy palace', 500, 1],
    ]);
  });

  it('groups by member, month and tag, and narrows to a category with its subcategories', async () => {
    const members = await report({ groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MEMBER });
    expect(members.groups.map((g) => [g.label, g.totalMinor])).to.deep.equal([
      ['Pat', 6200],
      ['Sam', 500],
    ]);
    const months = await report({ groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MONTH, to: d('2024-04-30') });
    expect(months.groups.map((g) => [g.key, g.totalMinor])).to.deep.equal([
      ['2024-03', 6700],
      ['2024-04', 9999],
    ]);
    const tags = await report({ groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_TAG });
    expect(tags.groups.map((g) => [g.label, g.totalMinor])).to.deep.equal([
      ['Untagged', 5500],
      ['work', 1200],
      ['travel', 200],
    ]);
    const dining = await report({ categoryId: ids.Dining });
    expect(dining.totalMinor).to.equal(4500);
  });

  it('compares whole calendar months with as many whole months before, other ranges with as many days', async () => {
    const cases: [string, string, string, string][] = [
      ['2024-11-01', '2024-11-30', '2024-10-01', '2024-10-31'],
      ['2024-03-01', '2024-03-31', '2024-02-01', '2024-02-29'],
      ['2024-01-01', '2024-03-31', '2023-10-01', '2023-12-31'],
      ['2024-01-01', '2024-12-31', '2023-01-01', '2023-12-31'],
      ['2024-03-01', '2024-04-30', '2024-01-01', '2024-02-29'],
      // Not whole months: the same number of days just before.
      ['2024-03-02', '2024-03-31', '2024-02-01', '2024-03-01'],
      ['2024-03-01', '2024-03-30', '2024-01-31', '2024-02-29'],
      ['2024-03-10', '2024-03-16', '2024-03-03', '2024-03-09'],
    ];
    for (const [from, to, pFrom, pTo] of cases) {
      expect(previousPeriodOf(from, to), `${from}..${to}`).to.deep.equal({ previousFrom: pFrom, previousTo: pTo });
    }
    const nov = await report({ from: d('2023-11-01'), to: d('2023-11-30') });
    expect([day(nov.previousFrom), day(nov.previousTo)]).to.deep.equal(['2023-10-01', '2023-10-31']);
  });

  it("limits a child's report to their own spending and refuses another member's", async () => {
    const r = await report({}, f.asChild);
    expect(r.totalMinor).to.equal(500);
    await expectGrpcError(report({ memberId: f.parent.memberId }, f.asChild), Status.PERMISSION_DENIED, 'OWN_ONLY');
  });

  it('lets a service with expense:read read the whole family’s report without a membership', async () => {
    const asDigest = await serviceToken(auth, 'notification', ['expense:read']);
    const byCategory = { groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_CATEGORY };
    const r = await report(byCategory, asDigest);
    expect(r).to.deep.equal(await report(byCategory));
    expect([r.totalMinor, r.previousTotalMinor]).to.deep.equal([6700, 700]);
    // Auth lists members only to users: a service sees member ids where a parent sees names.
    const members = await report({ groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MEMBER }, asDigest);
    expect(members.groups.map((g) => [g.label, g.totalMinor])).to.deep.equal([
      [f.parent.memberId, 6200],
      [f.child.memberId, 500],
    ]);
    const child = await report({ memberId: f.child.memberId }, asDigest);
    expect(child.totalMinor).to.equal(500);
    await expectGrpcError(report({ familyId: '00000000-0000-4000-8000-000000000000' }, asDigest), Status.NOT_FOUND);
  });

  it('refuses a service token without expense:read', async () => {
    const asGoals = await serviceToken(auth, 'goals', ['events:write']);
    await expectGrpcError(report({}, asGoals), Status.PERMISSION_DENIED, 'SCOPE_REQUIRED');
  });

  it('validates the range and hides other families', async () => {
    const bad = await expectGrpcError(report({ from: d('2024-04-01'), to: d('2024-03-01') }), Status.INVALID_ARGUMENT);
    expect(bad.violations.map((v) => v.field)).to.deep.equal(['to']);
    const other = await household(auth);
    await expectGrpcError(report({}, other.asParent), Status.NOT_FOUND);
  });
});
