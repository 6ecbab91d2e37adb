// @family/sdk against the real BFF and services: a session kept by the client, an idempotent write,
// paging, the refresh-on-401 rule and problem bodies as `error`.
import { expect } from 'chai';
import {
  createFamilyClient,
  idempotencyKey,
  ifMatch,
  memoryTokenStore,
  pages,
  type FamilyClient,
  type SessionTokens,
} from '@family/sdk';
import { email, PASSWORD, startTestStack, type TestStack } from './bff.harness.js';

describe('@family/sdk against the BFF', function () {
  this.timeout(60_000);
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  /** Registers a parent through the SDK and creates their family; the store holds the session. */
  async function parentWithFamily(sdk: FamilyClient): Promise<{ familyId: string; login: string }> {
    const login = email('sdk');
    const registered = await sdk.rest.POST('/v1/auth/register', {
      body: { email: login, password: PASSWORD, displayName: 'Sam' },
    });
    expect(registered.error, JSON.stringify(registered.error)).to.equal(undefined);
    sdk.tokens.set(registered.data!.tokens);
    const created = await sdk.rest.POST('/v1/families', {
      body: { name: 'The SDK family', currency: 'EUR', timezone: 'Europe/Berlin' },
    });
    expect(created.error, JSON.stringify(created.error)).to.equal(undefined);
    // The new access token carries the membership; the refresh token stays the session's.
    sdk.tokens.set({ ...sdk.tokens.get()!, accessToken: created.data!.accessToken });
    return { familyId: created.data!.family.id, login };
  }

  it('logs in, creates an expense once for one idempotency key and pages through the expenses', async () => {
    const setup = createFamilyClient({ baseUrl: stack.bff.url });
    const { familyId, login } = await parentWithFamily(setup);

    const sdk = createFamilyClient({ baseUrl: stack.bff.url });
    const session = await sdk.rest.POST('/v1/auth/login', { body: { login, password: PASSWORD } });
    expect(session.response.status).to.equal(200);
    sdk.tokens.set(session.data!.tokens);

    const key = idempotencyKey();
    const body = { amountMinor: 1250, description: 'Groceries' };
    const first = await sdk.rest.POST('/v1/families/{familyId}/expenses', {
      params: { path: { familyId }, header: { 'Idempotency-Key': key } },
      body,
    });
    const again = await sdk.rest.POST('/v1/families/{familyId}/expenses', {
      params: { path: { familyId }, header: { 'Idempotency-Key': key } },
      body,
    });
    expect(first.response.status).to.equal(201);
    expect(again.response.status).to.equal(201);
    expect(again.data!.id).to.equal(first.data!.id);
    expect(first.data!.amountMinor).to.equal(1250);

    for (const [i, amountMinor] of [300, 420, 999, 75].entries()) {
      const r = await sdk.rest.POST('/v1/families/{familyId}/expenses', {
        params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { amountMinor, description: `Snack ${i}` },
      });
      expect(r.response.status).to.equal(201);
    }

    const seen: string[] = [];
    let requests = 0;
    for await (const expense of pages(async (cursor) => {
      requests++;
      const r = await sdk.rest.GET('/v1/families/{familyId}/expenses', {
        params: { path: { familyId }, query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      if (r.error) throw new Error(r.error.detail);
      return r.data;
    })) {
      seen.push(expense.description);
    }
    expect(seen).to.have.members(['Groceries', 'Snack 0', 'Snack 1', 'Snack 2', 'Snack 3']);
    expect(seen).to.have.length(5);
    expect(requests).to.equal(3);
  });

  it('refreshes an expired access token once and retries the call', async () => {
    const sdk = createFamilyClient({ baseUrl: stack.bff.url });
    const { familyId } = await parentWithFamily(sdk);
    const { refreshToken } = sdk.tokens.get()!;
    // A token the BFF refuses stands in for one that expired.
    sdk.tokens.set({ accessToken: 'expired.token.value', refreshToken });

    const r = await sdk.rest.GET('/v1/families/{familyId}', { params: { path: { familyId } } });
    expect(r.response.status, JSON.stringify(r.error)).to.equal(200);
    expect(r.data!.id).to.equal(familyId);
    const renewed = sdk.tokens.get()!;
    expect(renewed.refreshToken).to.not.equal(refreshToken);
    expect(renewed.accessToken).to.not.equal('expired.token.value');
  });

  it('ends the session when the refresh is refused, and returns the 401 problem', async () => {
    let ended = 0;
    const tokens = memoryTokenStore();
    const sdk = createFamilyClient({ baseUrl: stack.bff.url, tokens, onSessionEnded: () => ended++ });
    tokens.set({ accessToken: 'expired.token.value', refreshToken: 'not-a-refresh-token' } satisfies SessionTokens);

    const r = await sdk.rest.GET('/v1/me');
    expect(r.response.status).to.equal(401);
    expect(r.error).to.include({ status: 401 });
    expect(r.error!.code).to.be.a('string');
    expect(ended).to.equal(1);
    expect(tokens.get()).to.equal(undefined);
  });

  it('returns problem+json bodies as error, with field errors and If-Match conflicts', async () => {
    const sdk = createFamilyClient({ baseUrl: stack.bff.url });
    const { familyId } = await parentWithFamily(sdk);

    const invalid = await sdk.rest.POST('/v1/families/{familyId}/expenses', {
      params: { path: { familyId } },
      body: { amountMinor: 10, description: '' },
    });
    expect(invalid.response.status).to.equal(400);
    expect(invalid.error!.errors!.map((e) => e.field)).to.include('description');

    const created = await sdk.rest.POST('/v1/families/{familyId}/expenses', {
      params: { path: { familyId } },
      body: { amountMinor: 500, description: 'Cinema' },
    });
    const expenseId = created.data!.id;
    const version = created.data!.version;
    const changed = await sdk.rest.PATCH('/v1/families/{familyId}/expenses/{expenseId}', {
      params: { path: { familyId, expenseId }, header: ifMatch(version) },
      body: { description: 'Cinema tickets' },
    });
    expect(changed.response.status, JSON.stringify(changed.error)).to.equal(200);
    const stale = await sdk.rest.PATCH('/v1/families/{familyId}/expenses/{expenseId}', {
      params: { path: { familyId, expenseId }, header: ifMatch(version) },
      body: { description: 'Cinema again' },
    });
    expect(stale.response.status).to.equal(412);
    expect(stale.error!.status).to.equal(412);
  });
});
