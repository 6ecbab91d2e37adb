// The Tink adapter over fetch against the Tink emulator on 127.0.0.1:0: user create and the delegated
// grant behind the Tink Link URL, code → user token, token refresh, accounts, pageToken paging,
// BOOKED/PENDING, exact unscaledValue/scale amounts, Tink's errors in the service's words, webhooks
// verified by their X-Tink-Signature; then the shared adapter scenarios.
import { expect } from 'chai';
import { BankSandbox, defaultUser, startTinkEmulator, type TinkEmulator } from '@family/emulators';
import type { FetchChangesInput, LinkSession, WebhookInput } from '../src/adapters/bank.adapter.js';
import { ProviderError } from '../src/adapters/provider.error.js';
import { TinkAdapter, tinkDecimal, type TinkAdapterOptions } from '../src/adapters/tink.adapter.js';
import { adapterScenarios, type InjectedFailure } from './adapter.scenarios.js';

const CLIENT = { clientId: 'family-tests', clientSecret: 'secret-family-tests', webhookSecret: 'whsec-family-tests' };
const REDIRECT = 'http://127.0.0.1:3000/bank/callback';
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function adapterFor(tink: TinkEmulator, overrides: Partial<TinkAdapterOptions> = {}): TinkAdapter {
  return new TinkAdapter({ ...CLIENT, apiUrl: tink.apiUrl, linkUrl: tink.linkUrl, ...overrides });
}

/** What the user's browser does with Tink Link: the sandbox connects and redirects with code and state. */
async function consent(session: LinkSession): Promise<URL> {
  const response = await fetch(session.linkUrl!, { redirect: 'manual' });
  expect(response.status, await response.clone().text()).to.equal(302);
  return new URL(response.headers.get('location')!);
}

