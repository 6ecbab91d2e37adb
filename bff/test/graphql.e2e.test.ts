// POST /graphql against the real services: the parent dashboard and a child's home in one request
// each, gRPC calls that do not grow with the family, the REST error codes, limits checked before any
// service is called, mutations with REST's validation and idempotency, persisted operations,
// introspection by config, and notifications as a subscription over SSE.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createClient } from 'redis';
import { userEventsChannel } from '@family/delivery-jobs';
import { createFamilyClient, GraphQLRequestError, idempotencyKey, persistedOperations } from '@family/sdk';
import { testRedisUrl } from '@family/testing';
import { sha256 } from '../src/graphql/persisted.operations.js';
import { startTestBff, startTestStack, type TestStack } from './bff.harness.js';
import { callsBetween, dashboardFamily, grpcCallsMade, total, type DashboardFamily } from './dashboard.fixtures.js';

const DASHBOARD = readFileSync(new URL('../src/graphql/operations/ParentDashboard.graphql', import.meta.url), 'utf8');
const CHILD_HOME = readFileSync(new URL('../src/graphql/operations/ChildHome.graphql', import.meta.url), 'utf8');

interface GraphQLAnswer {
  status: number;
  body: {
    data?: any;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

async function post(
  url: string,
  token: string | undefined,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as GraphQLAnswer['body'] };
}

const codes = (answer: GraphQLAnswer) => (answer.body.errors ?? []).map((e) => e.extensions?.code);

describe('GraphQL at /graphql', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let home: DashboardFamily;
  let other: DashboardFamily;
  const url = () => stack.bff.url;

  before(async () => {
    stack = await startTestStack({ gamification: true, notification: true });
    home = await dashboardFamily(url(), { parents: 2, children: 3 });
    other = await dashboardFamily(url(), { parents: 1, children: 1, name: 'The Lees' });
  });
  after(async () => {
    await stack?.stop();
  });

  it("answers a parent's dashboard in one request", async () => {
    const r = await post(url(), home.owner.accessToken, { query: DASHBOARD, variables: { familyId: home.familyId } });
    expect(r.status).to.equal(200);
    expect(r.body.errors, JSON.stringify(r.body.errors)).to.equal(undefined);
    const family = r.body.data.family;
    expect(family.members).to.have.length(5);
    const kids = family.members.filter((m: { role: string }) => m.role === 'CHILD');
    expect(kids).to.have.length(3);
    // Deposits of 1500/2000, 1750/2500, 2000/3000, minus 500 saved into each goal.
    expect(kids.map((k: { balance: { spendMinor: number } }) => k.balance.spendMinor)).to.have.members([
      1500, 1750, 2000,
    ]);
    expect(kids.map((k: { balance: { goalsMinor: number } }) => k.balance.goalsMinor)).to.deep.equal([500, 500, 500]);
    expect(family.budgets.map((b: { name: string }) => b.name)).to.have.members(['Household', 'Treats']);
    expect(family.budgets.every((b: { status: { spentMinor: number } }) => b.status.spentMinor >= 0)).to.equal(true);
    expect(family.goals).to.have.length(3);
    expect(family.chores).to.have.length(3);
    expect(r.body.data.me.unreadNotificationCount).to.be.a('number');
  });

  it('makes the same number of gRPC calls for the dashboard of a family of 2 and of 5', async () => {
    const measure = async (family: DashboardFamily) => {
      // One warm-up: the BFF fetches signing keys once (left out of the count anyway).
      await post(url(), family.owner.accessToken, { query: DASHBOARD, variables: { familyId: family.familyId } });
      const before = await grpcCallsMade(stack.bff.metricsUrl!);
      const r = await post(url(), family.owner.accessToken, {
        query: DASHBOARD,
        variables: { familyId: family.familyId },
      });
      expect(r.body.errors, JSON.stringify(r.body.errors)).to.equal(undefined);
      return callsBetween(before, await grpcCallsMade(stack.bff.metricsUrl!));
    };
    const small = await measure(other);
    const large = await measure(home);
    expect(total(large)).to.equal(total(small));
    expect([...large.keys()].sort()).to.deep.equal([...small.keys()].sort());
    // Every read of the screen is one call, whatever the number of members.
    expect(
      [...large.values()].every((n) => n === 1),
      JSON.stringify([...large]),
    ).to.equal(true);
    expect(large.get('/family.goals.v1.GoalsService/BatchGetBalances')).to.equal(1);
  });

  it("answers a child's home screen in one request", async () => {
    const kid = home.children[0]!;
    const r = await post(url(), kid.accessToken, { query: CHILD_HOME, variables: { familyId: home.familyId } });
    expect(r.body.errors, JSON.stringify(r.body.errors)).to.equal(undefined);
    const me = r.body.data.family.me;
    expect(me.id).to.equal(kid.memberId);
    expect(me.balance).to.include({ spendMinor: 1500, saveMinor: 1500, goalsMinor: 500 });
    expect(me.ledger.items.length).to.be.greaterThan(0);
  });

  it("refuses a child a sibling's ledger with FORBIDDEN and another family's data with NOT_FOUND", async () => {
    const kid = home.children[0]!;
    const sibling = home.children[1]!;
    const ledger = await post(url(), kid.accessToken, {
      query: 'query($f: ID!, $m: ID!) { family(id: $f) { member(id: $m) { ledger { items { id } } } } }',
      variables: { f: home.familyId, m: sibling.memberId },
    });
    expect(codes(ledger)).to.deep.equal(['FORBIDDEN']);
    expect(ledger.body.errors![0]!.extensions).to.include({ reason: 'OWN_ONLY', status: 403 });

    const foreign = await post(url(), home.owner.accessToken, {
      query: 'query($f: ID!) { family(id: $f) { name } }',
      variables: { f: other.familyId },
    });
    expect(codes(foreign)).to.deep.equal(['NOT_FOUND']);
    expect(JSON.stringify(foreign.body)).to.not.include('The Lees');
  });

  it('refuses a query nested 20 levels deep before calling any service', async () => {
    // Member.family leads back to Family: me → families → (members → family) × 9 → id is 21 levels.
    const document = `families { ${'members { family { '.repeat(9)}id${' } }'.repeat(9)} }`;
    const before = await grpcCallsMade(stack.bff.metricsUrl!);
    const r = await post(url(), home.owner.accessToken, { query: `query { me { ${document} } }` });
    const after = await grpcCallsMade(stack.bff.metricsUrl!);
    expect(r.body.data ?? null).to.equal(null);
    // The cost limit (checked as the document is parsed) refuses it before the depth limit would.
    expect(r.body.errors!.map((e) => e.message).join(' '), JSON.stringify(r.body.errors)).to.match(/cost|depth/i);
    expect(total(callsBetween(before, after))).to.equal(0);
  });

  it('refuses a query deeper than GRAPHQL_MAX_DEPTH even when it is cheap', async () => {
    const document = `families { ${'members { family { '.repeat(4)}id${' } }'.repeat(4)} }`;
    const before = await grpcCallsMade(stack.bff.metricsUrl!);
    const r = await post(url(), home.owner.accessToken, { query: `query { me { ${document} } }` });
    const after = await grpcCallsMade(stack.bff.metricsUrl!);
    expect(r.body.errors!.map((e) => e.message).join(' '), JSON.stringify(r.body.errors)).to.match(/depth/i);
    expect(total(callsBetween(before, after))).to.equal(0);
  });

  it('refuses a request without a bearer token with the REST 401 problem', async () => {
    const res = await fetch(`${url()}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(res.status).to.equal(401);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  });

  it("creates an expense with REST's validation, and once per Idempotency-Key", async () => {
    const mutation =
      'mutation($f: ID!, $input: CreateExpenseInput!) { createExpense(familyId: $f, input: $input) { id amountMinor currency } }';
    const invalid = await post(url(), home.owner.accessToken, {
      query: mutation,
      variables: { f: home.familyId, input: { amountMinor: 100, description: '' } },
    });
    expect(codes(invalid)).to.deep.equal(['VALIDATION_FAILED']);
    expect((invalid.body.errors![0]!.extensions!.errors as { field: string }[]).map((e) => e.field)).to.deep.equal([
      'description',
    ]);

    const key = idempotencyKey();
    const body = {
      query: mutation,
      variables: { f: home.familyId, input: { amountMinor: 4599, description: 'Shoes' } },
    };
    const first = await post(url(), home.owner.accessToken, body, { 'Idempotency-Key': key });
    const again = await post(url(), home.owner.accessToken, body, { 'Idempotency-Key': key });
    expect(first.body.errors).to.equal(undefined);
    expect(first.body.data.createExpense).to.include({ amountMinor: 4599, currency: 'EUR' });
    expect(again.body.data.createExpense.id).to.equal(first.body.data.createExpense.id);
  });

  it('approves a submitted chore and pays the reward', async () => {
    const kid = home.children[2]!;
    const chores = await post(url(), home.owner.accessToken, {
      query: 'query($f: ID!, $k: ID!) { family(id: $f) { chores(status: SUBMITTED, assigneeMemberId: $k) { id } } }',
      variables: { f: home.familyId, k: kid.memberId },
    });
    const choreId = chores.body.data.family.chores[0].id as string;
    const approve =
      'mutation($f: ID!, $c: ID!) { approveChore(familyId: $f, choreId: $c) { chore { status } entries { amountMinor } } }';
    const byChild = await post(url(), kid.accessToken, { query: approve, variables: { f: home.familyId, c: choreId } });
    expect(codes(byChild)).to.deep.equal(['FORBIDDEN']);
    const r = await post(url(), home.parents[1]!.accessToken, {
      query: approve,
      variables: { f: home.familyId, c: choreId },
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).to.equal(undefined);
    expect(r.body.data.approveChore.chore.status).to.equal('APPROVED');
  });

  it('lets a child save toward their goal and submit a chore, a parent reject one, and marks notifications read', async () => {
    const kid = home.children[1]!;
    const mine = await post(url(), kid.accessToken, {
      query:
        'query($f: ID!, $k: ID!) { family(id: $f) { goals { id ownerMemberId savedMinor } chores(assigneeMemberId: $k) { id status } } }',
      variables: { f: home.familyId, k: kid.memberId },
    });
    const goal = mine.body.data.family.goals.find((g: { ownerMemberId: string }) => g.ownerMemberId === kid.memberId);
    const saved = await post(url(), kid.accessToken, {
      query:
        'mutation($f: ID!, $g: ID!) { contributeToGoal(familyId: $f, goalId: $g, input: { amountMinor: 250 }) { amountMinor goal { savedMinor } balance { saveMinor } } }',
      variables: { f: home.familyId, g: goal.id },
    });
    expect(saved.body.errors, JSON.stringify(saved.body.errors)).to.equal(undefined);
    expect(saved.body.data.contributeToGoal.goal.savedMinor).to.equal(goal.savedMinor + 250);
    const tooMuch = await post(url(), kid.accessToken, {
      query:
        'mutation($f: ID!, $g: ID!) { contributeToGoal(familyId: $f, goalId: $g, input: { amountMinor: 0 }) { id } }',
      variables: { f: home.familyId, g: goal.id },
    });
    expect(codes(tooMuch)).to.deep.equal(['VALIDATION_FAILED']);

    const chore = mine.body.data.family.chores[0];
    const reject =
      'mutation($f: ID!, $c: ID!) { rejectChore(familyId: $f, choreId: $c, reason: "Bed not made") { status rejectionReason } }';
    expect(
      codes(await post(url(), kid.accessToken, { query: reject, variables: { f: home.familyId, c: chore.id } })),
    ).to.deep.equal(['FORBIDDEN']);
    const rejected = await post(url(), home.owner.accessToken, {
      query: reject,
      variables: { f: home.familyId, c: chore.id },
    });
    expect(rejected.body.data.rejectChore).to.deep.equal({ status: 'REJECTED', rejectionReason: 'Bed not made' });
    const again = await post(url(), kid.accessToken, {
      query: 'mutation($f: ID!, $c: ID!) { submitChore(familyId: $f, choreId: $c, note: "Made it") { status note } }',
      variables: { f: home.familyId, c: chore.id },
    });
    expect(again.body.data.submitChore).to.deep.equal({ status: 'SUBMITTED', note: 'Made it' });

    const read = await post(url(), home.owner.accessToken, {
      query: 'mutation { markNotificationsRead { unreadCount } }',
    });
    expect(read.body.errors, JSON.stringify(read.body.errors)).to.equal(undefined);
    expect(read.body.data.markNotificationsRead.unreadCount).to.equal(0);
  });

  it('runs a persisted operation by its documentId', async () => {
    const r = await post(url(), home.owner.accessToken, {
      documentId: `sha256:${sha256(DASHBOARD)}`,
      variables: { familyId: home.familyId },
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).to.equal(undefined);
    expect(r.body.data.family.members).to.have.length(5);
    const unknown = await post(url(), home.owner.accessToken, { documentId: 'sha256:0000', variables: {} });
    expect(codes(unknown)).to.deep.equal(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('hides the schema from introspection unless configured, and runs only persisted operations when told', async () => {
    const introspect = { query: '{ __schema { types { name } } }' };
    const off = await post(url(), home.owner.accessToken, introspect);
    expect(off.body.errors?.[0]?.message).to.match(/introspection/i);

    const open = await startTestBff(stack.auth, { GRAPHQL_INTROSPECTION: 'true' });
    const locked = await startTestBff(stack.auth, { GRAPHQL_PERSISTED_ONLY: 'true' });
    try {
      const on = await post(open.url, home.owner.accessToken, introspect);
      expect(on.body.errors).to.equal(undefined);
      expect(on.body.data.__schema.types.map((t: { name: string }) => t.name)).to.include('Family');
      const freeForm = await post(locked.url, home.owner.accessToken, { query: '{ me { id } }' });
      expect(codes(freeForm)).to.deep.equal(['PERSISTED_OPERATION_REQUIRED']);
    } finally {
      await open.stop();
      await locked.stop();
    }
  });

  it('delivers the caller’s new notifications as a subscription over SSE', async () => {
    const controller = new AbortController();
    const res = await fetch(`${url()}/graphql`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
        Authorization: `Bearer ${home.owner.accessToken}`,
      },
      body: JSON.stringify({ query: 'subscription { notificationAdded { id title category } }' }),
      signal: controller.signal,
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/event-stream/);
    const reader = res.body!.getReader();
    const publisher = createClient({ url: testRedisUrl() });
    await publisher.connect();
    try {
      const channel = userEventsChannel(stack.bff.config.REDIS_KEY_PREFIX, home.owner.userId);
      const message = JSON.stringify({
        id: 'n-1',
        title: 'Chore submitted',
        category: 'CHORE',
        body: '',
        createdAt: '',
      });
      // Published until the subscription is listening (the first read proves it).
      let text = '';
      const decoder = new TextDecoder();
      const reading = (async () => {
        while (!text.includes('Chore submitted')) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value);
        }
      })();
      while (!text.includes('Chore submitted')) {
        await publisher.publish(channel, message);
        await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      expect(text).to.include('"notificationAdded":{"id":"n-1","title":"Chore submitted","category":"CHORE"}');
    } finally {
      controller.abort();
      publisher.destroy();
    }
  });

  it('answers UNAVAILABLE for bank fields on a server without the bank service, and the rest still resolves', async () => {
    const r = await post(url(), home.owner.accessToken, {
      query: 'query($f: ID!) { family(id: $f) { name bankConnections { id } } }',
      variables: { f: home.familyId },
    });
    expect(codes(r)).to.deep.equal(['UNAVAILABLE']);
    expect(r.body.errors![0]!.extensions).to.include({ reason: 'BANK_UNAVAILABLE', status: 503 });
    expect(r.body.errors![0]!.path).to.deep.equal(['family', 'bankConnections']);
  });

  it('is reachable through the SDK, whose errors carry the codes', async () => {
    const sdk = createFamilyClient({ baseUrl: url() });
    sdk.tokens.set({ accessToken: home.owner.accessToken, refreshToken: home.owner.refreshToken });
    const data = await sdk.graphql<{ family: { name: string } }>('query($f: ID!) { family(id: $f) { name } }', {
      f: home.familyId,
    });
    expect(data.family.name).to.equal('The Garcias');
    const failure = await sdk.graphql('query($f: ID!) { family(id: $f) { name } }', { f: other.familyId }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).to.be.instanceOf(GraphQLRequestError);
    expect((failure as GraphQLRequestError).code).to.equal('NOT_FOUND');
  });

  it('serves the apps’ operations from the SDK when only persisted operations run', async () => {
    const { config } = stack.bff;
    const services = {
      EXPENSE_GRPC_URL: config.EXPENSE_GRPC_URL,
      GOALS_GRPC_URL: config.GOALS_GRPC_URL,
      GAMIFICATION_GRPC_URL: config.GAMIFICATION_GRPC_URL!,
      NOTIFICATION_GRPC_URL: config.NOTIFICATION_GRPC_URL!,
      REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
    };
    const locked = await startTestBff(stack.auth, { ...services, GRAPHQL_PERSISTED_ONLY: 'true' });
    try {
      const sent: string[] = [];
      const recording: typeof fetch = async (input, init) => {
        sent.push(await (input as Request).clone().text());
        return fetch(input, init);
      };
      const parent = createFamilyClient({ baseUrl: locked.url, fetch: recording });
      parent.tokens.set({ accessToken: home.owner.accessToken, refreshToken: home.owner.refreshToken });
      const dashboard = await parent.graphql<{ family: { name: string; members: unknown[] } }>(
        persistedOperations.ParentDashboard,
        { familyId: home.familyId },
      );
      expect(dashboard.family.name).to.equal('The Garcias');
      expect(dashboard.family.members).to.have.length(5);
      const kid = createFamilyClient({ baseUrl: locked.url, fetch: recording });
      kid.tokens.set({ accessToken: home.children[0]!.accessToken, refreshToken: home.children[0]!.refreshToken });
      const childHome = await kid.graphql<{ family: { me: { id: string } } }>(persistedOperations.ChildHome, {
        familyId: home.familyId,
      });
      expect(childHome.family.me.id).to.be.a('string');
      // Sent by id only: no document travels.
      expect(sent.map((body) => Object.keys(JSON.parse(body) as object).sort())).to.deep.equal([
        ['documentId', 'variables'],
        ['documentId', 'variables'],
      ]);
    } finally {
      await locked.stop();
    }
  });

  it('sends the document when the BFF does not know an operation’s id', async () => {
    const sdk = createFamilyClient({ baseUrl: url() });
    sdk.tokens.set({ accessToken: home.owner.accessToken, refreshToken: home.owner.refreshToken });
    const unknown = { id: 'sha256:0000', document: 'query Name($f: ID!) { family(id: $f) { name } }' };
    const data = await sdk.graphql<{ family: { name: string } }>(unknown, { f: home.familyId });
    expect(data.family.name).to.equal('The Garcias');
  });
});
