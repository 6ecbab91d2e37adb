// The Finicity adapter against the Finicity emulator on 127.0.0.1:0: partner authentication (one
// request for concurrent callers, renewed when refused), customers and the Connect link's redirect,
// the sealed code exchange, transactions paged by start/limit with epoch-second dates, exact amounts,
// Finicity's errors in the service's words, Finicity-Signature webhooks; then the shared scenarios.
import { expect } from 'chai';
import { BankSandbox, startFinicityEmulator, type FinicityEmulator } from '@family/emulators';
import type { LinkSession } from '../src/adapters/bank.adapter.js';
import { FinicityAdapter, finicityDecimal, type FinicityAdapterOptions } from '../src/adapters/finicity.adapter.js';
import { ProviderError } from '../src/adapters/provider.error.js';
import { adapterScenarios, type InjectedFailure } from './adapter.scenarios.js';

const PARTNER = {
  partnerId: '2445500000001',
  partnerSecret: 'finicity-test-secret',
  appKey: 'finicity-test-app-key',
  webhookSecret: 'finicity-test-webhook-secret',
};
const REDIRECT = 'http://127.0.0.1:3000/bank/callback';
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function adapterFor(f: FinicityEmulator, overrides: Partial<FinicityAdapterOptions> = {}): FinicityAdapter {
  return new FinicityAdapter({ ...PARTNER, apiUrl: f.url, customerType: 'testing', pageSize: 200, ...overrides });
}

/** What the user's browser does with the Connect link: sign in, consent, 302 back. */
async function consent(session: LinkSession): Promise<URL> {
  const response = await fetch(session.linkUrl!, { redirect: 'manual' });
  expect(response.status, await response.clone().text()).to.equal(302);
  return new URL(response.headers.get('location')!);
}

async function link(adapter: FinicityAdapter, state = 'state-1') {
  const session = await adapter.createLinkSession({ state, redirectUri: REDIRECT, userRef: 'member-1' });
  const back = await consent(session);
  return adapter.exchange({ authorizationCode: back.searchParams.get('code')!, redirectUri: REDIRECT });
}

async function providerError(run: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError, but the call succeeded');
}