async function link(adapter: TinkAdapter, state = 'state-1') {
  const session = await adapter.createLinkSession({ state, redirectUri: REDIRECT, userRef: 'member-1', country: 'SE' });
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

async function syncAll(adapter: TinkAdapter, input: FetchChangesInput) {
  const all = {
    added: [] as string[],
    modified: [] as string[],
    removed: [] as string[],
    pages: 0,
    cursor: input.cursor,
  };
  let credentials = input.credentials;
  for (;;) {
    const r = await adapter.fetchChanges({ ...input, credentials, cursor: all.cursor });
    if (r.credentials) credentials = r.credentials;
    all.pages++;
    all.added.push(...r.value.added.map((t) => t.providerTransactionId));
    all.modified.push(...r.value.modified.map((t) => t.providerTransactionId));
    all.removed.push(...r.value.removed);
    all.cursor = r.value.nextCursor;
    if (!r.value.hasMore) return all;
    if (all.pages > 100) throw new Error('no end of pages');
  }
}

describe('Tink adapter', () => {
  let tink: TinkEmulator;
  let sandbox: BankSandbox;
  let adapter: TinkAdapter;

  beforeEach(async () => {
    sandbox = new BankSandbox([defaultUser('EUR')]);
    tink = await startTinkEmulator({ sandbox, ...CLIENT, maxPageSize: 100 });
    adapter = adapterFor(tink, { pageSize: 5 });
  });
  afterEach(() => tink.stop());

  it('converts unscaledValue and scale exactly with the currency’s ISO 4217 exponent', () => {
    expect(tinkDecimal({ unscaledValue: '-1050', scale: '2' }, 'EUR')).to.equal('10.50');
    expect(tinkDecimal({ unscaledValue: '105', scale: '1' }, 'SEK')).to.equal('10.50');
    expect(tinkDecimal({ unscaledValue: '5', scale: '-2' }, 'JPY')).to.equal('500');
    expect(tinkDecimal({ unscaledValue: '12345', scale: '3' }, 'KWD')).to.equal('12.345');
    expect(tinkDecimal({ unscaledValue: '7', scale: '4' }, 'EUR')).to.equal('0.0007');
    expect(tinkDecimal({ unscaledValue: '123456789012345678901', scale: '2' }, 'EUR')).to.equal(
      '1234567890123456789.01',
    );
    expect(tinkDecimal({ unscaledValue: '1000', scale: '3' }, 'DKK')).to.equal('1.00');
    expect(() => tinkDecimal({ unscaledValue: '1.5', scale: '2' }, 'EUR')).to.throw(ProviderError);
  });

  it('creates a Tink user and a delegated grant, and Tink Link comes back with code and state', async () => {
    const session = await adapter.createLinkSession({
      state: 'state-x',
      redirectUri: REDIRECT,
      userRef: 'member-1',
      country: 'DE',
      language: 'de',
    });
    const url = new URL(session.linkUrl!);
    expect(`${url.origin}${url.pathname}`).to.equal(`${tink.linkUrl}/1.0/transactions/connect-accounts`);
    expect(Object.fromEntries(url.searchParams)).to.include({
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
      market: 'DE',
      locale: 'de_DE',
      state: 'state-x',
    });
    const paths = tink.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).to.deep.equal([
      'POST /api/v1/oauth/token',
      'POST /api/v1/user/create',
      'POST /api/v1/oauth/authorization-grant/delegate',
    ]);
    const back = await consent(session);
    expect(back.searchParams.get('state')).to.equal('state-x');
    const result = await adapter.exchange({ authorizationCode: back.searchParams.get('code')!, redirectUri: REDIRECT });
    expect(result.institution).to.deep.equal({ id: 'ins_sandbox', name: 'Sandbox Bank' });
    expect(tink.user(result.providerConnectionId)?.market).to.equal('DE');
    // The client token is reused by the next link session.
    await adapter.createLinkSession({ state: 's2', redirectUri: REDIRECT, userRef: 'member-1' });
    expect(tink.requests.filter((r) => r.grantType === 'client_credentials')).to.have.length(1);
  });

  it('refuses to start without explicit Tink URLs (nothing defaults to production)', () => {
    expect(() => new TinkAdapter({ ...CLIENT, apiUrl: '', linkUrl: tink.linkUrl })).to.throw(/apiUrl/);
    expect(() => new TinkAdapter({ ...CLIENT, apiUrl: tink.apiUrl, linkUrl: 'link.tink.com' })).to.throw(/linkUrl/);
  });

  it('pages transactions by pageToken, BOOKED and PENDING, signed amounts read as direction', async () => {
    const { credentials } = await link(adapter);
    for (let i = 0; i < 12; i++) {
      sandbox.add({
        accountId: 'acc_checking',
        amount: `${i + 1}.05`,
        direction: 'OUT',
        currency: 'EUR',
        bookedOn: daysAgo(i),
        pending: false,
        description: `Shop ${i}`,
      });
    }
    const salary = sandbox.add({
      accountId: 'acc_checking',
      amount: '2500.00',
      direction: 'IN',
      currency: 'EUR',
      bookedOn: daysAgo(2),
      pending: false,
      description: 'Salary',
    });
    const coffee = sandbox.add({
      accountId: 'acc_card',
      amount: '4.50',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: true,
      description: 'Coffee',
      merchant: 'Corner Cafe',
    });
    const input = { credentials, cursor: '', since: daysAgo(30), providerAccountIds: ['acc_checking', 'acc_card'] };
    const first = await adapter.fetchChanges(input);
    expect(first.value.hasMore).to.equal(true);
    expect(first.value.added).to.have.length(5);
    const all = await syncAll(adapter, input);
    expect(all.pages).to.equal(3);
    expect(all.added).to.have.length(14);
    const query = new URLSearchParams(tink.requests.filter((r) => r.path === '/data/v2/transactions').at(-1)!.query);
    expect(query.getAll('statusIn')).to.deep.equal(['BOOKED', 'PENDING']);
    expect(query.get('pageToken')).to.be.a('string').and.not.equal('');

    const page = await adapter.fetchChanges({ ...input, cursor: '' });
    const every = [...page.value.added];
    let cursor = page.value.nextCursor;
    while (every.length < 14) {
      const r = await adapter.fetchChanges({ ...input, cursor });
      every.push(...r.value.added);
      cursor = r.value.nextCursor;
    }
    expect(every.find((t) => t.providerTransactionId === salary.id)).to.include({
      amount: '2500.00',
      direction: 'IN',
      pending: false,
    });
    expect(every.find((t) => t.providerTransactionId === coffee.id)).to.include({
      amount: '4.50',
      direction: 'OUT',
      pending: true,
      merchant: 'Corner Cafe',
      providerAccountId: 'acc_card',
    });
  });

  it('re-reads only the overlap: a changed booking is modified, a vanished one removed, old ones left alone', async () => {
    const { credentials } = await link(adapter);
    const kept = sandbox.add({
      accountId: 'acc_checking',
      amount: '5.00',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(3),
      pending: false,
      description: 'Bakery',
    });
    const gone = sandbox.add({
      accountId: 'acc_checking',
      amount: '7.00',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(2),
      pending: false,
      description: 'Duplicate charge',
    });
    sandbox.add({
      accountId: 'acc_checking',
      amount: '9.00',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(20),
      pending: false,
      description: 'Old',
    });
    const input = { credentials, cursor: '', since: daysAgo(30), providerAccountIds: ['acc_checking'] };
    const first = await syncAll(adapter, input);
    expect(first.added).to.have.length(3);
    sandbox.modify(kept.id, { amount: '5.50' });
    sandbox.remove(gone.id);
    const r = await syncAll(adapter, { ...input, cursor: first.cursor });
    expect([r.added, r.modified, r.removed]).to.deep.equal([[], [kept.id], [gone.id]]);
    const query = new URLSearchParams(tink.requests.filter((q) => q.path === '/data/v2/transactions').at(-1)!.query);
    expect(query.get('bookedDateGte')).to.equal(daysAgo(7));
  });

  it('a pending transaction booked under its own id comes back modified, under a new id added with the pending one removed', async () => {
    const { credentials } = await link(adapter);
    const taxi = sandbox.add({
      accountId: 'acc_checking',
      amount: '8.00',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(1),
      pending: true,
      description: 'Taxi',
    });
    const dinner = sandbox.add({
      accountId: 'acc_checking',
      amount: '20.00',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(1),
      pending: true,
      description: 'Dinner',
    });
    const input = { credentials, cursor: '', since: daysAgo(10), providerAccountIds: ['acc_checking'] };
    const first = await syncAll(adapter, input);
    sandbox.post(taxi.id, { newId: false });
    const posted = sandbox.post(dinner.id, { amount: '24.00' });
    const r = await syncAll(adapter, { ...input, cursor: first.cursor });
    expect([r.added, r.modified, r.removed]).to.deep.equal([[posted.id], [taxi.id], [dinner.id]]);
  });

  it('rate limits are RATE_LIMITED with Retry-After, outages UNAVAILABLE, and an unreachable Tink UNAVAILABLE', async () => {
    const { credentials } = await link(adapter);
    const input = { credentials, cursor: '', since: daysAgo(3), providerAccountIds: ['acc_checking'] };
    tink.failNext(1, 'rate_limited');
    const limited = await providerError(() => adapter.fetchChanges(input));
    expect([limited.kind, limited.details.retryAfterMs, limited.retryable]).to.deep.equal(['RATE_LIMITED', 1000, true]);
    for (const kind of ['server_error', 'unavailable'] as const) {
      tink.failNext(1, kind);
      expect((await providerError(() => adapter.fetchChanges(input))).kind, kind).to.equal('UNAVAILABLE');
    }
    const gone = adapterFor(tink, { apiUrl: 'http://127.0.0.1:9' });
    expect((await providerError(() => gone.fetchChanges(input))).kind).to.equal('UNAVAILABLE');
  });

  it('an expired user token is refreshed once and the new credentials handed back; a failed refresh is REAUTH_REQUIRED', async () => {
    const { credentials, providerConnectionId } = await link(adapter);
    const input = { credentials, cursor: '', since: daysAgo(3), providerAccountIds: ['acc_checking'] };
    tink.failNext(1, 'expired_token');
    const r = await adapter.fetchChanges(input);
    expect(r.credentials?.accessToken).to.be.a('string').and.not.equal(credentials.accessToken);
    expect(tink.requests.filter((q) => q.grantType === 'refresh_token')).to.have.length(1);
    tink.expireAccessToken(providerConnectionId);
    const noRefresh = { ...credentials, refreshToken: 'not-a-refresh-token' };
    const err = await providerError(() => adapter.fetchChanges({ ...input, credentials: noRefresh }));
    expect([err.kind, err.retryable]).to.deep.equal(['REAUTH_REQUIRED', false]);
  });

  it('an expired consent is CONSENT_EXPIRED and a bank asking to log in again REAUTH_REQUIRED', async () => {
    const { credentials, providerConnectionId } = await link(adapter);
    const input = { credentials, cursor: '', since: daysAgo(3), providerAccountIds: ['acc_checking'] };
    tink.failNext(1, 'login_required');
    expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('REAUTH_REQUIRED');
    tink.expireConsent(providerConnectionId);
    expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('CONSENT_EXPIRED');
  });

  it('revoke deletes the Tink user; its credentials stop working; revoking again is not an error', async () => {
    const { credentials, providerConnectionId } = await link(adapter);
    await adapter.revoke(credentials);
    expect(tink.user(providerConnectionId)?.deleted).to.equal(true);
    const err = await providerError(() =>
      adapter.fetchChanges({ credentials, cursor: '', since: daysAgo(3), providerAccountIds: ['acc_checking'] }),
    );
    expect(err.kind).to.equal('REAUTH_REQUIRED');
    await adapter.revoke(credentials);
  });

  describe('webhooks', () => {
    const asInput = (signed: { body: string; headers: Record<string, string> }): WebhookInput => ({
      body: Buffer.from(signed.body),
      headers: signed.headers,
      path: '/v1/webhooks/tink',
    });

    it('reads transaction, refresh and unknown events, naming the Tink user', async () => {
      const kinds = [];
      for (const [event, content] of [
        ['account-transactions:modified', { account: { id: 'acc_checking' } }],
        ['refresh:finished', { credentialsStatus: 'UPDATED' }],
        ['refresh:finished', { credentialsStatus: 'AUTHENTICATION_ERROR' }],
        ['account-transactions:deleted', {}],
        ['payment:updated', {}],
      ] as const) {
        const e = await adapter.verifyWebhook(asInput(tink.signWebhook(tink.event(event, 'user-1', content))));
        expect(e.providerConnectionId).to.equal('user-1');
        kinds.push(e.kind);
      }
      expect(kinds).to.deep.equal(['SYNC_AVAILABLE', 'SYNC_AVAILABLE', 'REAUTH_REQUIRED', 'SYNC_AVAILABLE', 'IGNORED']);
    });

    it('refuses a forged webhook: another secret, a changed body or timestamp, a malformed or missing signature', async () => {
      const valid = asInput(tink.signWebhook(tink.event('account-transactions:modified', 'user-1')));
      await adapter.verifyWebhook(valid);
      const other = await startTinkEmulator({ ...CLIENT, webhookSecret: 'someone-else' });
      try {
        const header = valid.headers['x-tink-signature']!;
        const t = /t=(\d+)/.exec(header)![1]!;
        const forged = [
          asInput(other.signWebhook(tink.event('account-transactions:modified', 'user-1'))),
          { ...valid, body: Buffer.from(Buffer.from(valid.body).toString().replace('user-1', 'user-2')) },
          { ...valid, headers: { 'x-tink-signature': header.replace(`t=${t}`, `t=${Number(t) + 1}`) } },
          { ...valid, headers: { 'x-tink-signature': `t=${t}` } },
          { ...valid, headers: { 'x-tink-signature': 'v1=zz' } },
          { ...valid, headers: {} },
        ];
        for (const input of forged) {
          expect((await providerError(() => adapter.verifyWebhook(input))).kind).to.equal('UNAUTHENTICATED');
        }
      } finally {
        await other.stop();
      }
    });

    it('a replay keeps its event id; one signed outside the five-minute window is refused', async () => {
      const valid = asInput(tink.signWebhook(tink.event('account-transactions:modified', 'user-1')));
      expect((await adapter.verifyWebhook(valid)).eventId).to.equal((await adapter.verifyWebhook(valid)).eventId);
      const stale = asInput(
        tink.signWebhook(tink.event('account-transactions:modified', 'user-1'), {
          at: new Date(Date.now() - 6 * 60_000),
        }),
      );
      expect((await providerError(() => adapter.verifyWebhook(stale))).kind).to.equal('UNAUTHENTICATED');
    });
  });
});

