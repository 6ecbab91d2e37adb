import { expect } from 'chai';
import {
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  startTestStack,
  type FamilyOwner,
  type TestStack,
} from './bff.harness.js';
import { bearer, category, household, NO_SUCH_ID, recordExpense, type Household } from './expense.fixtures.js';

/** Today in Europe/Berlin (the test families' zone), as YYYY-MM-DD. */
function berlinToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
}

describe('BFF budget, spending-limit and report routes', () => {
  let stack: TestStack;
  let home: Household;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;

  before(async () => {
    stack = await startTestStack();
    home = await household(stack.bff, 'The Planners');
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  describe('budgets', () => {
    const budgets = () => `${home.base}/budgets`;

    it('creates a monthly category budget whose status counts this month’s spending in it and its subcategories', async () => {
      const token = home.owner.accessToken;
      const groceries = await category(bff(), home, 'Groceries');
      const bakery = await category(bff(), home, 'Bakery', 'Groceries');
      const today = berlinToday();
      await recordExpense(bff(), home, token, {
        amountMinor: 2000,
        description: 'Bread',
        categoryId: bakery.id,
        occurredOn: today,
      });
      await recordExpense(bff(), home, token, {
        amountMinor: 5000,
        description: 'Shop',
        categoryId: groceries.id,
        occurredOn: today,
      });
      const created = await bff()
        .http()
        .post(budgets())
        .auth(token, bearer)
        .send({ name: 'Food', categoryId: groceries.id, period: 'MONTH', amountMinor: 20000, thresholds: [50, 90] });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.headers.location).to.equal(`${budgets()}/${created.body.id}`);
      expect(created.headers.etag).to.equal('"1"');
      expect(created.body).to.include({
        name: 'Food',
        categoryId: groceries.id,
        period: 'MONTH',
        amountMinor: 20000,
        currency: 'EUR',
        rollover: false,
        version: 1,
      });
      expect(created.body.thresholds).to.deep.equal([50, 90]);
      expect(created.body).not.to.have.property('memberId');
      const status = created.body.status;
      expect(status).to.include({ spentMinor: 7000, remainingMinor: 13000, percent: 35 });
      expect(status.projectedMinor).to.be.at.least(7000);
      expect(status.periodStart).to.equal(`${today.slice(0, 7)}-01`);
      expect(status.periodEnd.slice(0, 7)).to.equal(today.slice(0, 7));

      const read = await bff().http().get(`${budgets()}/${created.body.id}`).auth(token, bearer);
      expect(read.status).to.equal(200);
      expect(read.headers.etag).to.equal('"1"');
      expect(read.body.status.spentMinor).to.equal(7000);

      // The status of another period, on request.
      const past = await bff()
        .http()
        .get(`${budgets()}/${created.body.id}`)
        .query({ on: '2020-06-15' })
        .auth(token, bearer);
      expect(past.body.status).to.include({ periodStart: '2020-06-01', periodEnd: '2020-06-30', spentMinor: 0 });

      const list = await bff().http().get(budgets()).auth(token, bearer);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((b: { id: string }) => b.id)).to.include(created.body.id);
      expect(list.body.nextCursor).to.equal(null);
    });

    it('changes a budget with If-Match (428 without, 412 when stale) and deletes it', async () => {
      const token = home.owner.accessToken;
      const created = await bff()
        .http()
        .post(budgets())
        .auth(token, bearer)
        .send({ name: 'Weekly fun', period: 'WEEK', amountMinor: 5000, memberId: home.child.memberId });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.thresholds).to.deep.equal([80, 100]);
      const url = `${budgets()}/${created.body.id}`;
      expectProblem(
        await bff().http().patch(url).auth(token, bearer).send({ amountMinor: 6000 }),
        428,
        'PRECONDITION_REQUIRED',
      );
      const changed = await bff()
        .http()
        .patch(url)
        .set('If-Match', '"1"')
        .auth(token, bearer)
        .send({ amountMinor: 6000, rollover: true, memberId: null, thresholds: [100] });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.headers.etag).to.equal('"2"');
      expect(changed.body).to.include({ amountMinor: 6000, rollover: true, version: 2 });
      expect(changed.body).not.to.have.property('memberId');
      expect(changed.body.thresholds).to.deep.equal([100]);
      expectProblem(
        await bff().http().patch(url).set('If-Match', '"1"').auth(token, bearer).send({ amountMinor: 1 }),
        412,
        'VERSION_MISMATCH',
      );
      expect((await bff().http().delete(url).auth(token, bearer)).status).to.equal(204);
      expectProblem(await bff().http().get(url).auth(token, bearer), 404);
    });

    it('shows a child their own budgets only, and refuses them writing budgets with 403', async () => {
      const parent = home.owner.accessToken;
      const own = await bff()
        .http()
        .post(budgets())
        .auth(parent, bearer)
        .send({ name: 'Pocket money', period: 'MONTH', amountMinor: 2000, memberId: home.child.memberId });
      const family = await bff()
        .http()
        .post(budgets())
        .auth(parent, bearer)
        .send({ name: 'All', period: 'YEAR', amountMinor: 1 });
      const token = home.child.accessToken;
      const listed = await bff().http().get(budgets()).auth(token, bearer);
      expect(listed.status).to.equal(200);
      const ids = listed.body.items.map((b: { id: string }) => b.id);
      expect(ids).to.include(own.body.id);
      expect(ids).not.to.include(family.body.id);
      expect((await bff().http().get(`${budgets()}/${own.body.id}`).auth(token, bearer)).status).to.equal(200);
      expectProblem(await bff().http().get(`${budgets()}/${family.body.id}`).auth(token, bearer), 404);

      expectProblem(
        await bff()
          .http()
          .post(budgets())
          .auth(token, bearer)
          .send({ name: 'Mine', period: 'MONTH', amountMinor: 100 }),
        403,
      );
      expectProblem(
        await bff()
          .http()
          .patch(`${budgets()}/${own.body.id}`)
          .set('If-Match', '"1"')
          .auth(token, bearer)
          .send({ amountMinor: 999999 }),
        403,
      );
      expectProblem(await bff().http().delete(`${budgets()}/${own.body.id}`).auth(token, bearer), 403);
    });

    it('answers 404 for another family’s budgets and 401 without a token', async () => {
      const ours = await bff()
        .http()
        .post(budgets())
        .auth(home.owner.accessToken, bearer)
        .send({ name: 'Ours', period: 'MONTH', amountMinor: 100 });
      const token = stranger.accessToken;
      expectProblem(await bff().http().get(budgets()).auth(token, bearer), 404);
      expectProblem(await bff().http().get(`${budgets()}/${ours.body.id}`).auth(token, bearer), 404);
      expectProblem(
        await bff().http().get(`/v1/families/${stranger.familyId}/budgets/${ours.body.id}`).auth(token, bearer),
        404,
      );
      expectProblem(
        await bff()
          .http()
          .patch(`/v1/families/${stranger.familyId}/budgets/${ours.body.id}`)
          .set('If-Match', '"1"')
          .auth(token, bearer)
          .send({ amountMinor: 1 }),
        404,
      );
      for (const r of [
        await bff().http().get(budgets()),
        await bff().http().post(budgets()).send({ name: 'x', period: 'MONTH', amountMinor: 1 }),
        await bff().http().get(`${budgets()}/${ours.body.id}`),
        await bff().http().patch(`${budgets()}/${ours.body.id}`).set('If-Match', '"1"').send({ amountMinor: 1 }),
        await bff().http().delete(`${budgets()}/${ours.body.id}`),
      ]) {
        expectProblem(r, 401);
      }
    });

    it('names the bad field', async () => {
      const token = home.owner.accessToken;
      const ok = { name: 'Ok', period: 'MONTH', amountMinor: 100 };
      const post = (body: object) =>
        bff()
          .http()
          .post(budgets())
          .auth(token, bearer)
          .send({ ...ok, ...body });
      expectInvalidField(await post({ name: '' }), 'name');
      expectInvalidField(await post({ period: 'DAY' }), 'period');
      expectInvalidField(await post({ amountMinor: 10.5 }), 'amountMinor');
      expectInvalidField(await post({ categoryId: 'food' }), 'categoryId');
      expectInvalidField(await post({ memberId: 'kid' }), 'memberId');
      expectInvalidField(await post({ thresholds: [0] }), 'thresholds.0');
      expectInvalidField(await post({ rollover: 'yes' }), 'rollover');
      // The service's own rules.
      expectInvalidField(await post({ amountMinor: 0 }), 'amountMinor');
      expectInvalidField(await post({ categoryId: NO_SUCH_ID }), 'categoryId');
      expectInvalidField(await post({ thresholds: [80, 80] }), 'thresholds');
      expectInvalidField(await bff().http().get(budgets()).query({ on: 'today' }).auth(token, bearer), 'on');
      expectInvalidField(await bff().http().get(`${budgets()}/x`).auth(token, bearer), 'budgetId');
      const created = await post({});
      expectInvalidField(
        await bff().http().patch(`${budgets()}/${created.body.id}`).set('If-Match', '"1"').auth(token, bearer).send({}),
        'body',
      );
    });
  });

  describe('spending limits', () => {
    const limits = (memberId: string) => `${home.base}/members/${memberId}/spending-limits`;

    it('has no limits until a parent sets them; then an expense over one is recorded, flagged', async () => {
      const empty = await bff().http().get(limits(home.child.memberId)).auth(home.owner.accessToken, bearer);
      expect(empty.status, JSON.stringify(empty.body)).to.equal(200);
      expect(empty.body).to.deep.equal({
        memberId: home.child.memberId,
        currency: 'EUR',
        limits: [],
        blockedCategoryIds: [],
        version: 0,
      });
      expect(empty.headers.etag).to.equal('"0"');

      const toys = await category(bff(), home, 'Toys', 'Kids');
      const put = await bff()
        .http()
        .put(limits(home.child.memberId))
        .auth(home.owner.accessToken, bearer)
        .send({
          limits: [
            { period: 'DAY', amountMinor: 1000 },
            { period: 'MONTH', amountMinor: 10000 },
          ],
          blockedCategoryIds: [toys.id],
        });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect(put.headers.etag).to.equal('"1"');
      expect(put.body.limits).to.deep.equal([
        { period: 'DAY', amountMinor: 1000 },
        { period: 'MONTH', amountMinor: 10000 },
      ]);
      expect(put.body.blockedCategoryIds).to.deep.equal([toys.id]);

      // The child reads their own.
      const own = await bff().http().get(limits(home.child.memberId)).auth(home.child.accessToken, bearer);
      expect(own.status).to.equal(200);
      expect(own.body.version).to.equal(1);

      const child = home.child.accessToken;
      const fine = await recordExpense(bff(), home, child, { amountMinor: 400, description: 'Snack' });
      expect(fine.flagged).to.equal(false);
      const over = await recordExpense(bff(), home, child, { amountMinor: 800, description: 'Game' });
      expect(over.flagged).to.equal(true);
      expect(over.flagReason).to.be.a('string');
      const blocked = await recordExpense(bff(), home, child, {
        amountMinor: 1,
        description: 'Tiny toy',
        categoryId: toys.id,
        occurredOn: '2024-01-01',
      });
      expect(blocked.flagged).to.equal(true);
    });

    it('replaces the limits with If-Match when given (stale → 412), and refuses a child setting them with 403', async () => {
      const url = limits(home.child.memberId);
      const current = await bff().http().get(url).auth(home.owner.accessToken, bearer);
      const stale = await bff()
        .http()
        .put(url)
        .set('If-Match', `"${current.body.version + 5}"`)
        .auth(home.owner.accessToken, bearer)
        .send({ limits: [] });
      expectProblem(stale, 412, 'VERSION_MISMATCH');
      const cleared = await bff()
        .http()
        .put(url)
        .set('If-Match', current.headers.etag!)
        .auth(home.owner.accessToken, bearer)
        .send({ limits: [{ period: 'WEEK', amountMinor: 3000 }] });
      expect(cleared.status).to.equal(200);
      expect(cleared.body.limits).to.deep.equal([{ period: 'WEEK', amountMinor: 3000 }]);
      expect(cleared.body.blockedCategoryIds).to.deep.equal([]);

      expectProblem(await bff().http().put(url).auth(home.child.accessToken, bearer).send({ limits: [] }), 403);
      // A child cannot read someone else's limits.
      expectProblem(await bff().http().get(limits(home.owner.memberId)).auth(home.child.accessToken, bearer), 404);
    });

    it('answers 404 for a member of another family, and 401 without a token', async () => {
      expectProblem(await bff().http().get(limits(home.child.memberId)).auth(stranger.accessToken, bearer), 404);
      expectProblem(
        await bff()
          .http()
          .get(`/v1/families/${stranger.familyId}/members/${home.child.memberId}/spending-limits`)
          .auth(stranger.accessToken, bearer),
        404,
      );
      expectProblem(
        await bff()
          .http()
          .put(`/v1/families/${stranger.familyId}/members/${home.child.memberId}/spending-limits`)
          .auth(stranger.accessToken, bearer)
          .send({ limits: [] }),
        404,
      );
      expectProblem(await bff().http().get(limits(home.child.memberId)), 401);
      expectProblem(await bff().http().put(limits(home.child.memberId)).send({ limits: [] }), 401);
    });

    it('names the bad field', async () => {
      const put = (body: object) =>
        bff().http().put(limits(home.child.memberId)).auth(home.owner.accessToken, bearer).send(body);
      expectInvalidField(await put({}), 'limits');
      expectInvalidField(await put({ limits: [{ period: 'YEAR', amountMinor: 1 }] }), 'limits.0.period');
      expectInvalidField(await put({ limits: [{ period: 'DAY', amountMinor: 'lots' }] }), 'limits.0.amountMinor');
      expectInvalidField(await put({ limits: [], blockedCategoryIds: ['toys'] }), 'blockedCategoryIds.0');
      expectInvalidField(
        await bff().http().get(`${home.base}/members/kid/spending-limits`).auth(home.owner.accessToken, bearer),
        'memberId',
      );
      // The service: one limit per period.
      const twice = await put({
        limits: [
          { period: 'DAY', amountMinor: 1 },
          { period: 'DAY', amountMinor: 2 },
        ],
      });
      expectProblem(twice, 400);
    });
  });

  describe('spending report', () => {
    let reported: Household;
    before(async () => {
      reported = await household(bff(), 'The Reporters');
      const supermarket = await category(bff(), reported, 'Supermarket', 'Groceries');
      const cinema = await category(bff(), reported, 'Movies & shows', 'Entertainment');
      const parent = reported.owner.accessToken;
      const spend = (token: string, body: Record<string, unknown>) => recordExpense(bff(), reported, token, body);
      await spend(parent, {
        amountMinor: 3000,
        occurredOn: '2025-01-05',
        description: 'Shop',
        merchant: 'Aldi',
        categoryId: supermarket.id,
        tags: ['food'],
      });
      await spend(parent, {
        amountMinor: 2000,
        occurredOn: '2025-02-05',
        description: 'Shop',
        merchant: 'Aldi',
        categoryId: supermarket.id,
        tags: ['food'],
      });
      await spend(parent, {
        amountMinor: 1500,
        occurredOn: '2025-02-10',
        description: 'Cinema',
        merchant: 'Kino',
        categoryId: cinema.id,
      });
      await spend(reported.child.accessToken, {
        amountMinor: 700,
        occurredOn: '2025-02-11',
        description: 'Popcorn',
        merchant: 'Kino',
        tags: ['fun'],
      });
      // The previous period of Feb 2025.
      await spend(parent, {
        amountMinor: 999,
        occurredOn: '2024-12-20',
        description: 'Earlier',
        merchant: 'Aldi',
        categoryId: supermarket.id,
      });
    });

    const report = (query: Record<string, string>, token = reported.owner.accessToken) =>
      bff().http().get(`${reported.base}/reports/spending`).query(query).auth(token, bearer);

    it('totals by category over a range in the base currency, with the previous period and top merchants', async () => {
      const r = await report({ from: '2025-02-01', to: '2025-02-28', groupBy: 'category' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body).to.include({
        currency: 'EUR',
        from: '2025-02-01',
        to: '2025-02-28',
        groupBy: 'category',
        totalMinor: 4200,
        previousTo: '2025-01-31',
      });
      expect(r.body.previousFrom).to.match(/^2025-01-0[1-4]$/);
      expect(r.body.previousTotalMinor).to.equal(3000);
      const totals = Object.fromEntries(
        r.body.groups.map((g: { label: string; totalMinor: number }) => [g.label, g.totalMinor]),
      );
      expect(Object.values(totals).reduce((a, b) => (a as number) + (b as number), 0)).to.equal(4200);
      expect(r.body.groups[0].totalMinor).to.be.at.least(r.body.groups.at(-1).totalMinor);
      const uncategorized = r.body.groups.find((g: { key: string | null }) => g.key === null);
      expect(uncategorized).to.include({ totalMinor: 700, expenseCount: 1 });
      expect(r.body.topMerchants[0]).to.deep.equal({ merchant: 'Kino', totalMinor: 2200, expenseCount: 2 });
    });

    it('groups by member, month and tag', async () => {
      const byMember = await report({ from: '2025-01-01', to: '2025-02-28', groupBy: 'member' });
      expect(byMember.status).to.equal(200);
      const members = Object.fromEntries(
        byMember.body.groups.map((g: { key: string; totalMinor: number }) => [g.key, g.totalMinor]),
      );
      expect(members).to.deep.equal({ [reported.owner.memberId]: 6500, [reported.child.memberId]: 700 });

      const byMonth = await report({ from: '2025-01-01', to: '2025-02-28', groupBy: 'month' });
      expect(byMonth.body.groups.map((g: { key: string; totalMinor: number }) => [g.key, g.totalMinor])).to.deep.equal([
        ['2025-01', 3000],
        ['2025-02', 4200],
      ]);

      const byTag = await report({ from: '2025-01-01', to: '2025-02-28', groupBy: 'tag' });
      const tags = Object.fromEntries(
        byTag.body.groups.map((g: { key: string | null; totalMinor: number }) => [String(g.key), g.totalMinor]),
      );
      expect(tags).to.include({ food: 5000, fun: 700 });
    });

    it('reports a child’s own spending only', async () => {
      const r = await report({ from: '2025-01-01', to: '2025-02-28', groupBy: 'member' }, reported.child.accessToken);
      expect(r.status).to.equal(200);
      expect(r.body.totalMinor).to.equal(700);
      expect(r.body.groups.map((g: { key: string }) => g.key)).to.deep.equal([reported.child.memberId]);
    });

    it('names the bad field, answers 404 for another family and 401 without a token', async () => {
      expectInvalidField(await report({ to: '2025-02-28' }), 'from');
      expectInvalidField(await report({ from: '2025-02-01' }), 'to');
      expectInvalidField(await report({ from: '2025-02-01', to: '2025-02-28', groupBy: 'week' }), 'groupBy');
      expectInvalidField(await report({ from: '2025-02-01', to: '2025-02-28', memberId: 'me' }), 'memberId');
      expectInvalidField(await report({ from: '2025-02-01', to: '2025-02-28', topMerchants: '-1' }), 'topMerchants');
      expectInvalidField(await report({ from: '2025-03-01', to: '2025-02-28' }), 'to');
      expectProblem(await report({ from: '2025-02-01', to: '2025-02-28' }, stranger.accessToken), 404);
      expectProblem(
        await bff().http().get(`${reported.base}/reports/spending`).query({ from: '2025-02-01', to: '2025-02-28' }),
        401,
      );
    });
  });
});
