import { expect } from 'chai';
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
  categories,
  category,
  household,
  NO_SUCH_ID,
  recordExpense,
  type Household,
} from './expense.fixtures.js';

describe('BFF category and categorization-rule routes', () => {
  let stack: TestStack;
  let home: Household;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;

  before(async () => {
    stack = await startTestStack();
    home = await household(stack.bff, 'The Sorters');
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  describe('categories', () => {
    it('lists the default two-level set seeded for a new family to parents and children alike', async () => {
      const r = await bff()
        .http()
        .get(`${home.base}/categories`)
        .query({ limit: '200' })
        .auth(home.child.accessToken, bearer);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.nextCursor).to.equal(null);
      const top = r.body.items.filter((c: { parentId?: string }) => !c.parentId).map((c: { name: string }) => c.name);
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
      const groceries = r.body.items.find((c: { name: string }) => c.name === 'Groceries');
      expect(groceries).to.include({ archived: false, version: 1 });
      expect(r.body.items.filter((c: { parentId?: string }) => c.parentId === groceries.id).length).to.be.greaterThan(
        1,
      );

      const page = await bff()
        .http()
        .get(`${home.base}/categories`)
        .query({ limit: '5' })
        .auth(home.owner.accessToken, bearer);
      expect(page.body.items).to.have.length(5);
      expect(page.body.nextCursor).to.be.a('string');
    });

    it('lets a parent create, rename, re-parent and archive a category, each change with If-Match', async () => {
      const token = home.owner.accessToken;
      const created = await bff()
        .http()
        .post(`${home.base}/categories`)
        .auth(token, bearer)
        .send({ name: 'Pets', icon: 'paw', color: '#aa7733' });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.headers.location).to.equal(`${home.base}/categories/${created.body.id}`);
      expect(created.headers.etag).to.equal('"1"');
      expect(created.body).to.include({ name: 'Pets', archived: false, icon: 'paw', color: '#aa7733', version: 1 });
      expect(created.body).not.to.have.property('parentId');

      const vet = await bff()
        .http()
        .post(`${home.base}/categories`)
        .auth(token, bearer)
        .send({ name: 'Vet', parentId: created.body.id });
      expect(vet.status).to.equal(201);
      expect(vet.body.parentId).to.equal(created.body.id);

      const renamed = await bff()
        .http()
        .patch(`${home.base}/categories/${vet.body.id}`)
        .set('If-Match', vet.headers.etag!)
        .auth(token, bearer)
        .send({ name: 'Veterinary' });
      expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
      expect(renamed.body).to.include({ name: 'Veterinary', version: 2 });
      expect(renamed.headers.etag).to.equal('"2"');

      const health = await category(bff(), home, 'Health');
      const moved = await bff()
        .http()
        .patch(`${home.base}/categories/${vet.body.id}`)
        .set('If-Match', '"2"')
        .auth(token, bearer)
        .send({ parentId: health.id });
      expect(moved.status).to.equal(200);
      expect(moved.body.parentId).to.equal(health.id);
      const topLevel = await bff()
        .http()
        .patch(`${home.base}/categories/${vet.body.id}`)
        .set('If-Match', '"3"')
        .auth(token, bearer)
        .send({ parentId: null });
      expect(topLevel.status).to.equal(200);
      expect(topLevel.body).not.to.have.property('parentId');

      const archived = await bff()
        .http()
        .patch(`${home.base}/categories/${created.body.id}`)
        .set('If-Match', '"1"')
        .auth(token, bearer)
        .send({ archived: true });
      expect(archived.status).to.equal(200);
      expect(archived.body.archived).to.equal(true);
      const visible = await bff().http().get(`${home.base}/categories`).query({ limit: '200' }).auth(token, bearer);
      expect(visible.body.items.map((c: { id: string }) => c.id)).not.to.include(created.body.id);
      expect((await categories(bff(), home)).map((c) => c.id)).to.include(created.body.id);
    });

    it('refuses a category PATCH without If-Match with 428 and a stale one with 412', async () => {
      const c = await bff()
        .http()
        .post(`${home.base}/categories`)
        .auth(home.owner.accessToken, bearer)
        .send({ name: 'Hobbies 2' });
      expectProblem(
        await bff()
          .http()
          .patch(`${home.base}/categories/${c.body.id}`)
          .auth(home.owner.accessToken, bearer)
          .send({ name: 'Crafts' }),
        428,
        'PRECONDITION_REQUIRED',
      );
      expectProblem(
        await bff()
          .http()
          .patch(`${home.base}/categories/${c.body.id}`)
          .set('If-Match', '"5"')
          .auth(home.owner.accessToken, bearer)
          .send({ name: 'Crafts' }),
        412,
        'VERSION_MISMATCH',
      );
    });

    it('deletes an unused category, archives a used one, and moves expenses to `reassignTo`', async () => {
      const token = home.owner.accessToken;
      const make = async (name: string) =>
        (await bff().http().post(`${home.base}/categories`).auth(token, bearer).send({ name })).body as { id: string };
      const unused = await make('Unused');
      expect((await bff().http().delete(`${home.base}/categories/${unused.id}`).auth(token, bearer)).status).to.equal(
        204,
      );
      expect((await categories(bff(), home)).map((c) => c.id)).not.to.include(unused.id);

      const used = await make('Used');
      await recordExpense(bff(), home, token, { amountMinor: 100, description: 'Uses it', categoryId: used.id });
      expect((await bff().http().delete(`${home.base}/categories/${used.id}`).auth(token, bearer)).status).to.equal(
        204,
      );
      expect((await categories(bff(), home)).find((c) => c.id === used.id)).to.include({ archived: true });

      const from = await make('Old bucket');
      const to = await make('New bucket');
      const e = await recordExpense(bff(), home, token, {
        amountMinor: 100,
        description: 'Moves',
        categoryId: from.id,
      });
      const r = await bff()
        .http()
        .delete(`${home.base}/categories/${from.id}`)
        .query({ reassignTo: to.id })
        .auth(token, bearer);
      expect(r.status).to.equal(204);
      const moved = await bff().http().get(`${home.base}/expenses/${e.id}`).auth(token, bearer);
      expect(moved.body.categoryId).to.equal(to.id);
    });

    it('refuses a child creating, changing or deleting a category with 403', async () => {
      const groceries = await category(bff(), home, 'Groceries');
      const token = home.child.accessToken;
      expectProblem(await bff().http().post(`${home.base}/categories`).auth(token, bearer).send({ name: 'Mine' }), 403);
      expectProblem(
        await bff()
          .http()
          .patch(`${home.base}/categories/${groceries.id}`)
          .set('If-Match', '"1"')
          .auth(token, bearer)
          .send({ name: 'Snacks' }),
        403,
      );
      expectProblem(await bff().http().delete(`${home.base}/categories/${groceries.id}`).auth(token, bearer), 403);
    });

    it('answers 404 for another family’s categories', async () => {
      const groceries = await category(bff(), home, 'Groceries');
      const token = stranger.accessToken;
      expectProblem(await bff().http().get(`${home.base}/categories`).auth(token, bearer), 404);
      expectProblem(await bff().http().post(`${home.base}/categories`).auth(token, bearer).send({ name: 'Mine' }), 404);
      // Their own family, our category id.
      expectProblem(
        await bff()
          .http()
          .patch(`/v1/families/${stranger.familyId}/categories/${groceries.id}`)
          .set('If-Match', '"1"')
          .auth(token, bearer)
          .send({ name: 'Mine now' }),
        404,
      );
      expectProblem(
        await bff().http().delete(`/v1/families/${stranger.familyId}/categories/${groceries.id}`).auth(token, bearer),
        404,
      );
    });

    it('refuses every category route without a token with 401', async () => {
      for (const r of [
        await bff().http().get(`${home.base}/categories`),
        await bff().http().post(`${home.base}/categories`).send({ name: 'x' }),
        await bff().http().patch(`${home.base}/categories/${NO_SUCH_ID}`).set('If-Match', '"1"').send({ name: 'x' }),
        await bff().http().delete(`${home.base}/categories/${NO_SUCH_ID}`),
      ]) {
        expectProblem(r, 401);
      }
    });

    it('names the bad field', async () => {
      const token = home.owner.accessToken;
      const post = (body: object) => bff().http().post(`${home.base}/categories`).auth(token, bearer).send(body);
      expectInvalidField(await post({}), 'name');
      expectInvalidField(await post({ name: '' }), 'name');
      expectInvalidField(await post({ name: 'x'.repeat(61) }), 'name');
      expectInvalidField(await post({ name: 'Kids 2', parentId: 'kids' }), 'parentId');
      expectInvalidField(await post({ name: 'Kids 2', color: 'red' }), 'color');
      const groceries = await category(bff(), home, 'Groceries');
      const patch = (body: object) =>
        bff()
          .http()
          .patch(`${home.base}/categories/${groceries.id}`)
          .set('If-Match', '"1"')
          .auth(token, bearer)
          .send(body);
      expectInvalidField(await patch({}), 'body');
      expectInvalidField(await patch({ archived: 'yes' }), 'archived');
      expectInvalidField(
        await bff().http().get(`${home.base}/categories`).query({ includeArchived: 'perhaps' }).auth(token, bearer),
        'includeArchived',
      );
      expectInvalidField(
        await bff()
          .http()
          .delete(`${home.base}/categories/${groceries.id}`)
          .query({ reassignTo: 'x' })
          .auth(token, bearer),
        'reassignTo',
      );
      expectInvalidField(await bff().http().delete(`${home.base}/categories/food`).auth(token, bearer), 'categoryId');
    });
  });

  describe('categorization rules', () => {
    const rules = () => `${home.base}/categorization-rules`;

    it('categorizes and tags a new expense without a category by the first matching rule', async () => {
      const fuel = await category(bff(), home, 'Fuel', 'Transport');
      const token = home.owner.accessToken;
      const created = await bff()
        .http()
        .post(rules())
        .auth(token, bearer)
        .send({
          name: 'Petrol stations',
          priority: 10,
          matchField: 'MERCHANT',
          matchType: 'REGEX',
          pattern: '^(shell|aral)\\b',
          minAmountMinor: 1000,
          categoryId: fuel.id,
          addTags: ['car'],
        });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.headers.location).to.equal(`${rules()}/${created.body.id}`);
      expect(created.headers.etag).to.equal('"1"');
      expect(created.body).to.include({
        name: 'Petrol stations',
        priority: 10,
        matchField: 'MERCHANT',
        matchType: 'REGEX',
        minAmountMinor: 1000,
        categoryId: fuel.id,
        enabled: true,
        version: 1,
      });
      expect(created.body.addTags).to.deep.equal(['car']);

      const matched = await recordExpense(bff(), home, token, {
        amountMinor: 5000,
        description: 'Tank',
        merchant: 'Shell Berlin',
      });
      expect(matched.categoryId).to.equal(fuel.id);
      expect(matched.tags).to.include('car');
      const tooSmall = await recordExpense(bff(), home, token, {
        amountMinor: 500,
        description: 'Snack',
        merchant: 'Shell',
      });
      expect(tooSmall).not.to.have.property('categoryId');
      // A child's expense is categorized the same way.
      const childs = await recordExpense(bff(), home, home.child.accessToken, {
        amountMinor: 2000,
        description: 'Moped',
        merchant: 'Aral',
      });
      expect(childs.categoryId).to.equal(fuel.id);

      const listed = await bff().http().get(rules()).auth(home.child.accessToken, bearer);
      expect(listed.status).to.equal(200);
      expect(listed.body.items.map((r: { id: string }) => r.id)).to.include(created.body.id);
    });

    it('re-applies the rules to past uncategorized expenses on demand, or only counts them in a dry run', async () => {
      const token = home.owner.accessToken;
      const books = await category(bff(), home, 'Books & supplies', 'Education');
      const old = await recordExpense(bff(), home, token, {
        amountMinor: 1500,
        occurredOn: '2024-09-01',
        description: 'Thalia order',
      });
      expect(old).not.to.have.property('categoryId');
      const rule = await bff()
        .http()
        .post(rules())
        .auth(token, bearer)
        .send({ pattern: 'thalia', categoryId: books.id });
      expect(rule.status).to.equal(201);

      const dry = await bff().http().post(`${rules()}/apply`).auth(token, bearer).send({ dryRun: true });
      expect(dry.status, JSON.stringify(dry.body)).to.equal(200);
      expect(dry.body).to.include({ dryRun: true });
      expect(dry.body.categorizedCount).to.be.at.least(1);
      expect((await bff().http().get(`${home.base}/expenses/${old.id}`).auth(token, bearer)).body).not.to.have.property(
        'categoryId',
      );

      const applied = await bff()
        .http()
        .post(`${rules()}/apply`)
        .auth(token, bearer)
        .send({ ruleIds: [rule.body.id], from: '2024-01-01', to: '2024-12-31' });
      expect(applied.status).to.equal(200);
      expect(applied.body).to.include({ categorizedCount: 1, dryRun: false });
      expect(applied.body.examinedCount).to.be.at.least(1);
      const after = await bff().http().get(`${home.base}/expenses/${old.id}`).auth(token, bearer);
      expect(after.body.categoryId).to.equal(books.id);
    });

    it('learns a merchant rule when a parent recategorizes an expense from a merchant', async () => {
      const token = home.owner.accessToken;
      const cafes = await category(bff(), home, 'Cafes', 'Dining');
      const first = await recordExpense(bff(), home, token, {
        amountMinor: 380,
        description: 'Flat white',
        merchant: 'Bonanza Coffee',
      });
      const patched = await bff()
        .http()
        .patch(`${home.base}/expenses/${first.id}`)
        .set('If-Match', String(first.version))
        .auth(token, bearer)
        .send({ categoryId: cafes.id });
      expect(patched.status).to.equal(200);
      const next = await recordExpense(bff(), home, token, {
        amountMinor: 420,
        description: 'Cappuccino',
        merchant: 'Bonanza Coffee',
      });
      expect(next.categoryId).to.equal(cafes.id);
      const all = await bff().http().get(rules()).query({ limit: '200' }).auth(token, bearer);
      expect(all.body.items.some((r: { pattern: string }) => /bonanza coffee/i.test(r.pattern))).to.equal(true);
      expect(await allExpenses(bff(), home, token, { categoryId: cafes.id })).to.have.length(2);
    });

    it('changes a rule with If-Match (428 without, 412 when stale), clears bounds with null, and deletes it', async () => {
      const token = home.owner.accessToken;
      const furniture = await category(bff(), home, 'Furniture', 'Housing');
      const r = await bff()
        .http()
        .post(rules())
        .auth(token, bearer)
        .send({ name: 'Big', pattern: 'ikea', minAmountMinor: 10000, source: 'MANUAL', categoryId: furniture.id });
      expect(r.status).to.equal(201);
      const url = `${rules()}/${r.body.id}`;
      expectProblem(await bff().http().patch(url).auth(token, bearer).send({ enabled: false }), 428);
      const changed = await bff()
        .http()
        .patch(url)
        .set('If-Match', r.headers.etag!)
        .auth(token, bearer)
        .send({ enabled: false, minAmountMinor: null, source: null, priority: 3 });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body).to.include({ enabled: false, priority: 3, version: 2 });
      expect(changed.body).not.to.have.any.keys('minAmountMinor', 'source');
      expectProblem(
        await bff().http().patch(url).set('If-Match', '"1"').auth(token, bearer).send({ enabled: true }),
        412,
        'VERSION_MISMATCH',
      );
      expect((await bff().http().delete(url).auth(token, bearer)).status).to.equal(204);
      expectProblem(await bff().http().delete(url).auth(token, bearer), 404);
    });

    it('refuses a child writing or applying rules with 403', async () => {
      const token = home.child.accessToken;
      const parentRule = await bff()
        .http()
        .post(rules())
        .auth(home.owner.accessToken, bearer)
        .send({ pattern: 'lego', categoryId: (await category(bff(), home, 'Toys', 'Kids')).id });
      expectProblem(
        await bff()
          .http()
          .post(rules())
          .auth(token, bearer)
          .send({ pattern: 'sweets', categoryId: parentRule.body.categoryId }),
        403,
      );
      expectProblem(
        await bff()
          .http()
          .patch(`${rules()}/${parentRule.body.id}`)
          .set('If-Match', '"1"')
          .auth(token, bearer)
          .send({ enabled: false }),
        403,
      );
      expectProblem(await bff().http().delete(`${rules()}/${parentRule.body.id}`).auth(token, bearer), 403);
      expectProblem(await bff().http().post(`${rules()}/apply`).auth(token, bearer).send({}), 403);
    });

    it('answers 404 for another family’s rules, and 401 without a token', async () => {
      const other = await category(bff(), home, 'Miscellaneous', 'Other');
      const ours = await bff()
        .http()
        .post(rules())
        .auth(home.owner.accessToken, bearer)
        .send({ pattern: 'ours', categoryId: other.id });
      expect(ours.status).to.equal(201);
      const token = stranger.accessToken;
      expectProblem(await bff().http().get(rules()).auth(token, bearer), 404);
      expectProblem(await bff().http().post(`${rules()}/apply`).auth(token, bearer).send({}), 404);
      expectProblem(
        await bff()
          .http()
          .patch(`/v1/families/${stranger.familyId}/categorization-rules/${ours.body.id}`)
          .set('If-Match', '"1"')
          .auth(token, bearer)
          .send({ enabled: false }),
        404,
      );
      for (const r of [
        await bff().http().get(rules()),
        await bff().http().post(rules()).send({ pattern: 'x', categoryId: other.id }),
        await bff().http().patch(`${rules()}/${ours.body.id}`).set('If-Match', '"1"').send({ enabled: false }),
        await bff().http().delete(`${rules()}/${ours.body.id}`),
        await bff().http().post(`${rules()}/apply`).send({}),
      ]) {
        expectProblem(r, 401);
      }
    });

    it('names the bad field', async () => {
      const token = home.owner.accessToken;
      const other = await category(bff(), home, 'Miscellaneous', 'Other');
      const post = (body: object) =>
        bff()
          .http()
          .post(rules())
          .auth(token, bearer)
          .send({ categoryId: other.id, ...body });
      expectInvalidField(await post({}), 'pattern');
      expectInvalidField(await post({ pattern: 'x', categoryId: undefined }), 'categoryId');
      expectInvalidField(await post({ pattern: 'x', matchType: 'FUZZY' }), 'matchType');
      expectInvalidField(await post({ pattern: 'x', matchField: 'NOTE' }), 'matchField');
      expectInvalidField(await post({ pattern: 'x', minAmountMinor: 1.5 }), 'minAmountMinor');
      expectInvalidField(await post({ pattern: 'x', priority: -1 }), 'priority');
      expectInvalidField(await post({ pattern: 'x', categoryId: 'fuel' }), 'categoryId');
      expectInvalidField(await post({ pattern: 'x', addTags: [''] }), 'addTags.0');
      expectInvalidField(await post({ pattern: 'x', source: 'CASH' }), 'source');
      // The service knows what a valid regular expression is.
      expectInvalidField(await post({ pattern: '(unclosed', matchType: 'REGEX' }), 'pattern');
      expectInvalidField(
        await bff().http().post(`${rules()}/apply`).auth(token, bearer).send({ from: 'last week' }),
        'from',
      );
      expectInvalidField(
        await bff()
          .http()
          .post(`${rules()}/apply`)
          .auth(token, bearer)
          .send({ ruleIds: ['x'] }),
        'ruleIds.0',
      );
      expectInvalidField(
        await bff().http().patch(`${rules()}/nope`).set('If-Match', '"1"').auth(token, bearer).send({ enabled: true }),
        'ruleId',
      );
    });
  });
});