const FAILURES: Record<InjectedFailure, Parameters<TinkEmulator['failNext']>[1]> = {
  RATE_LIMITED: 'rate_limited',
  UNAVAILABLE: 'unavailable',
  LOGIN_REQUIRED: 'login_required',
  CONSENT_EXPIRED: 'consent_expired',
};

adapterScenarios(
  'Tink',
  async () => {
    const sandbox = new BankSandbox();
    const tink = await startTinkEmulator({ sandbox, ...CLIENT });
    return {
      adapter: adapterFor(tink),
      sandbox,
      controls: {
        failNext: (failure, count = 1) => tink.failNext(count, FAILURES[failure]),
        expireLogin: (id) => tink.expireLogin(id),
        expireAccessToken: (id) => tink.expireAccessToken(id),
        webhook: (kind, id, options = {}) => {
          const event =
            kind === 'SYNC_AVAILABLE'
              ? tink.event('account-transactions:modified', id, { account: { id: 'acc_checking' } })
              : tink.event('refresh:finished', id, { credentialsStatus: 'AUTHENTICATION_ERROR' });
          const signed = tink.signWebhook(event, options);
          return Promise.resolve({
            body: Buffer.from(signed.body),
            headers: signed.headers,
            path: '/v1/webhooks/tink',
          });
        },
      },
      async linkUser(session, input, username = 'user_good') {
        tink.signInAs(username);
        const back = await consent(session);
        expect(back.searchParams.get('state')).to.equal(input.state);
        return { authorizationCode: back.searchParams.get('code')!, redirectUri: input.redirectUri };
      },
      stop: () => tink.stop(),
    };
  },
  { expectPagination: true },
);
