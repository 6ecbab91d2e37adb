// Issue 3 at REST level: everything a parent and a child can do with expenses, in the order a family
// would, through the BFF only (what `curl` against the local system does), with the recurring
// scheduler running.
import { expect } from 'chai';
import type request from 'supertest';
import { waitFor } from '@family/testing';
import { expectProblem, startTestStack, type TestStack } from './bff.harness.js';
import { allExpenses, bearer, category, household, type ExpenseBody } from './expense.fixtures.js';

function dayInBerlin(offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );
}

describe('BFF expenses end to end: a parent and a child do every item of issue 3 over REST', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack({ expenseEnv: { SCHEDULER_INTERVAL_MS: '200' } });
  });
  after(async () => {
    await stack?.stop();
  });

  it('records, lists, categorizes, schedules, budgets, limits, reports and moves CSV files', async () => {
    const bff = stack.bff;
    const home = await household(bff, 'The Curls');
    const { base } = home;
    const parent = (req: request.Test) => req.auth(home.owner.accessToken, bearer);
    const child = (req: request.Test) => req.auth(home.child.accessToken, bearer);
    const today = dayInBerlin();

    // 3. Categories: the default two-level set, plus a custom one (parents only).
    const groceries = await category(bff, home, 'Groceries');
    const supermarket = await category(bff, home, 'Supermarket', 'Groceries');
    const toys = await category(bff, home, 'Toys', 'Kids');
    const pets = await parent(bff.http().post(`${base}/categories`)).send({ name: 'Pets' });
    expect(pets.status).to.equal(201);
    expectProblem(await child(bff.http().post(`${base}/categories`)).send({ name: 'Mine' }), 403);

    // 5. A categorization rule, written by a parent.
    const rule = await parent(bff.http().post(`${base}/categorization-rules`)).send({
      pattern: 'rewe',
      matchField: 'MERCHANT',
      categoryId: supermarket.id,
      addTags: ['food'],
    });
    expect(rule.status, JSON.stringify(rule.body)).to.equal(201);

    // 1. Expenses: by hand, in another currency, split, and edited with If-Match.
    const shop = await parent(bff.http().post(`${base}/expenses`)).send({
      amountMinor: 4200,
      description: 'Weekly shop',
      merchant: 'REWE City',
    });
    expect(shop.status).to.equal(201);
    expect(shop.body).to.include({ categoryId: supermarket.id, source: 'MANUAL', currency: 'EUR', occurredOn: today });
    expect(shop.body.tags).to.include('food');
    const abroad = await parent(bff.http().post(`${base}/expenses`)).send({
      amountMinor: 1000,
      currency: 'USD',
      fxRate: '0.92',
      description: 'Souvenir',
    });
    expect(abroad.body).to.include({ currency: 'USD', amountMinor: 1000, baseAmountMinor: 920 });
    const split = await parent(bff.http().post(`${base}/expenses`)).send({
      amountMinor: 5000,
      description: 'Department store',
      splits: [
        { categoryId: supermarket.id, amountMinor: 1500 },
        { categoryId: toys.id, amountMinor: 3500 },
      ],
    });
    expect(split.status).to.equal(201);
    const edited = await parent(bff.http().patch(`${base}/expenses/${shop.body.id}`))
      .set('If-Match', shop.headers.etag!)
      .send({ note: 'with the kids' });
    expect(edited.status).to.equal(200);
    expectProblem(
      await parent(bff.http().patch(`${base}/expenses/${shop.body.id}`))
        .set('If-Match', shop.headers.etag!)
        .send({ note: 'x' }),
      412,
    );

    // 7. Limits for the child, then the child spends: one within, one over (recorded, flagged).
    const limits = await parent(bff.http().put(`${base}/members/${home.child.memberId}/spending-limits`)).send({
      limits: [{ period: 'DAY', amountMinor: 1000 }],
      blockedCategoryIds: [],
    });
    expect(limits.status).to.equal(200);
    expect(
      (await child(bff.http().get(`${base}/members/${home.child.memberId}/spending-limits`))).body.limits,
    ).to.deep.equal([{ period: 'DAY', amountMinor: 1000 }]);
    const sweets = await child(bff.http().post(`${base}/expenses`)).send({ amountMinor: 400, description: 'Sweets' });
    expect(sweets.body).to.include({ memberId: home.child.memberId, flagged: false });
    const game = await child(bff.http().post(`${base}/expenses`)).send({ amountMinor: 900, description: 'Video game' });
    expect(game.status).to.equal(201);
    expect(game.body.flagged).to.equal(true);
    expectProblem(
      await child(bff.http().post(`${base}/expenses`)).send({
        amountMinor: 1,
        description: 'x',
        memberId: home.owner.memberId,
      }),
      403,
    );

    // 4. A daily recurring expense from today: the scheduler records today's occurrence, once.
    const allowance = await child(bff.http().post(`${base}/recurring-expenses`)).send({
      template: { amountMinor: 100, description: 'Comic subscription' },
      frequency: 'DAILY',
      startOn: today,
    });
    expect(allowance.status, JSON.stringify(allowance.body)).to.equal(201);
    const preview = await child(bff.http().get(`${base}/recurring-expenses/${allowance.body.id}/preview`)).query({
      count: '3',
    });
    expect(preview.body.dates).to.have.length(3);
    const materialized = await waitFor(
      async () => {
        const items = await allExpenses(bff, home, home.child.accessToken, { source: 'RECURRING' });
        return items.length > 0 ? items : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: "today's recurring occurrence" },
    );
    // Several scheduler passes later, still exactly one.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await allExpenses(bff, home, home.child.accessToken, { source: 'RECURRING' })).length).to.equal(1);
    expect(materialized.map((e) => e.occurredOn)).to.deep.equal([today]);
    expect(materialized.every((e) => e.memberId === home.child.memberId)).to.equal(true);
    const pause = await child(bff.http().patch(`${base}/recurring-expenses/${allowance.body.id}`))
      .set(
        'If-Match',
        `"${(await child(bff.http().get(`${base}/recurring-expenses/${allowance.body.id}`))).body.version}"`,
      )
      .send({ paused: true });
    expect(pause.status, JSON.stringify(pause.body)).to.equal(200);
    expect(pause.body.paused).to.equal(true);

    // 2. Lists: a parent filters; the child sees only their own.
    const parentsView = await allExpenses(bff, home, home.owner.accessToken, { categoryId: groceries.id });
    expect(parentsView.map((e) => e.description)).to.have.members(['Weekly shop', 'Department store']);
    const childsView = await allExpenses(bff, home, home.child.accessToken);
    expect(childsView.every((e: ExpenseBody) => e.memberId === home.child.memberId)).to.equal(true);
    expect(childsView).to.have.length(3);

    // 6. A budget with its status.
    const budget = await parent(bff.http().post(`${base}/budgets`)).send({
      name: 'Groceries',
      categoryId: groceries.id,
      period: 'MONTH',
      amountMinor: 10000,
    });
    expect(budget.status).to.equal(201);
    expect(budget.body.status).to.include({ spentMinor: 5700, remainingMinor: 4300, percent: 57 });
    expectProblem(
      await child(bff.http().post(`${base}/budgets`)).send({ name: 'Mine', period: 'WEEK', amountMinor: 1 }),
      403,
    );

    // 8. Reports: the parent sees the family, the child only themselves.
    const report = await parent(bff.http().get(`${base}/reports/spending`)).query({
      from: dayInBerlin(-7),
      to: today,
      groupBy: 'member',
    });
    expect(report.status).to.equal(200);
    expect(report.body.totalMinor).to.equal(4200 + 920 + 5000 + 400 + 900 + 100);
    const childReport = await child(bff.http().get(`${base}/reports/spending`)).query({
      from: dayInBerlin(-7),
      to: today,
    });
    expect(childReport.body.totalMinor).to.equal(400 + 900 + 100);

    // 9. CSV: export, and import a file (a second import of it only finds duplicates).
    const csv = await parent(bff.http().get(`${base}/expenses.csv`));
    expect(csv.status).to.equal(200);
    expect(csv.text.split('\r\n').filter(Boolean)).to.have.length(1 + 6);
    const file = 'date,amount,description,merchant\n2025-01-02,3.20,Bus ticket,BVG\n2025-01-03,7.90,Lunch,Canteen\n';
    const post = () =>
      parent(bff.http().post(`${base}/expenses/import`))
        .set('Content-Type', 'text/csv')
        .send(file);
    expect((await post()).body).to.include({ importedCount: 2, duplicatesSkipped: 0 });
    expect((await post()).body).to.include({ importedCount: 0, duplicatesSkipped: 2 });

    // 1 again: a parent deletes an expense.
    expect((await parent(bff.http().delete(`${base}/expenses/${abroad.body.id}`))).status).to.equal(204);
    expectProblem(await parent(bff.http().get(`${base}/expenses/${abroad.body.id}`)), 404);
  });
});