describe('Finicity adapter', function () {
  this.timeout(30_000);
  let f: FinicityEmulator;
  let sandbox: BankSandbox;
  let adapter: FinicityAdapter;

  beforeEach(async () => {
    sandbox = new BankSandbox();
    f = await startFinicityEmulator({ sandbox, ...PARTNER });
    adapter = adapterFor(f);
  });
  afterEach(() => f.stop());

  it('creates a testing customer and a Connect link whose consent answers 302 with code, state and customer', async () => {
    const redirectUri = `${REDIRECT}?family=f1`;
    const state = 'st+ate/with=odd&chars';
    const session = await adapter.createLinkSession({ state, redirectUri, userRef: 'member-1' });
    const customer = f.customers().at(-1)!;
    expect(customer.type).to.equal('testing');
    expect(customer.username).to.not.include('member-1');
    const url = new URL(session.linkUrl!);
    expect(url.origin).to.equal(f.url);
    expect(url.searchParams.get('customerId')).to.equal(customer.id);
    expect(url.searchParams.get('state')).to.equal(state);

    const back = await consent(session);
    expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT);
    expect(back.searchParams.get('family')).to.equal('f1');
    expect(back.searchParams.get('state')).to.equal(state);
    expect(back.searchParams.get('customerId')).to.equal(customer.id);
    expect(back.searchParams.get('code')).to.match(new RegExp(`^${customer.id}\\.`));
  });

  it('exchanges the code for the customer, naming the bank, and refuses a code naming another customer', async () => {
    const session = await adapter.createLinkSession({ state: 's', redirectUri: REDIRECT, userRef: 'member-1' });
    const code = (await consent(session)).searchParams.get('code')!;
    const result = await adapter.exchange({ authorizationCode: code, redirectUri: REDIRECT });
    const customerId = code.split('.')[0]!;
    expect(result.providerConnectionId).to.equal(customerId);
    expect(result.credentials.extra?.customerId).to.equal(customerId);
    expect(result.credentials.extra?.institutionLoginId).to.be.a('string');
    expect(result.institution).to.deep.equal({ id: 'ins_sandbox', name: 'Sandbox Bank' });

    const other = String(Number(customerId) + 1);
    const forged = await providerError(() =>
      adapter.exchange({ authorizationCode: `${other}.${code.split('.')[1]}`, redirectUri: REDIRECT }),
    );
    expect(forged.kind).to.equal('INVALID_INPUT');
  });

  it('refuses exchanging a customer who connected no account as the caller’s input', async () => {
    const session = await adapter.createLinkSession({ state: 's', redirectUri: REDIRECT, userRef: 'member-1' });
    const back = await consent(session);
    // As if the user had left Connect before choosing an account.
    f.customer(back.searchParams.get('customerId')!)!.sandboxUser = undefined;
    const err = await providerError(() =>
      adapter.exchange({ authorizationCode: back.searchParams.get('code')!, redirectUri: REDIRECT }),
    );
    expect(err.kind).to.equal('INVALID_INPUT');
  });

  it('authenticates the partner with one request for many concurrent callers', async () => {
    const { credentials } = await link(adapter);
    const fresh = adapterFor(f);
    const before = f.authentications;
    const results = await Promise.all(Array.from({ length: 8 }, () => fresh.accounts(credentials)));
    expect(results.every((r) => r.value.length === 3)).to.equal(true);
    expect(f.authentications - before).to.equal(1);
    const auth = f.requests.filter((r) => r.path === '/aggregation/v2/partners/authentication');
    expect(auth.at(-1)!.method).to.equal('POST');
  });

  it('re-authenticates the partner once when Finicity refuses its token, and retries the call once', async () => {
    const { credentials } = await link(adapter);
    const before = f.authentications;
    f.expireTokens();
    const [a, b] = await Promise.all([adapter.accounts(credentials), adapter.accounts(credentials)]);
    expect(a.value).to.have.length(3);
    expect(b.value).to.have.length(3);
    expect(f.authentications - before).to.equal(1);
    expect(a.credentials, 'the customer id stays the credentials').to.equal(undefined);
  });

  it('renews the partner token before its two hours run out', async () => {
    const quick = adapterFor(f, { tokenRefreshMs: 1 });
    const { credentials } = await link(quick);
    const before = f.authentications;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await quick.accounts(credentials);
    expect(f.authentications - before).to.equal(1);
    expect(f.requests.filter((r) => r.status === 401)).to.deep.equal([]);
  });

  it('treats a refused partner secret as an internal error, not the user’s fault', async () => {
    const wrong = adapterFor(f, { partnerSecret: 'not-the-secret' });
    const err = await wrong.createLinkSession({ state: 's', redirectUri: REDIRECT, userRef: 'm' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(Error).and.not.instanceOf(ProviderError);
  });

  it('pages transactions with start, limit and moreAvailable over epoch-second dates', async () => {
    const { credentials } = await link(adapter);
    sandbox.addMany('acc_checking', 450, today(), 'USD');
    const ids = ['acc_checking', 'acc_savings', 'acc_card'];
    let cursor = '';
    let pages = 0;
    const added: string[] = [];
    for (;;) {
      const r = await adapter.fetchChanges({ credentials, cursor, since: daysAgo(90), providerAccountIds: ids });
      pages++;
      added.push(...r.value.added.map((t) => t.providerTransactionId));
      cursor = r.value.nextCursor;
      if (!r.value.hasMore) break;
    }
    expect(pages).to.equal(3);
    expect(new Set(added).size).to.equal(450);
    const queries = f.requests.filter((r) => r.path.endsWith('/transactions')).map((r) => new URLSearchParams(r.query));
    expect(queries.map((q) => q.get('start'))).to.deep.equal(['1', '201', '401']);
    expect(queries.every((q) => q.get('limit') === '200' && q.get('includePending') === 'true')).to.equal(true);
    expect(Number(queries[0]!.get('fromDate'))).to.equal(Date.parse(`${daysAgo(90)}T00:00:00Z`) / 1000);
    expect(Number(queries[0]!.get('toDate'))).to.equal(Date.parse(`${today()}T23:59:59Z`) / 1000);
  });

  it('reads a pending transaction as pending and its posting as a new booking that removes it', async () => {
    const { credentials } = await link(adapter);
    const ids = ['acc_checking'];
    const pending = sandbox.add({
      accountId: 'acc_checking',
      amount: '20.00',
      direction: 'OUT',
      currency: 'USD',
      bookedOn: daysAgo(1),
      pending: true,
      description: 'Restaurant',
    });
    const first = await adapter.fetchChanges({ credentials, cursor: '', since: daysAgo(5), providerAccountIds: ids });
    expect(first.value.added.map((t) => [t.providerTransactionId, t.pending, t.amount, t.direction])).to.deep.equal([
      [pending.id, true, '20.00', 'OUT'],
    ]);
    const posted = sandbox.post(pending.id, { amount: '24.10' });
    const second = await adapter.fetchChanges({
      credentials,
      cursor: first.value.nextCursor,
      since: daysAgo(5),
      providerAccountIds: ids,
    });
    expect(second.value.added.map((t) => [t.providerTransactionId, t.pending, t.amount])).to.deep.equal([
      [posted.id, false, '24.10'],
    ]);
    expect(second.value.removed).to.deep.equal([pending.id]);
  });

  it('converts Finicity’s JSON numbers exactly through the currency’s exponent', () => {
    expect(finicityDecimal(0.1 + 0.2, 'USD')).to.equal('0.30');
    expect(finicityDecimal(-12.5, 'USD')).to.equal('-12.50');
    expect(finicityDecimal(1500, 'JPY')).to.equal('1500');
    expect(finicityDecimal(1.5, 'KWD')).to.equal('1.500');
    expect(finicityDecimal(-0.001, 'CAD')).to.equal('0.00');
  });

  it('maps a 429 with Retry-After to RATE_LIMITED with the wait', async () => {
    const { credentials } = await link(adapter);
    f.failNext(1, 'rate_limited');
    const err = await providerError(() => adapter.accounts(credentials));
    expect(err.kind).to.equal('RATE_LIMITED');
    expect(err.details.retryAfterMs).to.equal(1000);
  });

  it('answers REVOKED for a customer deleted at Finicity', async () => {
    const { credentials } = await link(adapter);
    await adapter.revoke(credentials);
    expect(f.customer(credentials.extra!.customerId!)!.deleted).to.equal(true);
    expect((await providerError(() => adapter.accounts(credentials))).kind).to.equal('REVOKED');
  });

  it('refuses to start without an explicit API URL', () => {
    expect(() => new FinicityAdapter({ ...PARTNER, apiUrl: '' })).to.throw(/apiUrl/);
  });

  it('refuses every webhook when no webhook secret is configured', async () => {
    const unsigned = adapterFor(f, { webhookSecret: undefined });
    const signed = f.signWebhook(f.event('done', '123'));
    const err = await providerError(() =>
      unsigned.verifyWebhook({
        body: Buffer.from(signed.body),
        headers: signed.headers,
        path: '/v1/webhooks/finicity',
      }),
    );
    expect(err.kind).to.equal('UNAUTHENTICATED');
  });
});

const FAILURES: Record<InjectedFailure, Parameters<FinicityEmulator['failNext']>[1]> = {
  RATE_LIMITED: 'rate_limited',
  UNAVAILABLE: 'unavailable',
  LOGIN_REQUIRED: 'login_required',
  CONSENT_EXPIRED: 'consent_expired',
};

adapterScenarios(
  'Finicity',
  async () => {
    const sandbox = new BankSandbox();
    const f = await startFinicityEmulator({ sandbox, ...PARTNER });
    return {
      adapter: adapterFor(f),
      sandbox,
      controls: {
        failNext: (failure, count = 1) => f.failNext(count, FAILURES[failure]),
        expireLogin: (id) => f.expireLogin(id),
        webhook: (kind, id, options = {}) => {
          const type = kind === 'SYNC_AVAILABLE' ? 'done' : 'invalidCredentials';
          const at = Math.floor((options.at ?? new Date()).getTime() / 1000);
          const signed = f.signWebhook(f.event(type, id, { eventDate: at }));
          return Promise.resolve({
            body: Buffer.from(signed.body),
            headers: signed.headers,
            path: '/v1/webhooks/finicity',
          });
        },
      },
      async linkUser(session, _input, username) {
        if (username) f.signInAs(username);
        const back = await consent(session);
        return { authorizationCode: back.searchParams.get('code')!, redirectUri: REDIRECT };
      },
      stop: () => f.stop(),
    };
  },
  { firstSyncCount: 600 },
);
