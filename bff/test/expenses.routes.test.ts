import { expect } from 'chai';
import type request from 'supertest';
import {
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  startTestStack,
  type FamilyOwner,
  type TestStack,
} from './bff.harness.js';
import {
  allExpenses,
  bearer,
  category,
  expenseCalls,
  household,
  NO_SUCH_ID,
  recordExpense,
  type Household,
} from './expense.fixtures.js';

describe('BFF expense routes', () => {
  let stack: TestStack;
  let home: Household;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;

  before(async () => {
    stack = await startTestStack();
    home = await household(stack.bff);
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  it('records an expense with 201, its Location and ETag, in the shape of ARCHITECTURE §5', async () => {
    const supermarket = await category(bff(), home, 'Supermarket', 'Groceries');
    const r = await bff()
      .http()
      .post(`${home.base}/expenses`)
      .auth(home.owner.accessToken, bearer)
      .send({
        amountMinor: 1250,
        occurredOn: '2025-03-14',
        description: 'Weekly shop',
        merchant: 'Rewe',
        categoryId: supermarket.id,
        tags: ['Food', 'weekly'],
        note: 'with coupons',
      });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.headers.location).to.equal(`${home.base}/expenses/${r.body.id}`);
    expect(r.headers.etag).to.equal('"1"');
    expect(r.body).to.include({
      memberId: home.owner.memberId,
      amountMinor: 1250,
      currency: 'EUR',
      baseAmountMinor: 1250,
      occurredOn: '2025-03-14',
      description: 'Weekly shop',
      merchant: 'Rewe',
      categoryId: supermarket.id,
      note: 'with coupons',
      source: 'MANUAL',
      flagged: false,
      version: 1,
    });
    expect(r.body.tags).to.have.members(['food', 'weekly']);
    expect(r.body.splits).to.deep.equal([]);
    expect(r.body.id).to.match(/^[0-9a-f-]{36}$/);
    expect(Date.parse(r.body.createdAt)).to.be.closeTo(Date.now(), 60_000);
  });

  it('replays a create sent again with the same Idempotency-Key, ETag and Location included, recording it once', async () => {
    const key = `create-${Date.now()}`;
    const send = () =>
      bff()
        .http()
        .post(`${home.base}/expenses`)
        .set('Idempotency-Key', key)
        .auth(home.owner.accessToken, bearer)
        .send({ amountMinor: 777, description: 'Retried over a bad network', occurredOn: '2025-04-01' });
    const first = await send();
    const second = await send();
    expect(first.status).to.equal(201);
    expect(second.status).to.equal(201);
    expect(second.headers['idempotent-replayed']).to.equal('true');
    expect(second.headers.etag).to.equal('"1"');
    expect(second.headers.location).to.equal(first.headers.location);
    expect(second.body).to.deep.equal(first.body);
    const matching = await allExpenses(bff(), home, home.owner.accessToken, { q: 'bad network' });
    expect(matching).to.have.length(1);
  });

  it('defaults the day to today and the currency to the family’s, and leaves out empty optional fields', async () => {
    const e = await recordExpense(bff(), home, home.owner.accessToken, { amountMinor: 99, description: 'Gum' });
    expect(e.currency).to.equal('EUR');
    expect(e.occurredOn).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(e).not.to.have.any.keys('merchant', 'note', 'categoryId');
  });

  it('reads an expense with its version as ETag and changes it with If-Match, clearing fields with null', async () => {
    const created = await recordExpense(bff(), home, home.owner.accessToken, {
      amountMinor: 4200,
      occurredOn: '2025-03-15',
      description: 'Dinner',
      merchant: 'Trattoria',
      note: 'birthday',
    });
    const read = await bff().http().get(`${home.base}/expenses/${created.id}`).auth(home.owner.accessToken, bearer);
    expect(read.status).to.equal(200);
    expect(read.headers.etag).to.equal('"1"');
    expect(read.body).to.deep.equal(created);

    const changed = await bff()
      .http()
      .patch(`${home.base}/expenses/${created.id}`)
      .set('If-Match', read.headers.etag!)
      .auth(home.owner.accessToken, bearer)
      .send({ amountMinor: 4500, note: null, tags: ['family'] });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect(changed.headers.etag).to.equal('"2"');
    expect(changed.body).to.include({ amountMinor: 4500, baseAmountMinor: 4500, merchant: 'Trattoria', version: 2 });
    expect(changed.body).not.to.have.property('note');
    expect(changed.body.tags).to.deep.equal(['family']);

    // A bare number is accepted too, for people typing curl commands.
    const again = await bff()
      .http()
      .patch(`${home.base}/expenses/${created.id}`)
      .set('If-Match', '2')
      .auth(home.owner.accessToken, bearer)
      .send({ merchant: null });
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    expect(again.body).not.to.have.property('merchant');
  });

  it('refuses a PATCH without If-Match with 428, and one with a stale version with 412 naming the current one', async () => {
    const e = await recordExpense(bff(), home, home.owner.accessToken, { amountMinor: 500, description: 'Parking' });
    const missing = await bff()
      .http()
      .patch(`${home.base}/expenses/${e.id}`)
      .auth(home.owner.accessToken, bearer)
      .send({ amountMinor: 600 });
    expectProblem(missing, 428, 'PRECONDITION_REQUIRED');

    const first = await bff()
      .http()
      .patch(`${home.base}/expenses/${e.id}`)
      .set('If-Match', '"1"')
      .auth(home.owner.accessToken, bearer)
      .send({ amountMinor: 600 });
    expect(first.status).to.equal(200);
    const stale = await bff()
      .http()
      .patch(`${home.base}/expenses/${e.id}`)
      .set('If-Match', '"1"')
      .auth(home.owner.accessToken, bearer)
      .send({ amountMinor: 700 });
    const problem = expectProblem(stale, 412, 'VERSION_MISMATCH');
    expect((problem as { metadata?: Record<string, string> }).metadata).to.deep.equal({ currentVersion: '2' });
    const now = await bff().http().get(`${home.base}/expenses/${e.id}`).auth(home.owner.accessToken, bearer);
    expect(now.body.amountMinor).to.equal(600);
  });

  it('lets exactly one of two concurrent changes based on the same version through; the other answers 412', async () => {
    const e = await recordExpense(bff(), home, home.owner.accessToken, { amountMinor: 1000, description: 'Race' });
    const patch = (amountMinor: number) =>
      bff()
        .http()
        .patch(`${home.base}/expenses/${e.id}`)
        .set('If-Match', '"1"')
        .auth(home.owner.accessToken, bearer)
        .send({ amountMinor });
    const results = await Promise.all([patch(1100), patch(1200)]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 412]);
  });

  it('splits an expense across categories, and names `splits` when the parts do not add up', async () => {
    const bakery = await category(bff(), home, 'Bakery', 'Groceries');
    const household = await category(bff(), home, 'Household supplies', 'Groceries');
    const split = await recordExpense(bff(), home, home.owner.accessToken, {
      amountMinor: 3000,
      description: 'Market day',
      splits: [
        { categoryId: bakery.id, amountMinor: 1000 },
        { categoryId: household.id, amountMinor: 2000 },
      ],
    });
    expect(split.splits).to.deep.equal([
      { categoryId: bakery.id, amountMinor: 1000 },
      { categoryId: household.id, amountMinor: 2000 },
    ]);
    expect(split).not.to.have.property('categoryId');

    const r = await bff()
      .http()
      .post(`${home.base}/expenses`)
      .auth(home.owner.accessToken, bearer)
      .send({
        amountMinor: 3000,
        description: 'Bad split',
        splits: [
          { categoryId: bakery.id, amountMinor: 1000 },
          { categoryId: household.id, amountMinor: 1000 },
        ],
      });
    expectInvalidField(r, 'splits');
  });

  it('deletes an expense with 204, after which it answers 404; a stale If-Match on delete answers 412', async () => {
    const e = await recordExpense(bff(), home, home.owner.accessToken, { amountMinor: 150, description: 'Oops' });
    expectProblem(
      await bff()
        .http()
        .delete(`${home.base}/expenses/${e.id}`)
        .set('If-Match', '"7"')
        .auth(home.owner.accessToken, bearer),
      412,
      'VERSION_MISMATCH',
    );
    const r = await bff().http().delete(`${home.base}/expenses/${e.id}`).auth(home.owner.accessToken, bearer);
    expect(r.status).to.equal(204);
    expectProblem(await bff().http().get(`${home.base}/expenses/${e.id}`).auth(home.owner.accessToken, bearer), 404);
  });

  describe('the list', () => {
    let listed: Household;
    before(async () => {
      listed = await household(bff(), 'The Listers');
      const supermarket = await category(bff(), listed, 'Supermarket', 'Groceries');
      const fuel = await category(bff(), listed, 'Fuel', 'Transport');
      const parent = listed.owner.accessToken;
      await recordExpense(bff(), listed, parent, {
        amountMinor: 2000,
        occurredOn: '2025-01-10',
        description: 'Groceries',
        merchant: 'Aldi Nord',
        categoryId: supermarket.id,
        tags: ['food'],
      });
      await recordExpense(bff(), listed, parent, {
        amountMinor: 6000,
        occurredOn: '2025-02-01',
        description: 'Tank',
        merchant: 'Shell',
        categoryId: fuel.id,
        tags: ['car'],
      });
      await recordExpense(bff(), listed, listed.child.accessToken, {
        amountMinor: 300,
        occurredOn: '2025-02-02',
        description: 'Comic book',
        tags: ['fun'],
      });
      for (let day = 10; day < 15; day++) {
        await recordExpense(bff(), listed, parent, {
          amountMinor: 100 + day,
          occurredOn: `2025-03-${day}`,
          description: `Coffee ${day}`,
          tags: ['coffee'],
        });
      }
    });

    const list = (query: Record<string, string>, token = listed.owner.accessToken) =>
      allExpenses(bff(), listed, token, query).then((items) => items.map((e) => e.description));

    it('filters by member, category with its subcategories, tag, date range, text and source', async () => {
      expect(await list({ memberId: listed.child.memberId })).to.deep.equal(['Comic book']);
      const groceries = await category(bff(), listed, 'Groceries');
      expect(await list({ categoryId: groceries.id })).to.deep.equal(['Groceries']);
      expect(await list({ tag: 'car' })).to.deep.equal(['Tank']);
      expect(await list({ from: '2025-02-01', to: '2025-02-28' })).to.have.members(['Tank', 'Comic book']);
      expect(await list({ q: 'aldi' })).to.deep.equal(['Groceries']);
      expect(await list({ source: 'MANUAL' })).to.have.length(8);
      expect(await list({ source: 'BANK' })).to.deep.equal([]);
      expect(await list({ uncategorized: 'true', tag: 'fun' })).to.deep.equal(['Comic book']);
    });

    it('lists newest first and pages with a stable cursor, nextCursor null on the last page', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: request.Response = await bff()
          .http()
          .get(`${listed.base}/expenses`)
          .query({ limit: '3', ...(cursor ? { cursor } : {}) })
          .auth(listed.owner.accessToken, bearer);
        expect(r.status).to.equal(200);
        expect(r.body.items.length).to.be.at.most(3);
        seen.push(...r.body.items.map((e: { occurredOn: string }) => e.occurredOn));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).to.equal(3);
      expect(seen).to.have.length(8);
      expect([...seen].sort().reverse()).to.deep.equal(seen);
    });

    it('shows a child only their own expenses and refuses another member’s as 403 own-only', async () => {
      expect(await list({}, listed.child.accessToken)).to.deep.equal(['Comic book']);
      const r = await bff()
        .http()
        .get(`${listed.base}/expenses`)
        .query({ memberId: listed.owner.memberId })
        .auth(listed.child.accessToken, bearer);
      expect(r.status).to.equal(403);
      expect(r.body.code).to.equal('OWN_ONLY');
    });
  });

  it('refuses control characters and lone surrogates in any text with 400 naming the field, counting characters', async () => {
    const post = (body: object) =>
      bff().http().post(`${home.base}/expenses`).auth(home.owner.accessToken, bearer).send(body);
    expectInvalidField(await post({ amountMinor: 100, description: 'Lunch\u0000' }), 'description');
    expectInvalidField(await post({ amountMinor: 100, description: 'Lunch', merchant: 'Caf\ud800e' }), 'merchant');
    expectInvalidField(await post({ amountMinor: 100, description: 'Two\nlines' }), 'description');
    expectInvalidField(await post({ amountMinor: 100, description: 'Lunch', tags: ['ok', 'b\u001bad'] }), 'tags.1');
    // A field the DTO types only as a string is held to the same rule.
    expectInvalidField(await post({ amountMinor: 100, description: 'Lunch', currency: 'EU\u0000' }), 'currency');
    const search = await bff()
      .http()
      .get(`${home.base}/expenses`)
      .query({ q: 'a\u0000b' })
      .auth(home.owner.accessToken, bearer);
    expectInvalidField(search, 'q');
    // A note may have several lines; 200 emoji are 200 characters, within the description's limit.
    const ok = await post({ amountMinor: 100, description: '🍕'.repeat(200), note: 'two\nlines\tand a tab' });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body.note).to.equal('two\nlines\tand a tab');
    expectInvalidField(await post({ amountMinor: 100, description: '🍕'.repeat(201) }), 'description');
    const family = await bff()
      .http()
      .post('/v1/families')
      .auth(home.owner.accessToken, bearer)
      .send({ name: 'The\u0000Nulls', currency: 'EUR', timezone: 'Europe/Berlin' });
    expectInvalidField(family, 'name');
  });

  it('answers a path that is not valid percent-encoded UTF-8 with 400, not 500', async () => {
    const r = await bff()
      .http()
      .post(`/v1/families/%ED%A0%80/recurring-expenses`)
      .auth(home.owner.accessToken, bearer)
      .send({});
    expectProblem(r, 400, 'MALFORMED_PATH');
  });

  it('lets a child record only their own expenses, and hides a parent’s expense from them as 404', async () => {
    const own = await recordExpense(bff(), home, home.child.accessToken, {
      amountMinor: 250,
      description: 'Ice cream',
    });
    expect(own.memberId).to.equal(home.child.memberId);
    expectProblem(
      await bff()
        .http()
        .post(`${home.base}/expenses`)
        .auth(home.child.accessToken, bearer)
        .send({ amountMinor: 250, description: 'For dad', memberId: home.owner.memberId }),
      403,
    );
    const parents = await recordExpense(bff(), home, home.owner.accessToken, { amountMinor: 900, description: 'Wine' });
    expectProblem(
      await bff().http().get(`${home.base}/expenses/${parents.id}`).auth(home.child.accessToken, bearer),
      404,
    );
    expectProblem(
      await bff()
        .http()
        .patch(`${home.base}/expenses/${parents.id}`)
        .set('If-Match', '"1"')
        .auth(home.child.accessToken, bearer)
        .send({ amountMinor: 1 }),
      404,
    );
    // A parent records for the child.
    const forChild = await recordExpense(bff(), home, home.owner.accessToken, {
      amountMinor: 1200,
      description: 'School trip',
      memberId: home.child.memberId,
    });
    expect(forChild.memberId).to.equal(home.child.memberId);
  });

  it('answers 404 for another family’s expenses, and for an expense id of another family', async () => {
    const theirs = await recordExpense(
      bff(),
      { ...home, owner: stranger, base: `/v1/families/${stranger.familyId}` },
      stranger.accessToken,
      { amountMinor: 100, description: 'Theirs' },
    );
    const ours = await recordExpense(bff(), home, home.owner.accessToken, { amountMinor: 100, description: 'Ours' });
    const token = home.owner.accessToken;
    expectProblem(await bff().http().get(`${home.base}/expenses/${theirs.id}`).auth(token, bearer), 404);
    expectProblem(
      await bff().http().get(`/v1/families/${stranger.familyId}/expenses/${theirs.id}`).auth(token, bearer),
      404,
    );
    expectProblem(await bff().http().get(`/v1/families/${stranger.familyId}/expenses`).auth(token, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .post(`/v1/families/${stranger.familyId}/expenses`)
        .auth(token, bearer)
        .send({ amountMinor: 1, description: 'x' }),
      404,
    );
    expectProblem(
      await bff()
        .http()
        .patch(`${home.base}/expenses/${theirs.id}`)
        .set('If-Match', '"1"')
        .auth(token, bearer)
        .send({ amountMinor: 1 }),
      404,
    );
    expectProblem(await bff().http().delete(`${home.base}/expenses/${theirs.id}`).auth(token, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .delete(`/v1/families/${stranger.familyId}/expenses/${ours.id}`)
        .auth(stranger.accessToken, bearer),
      404,
    );
    expectProblem(await bff().http().get(`${home.base}/expenses/${NO_SUCH_ID}`).auth(token, bearer), 404);
  });

  it('refuses every expense route without a token with 401', async () => {
    const id = NO_SUCH_ID;
    for (const r of [
      await bff().http().get(`${home.base}/expenses`),
      await bff().http().post(`${home.base}/expenses`).send({ amountMinor: 1, description: 'x' }),
      await bff().http().get(`${home.base}/expenses/${id}`),
      await bff().http().patch(`${home.base}/expenses/${id}`).set('If-Match', '"1"').send({ amountMinor: 1 }),
      await bff().http().delete(`${home.base}/expenses/${id}`),
      await bff().http().get(`${home.base}/fx-rates`),
      await bff().http().put(`${home.base}/fx-rates/USD`).send({ rate: '1' }),
    ]) {
      expectProblem(r, 401);
      expect(r.headers['www-authenticate']).to.match(/^Bearer/);
    }
  });

  describe('validation', () => {
    const post = (body: object) =>
      bff().http().post(`${home.base}/expenses`).auth(home.owner.accessToken, bearer).send(body);
    const ok = { amountMinor: 100, description: 'Fine' };

    it('names each bad field of a new expense, before calling the service', async () => {
      const before = await expenseCalls(bff(), 'CreateExpense');
      expectInvalidField(await post({ description: 'No amount' }), 'amountMinor');
      expectInvalidField(await post({ ...ok, amountMinor: 12.5 }), 'amountMinor');
      expectInvalidField(await post({ ...ok, amountMinor: '100' }), 'amountMinor');
      expectInvalidField(await post({ ...ok, currency: 'euro' }), 'currency');
      expectInvalidField(await post({ ...ok, occurredOn: '2025-02-30' }), 'occurredOn');
      expectInvalidField(await post({ ...ok, occurredOn: '14.03.2025' }), 'occurredOn');
      expectInvalidField(await post({ amountMinor: 100 }), 'description');
      expectInvalidField(await post({ ...ok, categoryId: 'groceries' }), 'categoryId');
      expectInvalidField(await post({ ...ok, memberId: 'me' }), 'memberId');
      expectInvalidField(await post({ ...ok, tags: ['ok', ''] }), 'tags.1');
      expectInvalidField(
        await post({ ...ok, splits: [{ categoryId: NO_SUCH_ID, amountMinor: 1.5 }] }),
        'splits.0.amountMinor',
      );
      expectInvalidField(await post({ ...ok, fxRate: '-1' }), 'fxRate');
      expect(await expenseCalls(bff(), 'CreateExpense')).to.equal(before);
    });

    it('passes on the service’s own field violations (an unknown category, an unknown currency)', async () => {
      expectInvalidField(await post({ ...ok, categoryId: NO_SUCH_ID }), 'categoryId');
      expectInvalidField(await post({ ...ok, currency: 'XYZ' }), 'currency');
      expectInvalidField(await post({ ...ok, amountMinor: -5 }), 'amountMinor');
    });

    it('names bad filters and page sizes of the list', async () => {
      const get = (query: Record<string, string>) =>
        bff().http().get(`${home.base}/expenses`).query(query).auth(home.owner.accessToken, bearer);
      expectInvalidField(await get({ memberId: 'me' }), 'memberId');
      expectInvalidField(await get({ categoryId: 'food' }), 'categoryId');
      expectInvalidField(await get({ from: 'yesterday' }), 'from');
      expectInvalidField(await get({ to: '2025-13-01' }), 'to');
      expectInvalidField(await get({ source: 'manual' }), 'source');
      expectInvalidField(await get({ flagged: 'maybe' }), 'flagged');
      expectInvalidField(await get({ limit: '0' }), 'limit');
      expectInvalidField(await get({ limit: '1000' }), 'limit');
      expectInvalidField(await get({ from: '2025-03-01', to: '2025-02-01' }), 'to');
    });

    it('names bad path ids, a malformed If-Match and an empty change', async () => {
      const token = home.owner.accessToken;
      expectInvalidField(await bff().http().get(`${home.base}/expenses/nope`).auth(token, bearer), 'expenseId');
      expectInvalidField(await bff().http().get('/v1/families/nope/expenses').auth(token, bearer), 'familyId');
      expectInvalidField(await bff().http().delete(`${home.base}/expenses/42`).auth(token, bearer), 'expenseId');
      const e = await recordExpense(bff(), home, token, ok);
      const patch = (ifMatch: string, body: object) =>
        bff().http().patch(`${home.base}/expenses/${e.id}`).set('If-Match', ifMatch).auth(token, bearer).send(body);
      expectInvalidField(await patch('W/"1"', { amountMinor: 5 }), 'If-Match');
      expectInvalidField(await patch('*', { amountMinor: 5 }), 'If-Match');
      expectInvalidField(await patch('"1", "2"', { amountMinor: 5 }), 'If-Match');
      expectInvalidField(await patch('"1"', {}), 'body');
      expectInvalidField(await patch('"1"', { occurredOn: '2025-1-1' }), 'occurredOn');
      expectInvalidField(await patch('"1"', { flagged: 'yes' }), 'flagged');
    });
  });

  describe('FX rates', () => {
    it('lets a parent set a rate that converts later expenses, or use a rate given with the expense', async () => {
      const put = await bff()
        .http()
        .put(`${home.base}/fx-rates/USD`)
        .auth(home.owner.accessToken, bearer)
        .send({ rate: '0.9' });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect(put.body).to.include({ currency: 'USD', baseCurrency: 'EUR', rate: '0.9' });

      const rates = await bff().http().get(`${home.base}/fx-rates`).auth(home.child.accessToken, bearer);
      expect(rates.status).to.equal(200);
      expect(rates.body.items.map((r: { currency: string }) => r.currency)).to.include('USD');
      expect(rates.body.nextCursor).to.equal(null);

      const table = await recordExpense(bff(), home, home.owner.accessToken, {
        amountMinor: 1000,
        currency: 'USD',
        description: 'Book',
      });
      expect(table).to.include({ amountMinor: 1000, currency: 'USD', baseAmountMinor: 900 });
      const given = await recordExpense(bff(), home, home.owner.accessToken, {
        amountMinor: 1000,
        currency: 'USD',
        fxRate: '0.8',
        description: 'Book',
      });
      expect(given.baseAmountMinor).to.equal(800);
      const charged = await recordExpense(bff(), home, home.owner.accessToken, {
        amountMinor: 1000,
        currency: 'USD',
        baseAmountMinor: 875,
        description: 'Book',
      });
      expect(charged.baseAmountMinor).to.equal(875);
    });

    it('refuses a child giving an exchange rate or base amount with 403, on create and update', async () => {
      const post = (body: object) =>
        bff().http().post(`${home.base}/expenses`).auth(home.child.accessToken, bearer).send(body);
      const laptop = { amountMinor: 500_000, currency: 'USD', description: 'Laptop' };
      expectProblem(await post({ ...laptop, fxRate: '0.0001' }), 403, 'PARENT_SETS_EXCHANGE_RATE');
      expectProblem(await post({ ...laptop, baseAmountMinor: 50 }), 403, 'PARENT_SETS_EXCHANGE_RATE');
      const own = await post(laptop);
      expect(own.status, JSON.stringify(own.body)).to.equal(201);
      const patch = await bff()
        .http()
        .patch(`${home.base}/expenses/${own.body.id}`)
        .auth(home.child.accessToken, bearer)
        .set('If-Match', '"1"')
        .send({ fxRate: '0.0001' });
      expectProblem(patch, 403, 'PARENT_SETS_EXCHANGE_RATE');
    });

    it('refuses a child setting a rate with 403 and names a bad currency or rate', async () => {
      expectProblem(
        await bff().http().put(`${home.base}/fx-rates/USD`).auth(home.child.accessToken, bearer).send({ rate: '1' }),
        403,
      );
      expectInvalidField(
        await bff().http().put(`${home.base}/fx-rates/usd`).auth(home.owner.accessToken, bearer).send({ rate: '1' }),
        'currency',
      );
      expectInvalidField(
        await bff().http().put(`${home.base}/fx-rates/USD`).auth(home.owner.accessToken, bearer).send({ rate: 'one' }),
        'rate',
      );
      expectProblem(
        await bff()
          .http()
          .put(`/v1/families/${stranger.familyId}/fx-rates/USD`)
          .auth(home.owner.accessToken, bearer)
          .send({ rate: '1' }),
        404,
      );
    });
  });

  it('documents every expense route in OpenAPI, with If-Match on PATCH, ETag on reads and CSV bodies', async () => {
    const doc = (await bff().http().get('/openapi.json')).body;
    const paths = {
      '/v1/families/{familyId}/expenses': ['get', 'post'],
      '/v1/families/{familyId}/expenses/{expenseId}': ['get', 'patch', 'delete'],
      '/v1/families/{familyId}/expenses.csv': ['get'],
      '/v1/families/{familyId}/expenses/import': ['post'],
      '/v1/families/{familyId}/expenses/imports/{importId}': ['get'],
      '/v1/families/{familyId}/categories': ['get', 'post'],
      '/v1/families/{familyId}/categories/{categoryId}': ['patch', 'delete'],
      '/v1/families/{familyId}/recurring-expenses': ['get', 'post'],
      '/v1/families/{familyId}/recurring-expenses/{recurringExpenseId}': ['get', 'patch', 'delete'],
      '/v1/families/{familyId}/recurring-expenses/{recurringExpenseId}/preview': ['get'],
      '/v1/families/{familyId}/categorization-rules': ['get', 'post'],
      '/v1/families/{familyId}/categorization-rules/{ruleId}': ['patch', 'delete'],
      '/v1/families/{familyId}/categorization-rules/apply': ['post'],
      '/v1/families/{familyId}/budgets': ['get', 'post'],
      '/v1/families/{familyId}/budgets/{budgetId}': ['get', 'patch', 'delete'],
      '/v1/families/{familyId}/members/{memberId}/spending-limits': ['get', 'put'],
      '/v1/families/{familyId}/reports/spending': ['get'],
      '/v1/families/{familyId}/fx-rates': ['get'],
      '/v1/families/{familyId}/fx-rates/{currency}': ['put'],
    };
    for (const [path, methods] of Object.entries(paths)) {
      expect(doc.paths, path).to.have.property(path);
      expect(Object.keys(doc.paths[path]), path).to.include.members(methods);
    }
    const one = doc.paths['/v1/families/{familyId}/expenses/{expenseId}'];
    const ifMatch = one.patch.parameters.find((p: { name: string }) => p.name === 'If-Match');
    expect(ifMatch).to.include({ in: 'header', required: true });
    expect(one.patch.responses).to.have.keys(['200', '400', '401', '403', '404', '412', '428', '429', 'default']);
    expect(one.get.responses['200'].headers).to.have.property('ETag');
    expect(doc.components.schemas.Expense.required).to.include.members([
      'id',
      'memberId',
      'amountMinor',
      'currency',
      'baseAmountMinor',
      'occurredOn',
      'description',
      'tags',
      'source',
      'splits',
      'flagged',
      'version',
    ]);
    expect(doc.components.schemas.ExpenseSource.enum).to.deep.equal(['MANUAL', 'RECURRING', 'BANK', 'JAR']);
    const csvImport = doc.paths['/v1/families/{familyId}/expenses/import'].post;
    expect(csvImport.requestBody.content).to.have.property('text/csv');
    expect(doc.paths['/v1/families/{familyId}/expenses.csv'].get.responses['200'].content).to.have.property('text/csv');
  });
});
