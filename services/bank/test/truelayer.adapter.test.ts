// The TrueLayer adapter through the real `truelayer-client` against the TrueLayer emulator on
// 127.0.0.1:0: the auth link's redirect, code exchange, token refresh, accounts and cards, date-window
// syncing (pending → booked, removed bookings), TrueLayer's errors in the service's words, webhooks
// verified by their Tl-Signature; then the shared adapter scenarios.
import { expect } from 'chai';
import { BankSandbox, startHttpEmulator, startTrueLayerEmulator, type TrueLayerEmulator } from '@family/emulators';
import type {
  FetchChangesInput,
  LinkSession,
  ProviderCredentials,
  ProviderTransaction,
  TransactionChanges,
  WebhookInput,
} from '../src/adapters/bank.adapter.js';
import { ProviderError } from '../src/adapters/provider.error.js';
import { TrueLayerAdapter, type TrueLayerAdapterOptions } from '../src/adapters/truelayer.adapter.js';
import { adapterScenarios, type InjectedFailure } from './adapter.scenarios.js';

const CLIENT = { clientId: 'family-tests', clientSecret: 'secret-family-tests' };
const REDIRECT = 'http://127.0.0.1:3000/bank/callback';
const WEBHOOK_PATH = '/v1/webhooks/truelayer';
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function adapterFor(tl: TrueLayerEmulator, overrides: Partial<TrueLayerAdapterOptions> = {}): TrueLayerAdapter {
  return new TrueLayerAdapter({
    ...CLIENT,
    authUrl: tl.authUrl,
    apiUrl: tl.apiUrl,
    webhookJwksUrl: tl.jwksUrl,
    providers: ['uk-ob-all', 'uk-oauth-all'],
    ...overrides,
  });
}

/** What the user's browser does with the link: the sandbox signs in and redirects with code and state. */
async function consent(session: LinkSession): Promise<URL> {
  const response = await fetch(session.linkUrl!, { redirect: 'manual' });
  expect(response.status, await response.clone().text()).to.equal(302);
  return new URL(response.headers.get('location')!);
}

async function link(adapter: TrueLayerAdapter, state = 'state-1') {
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

/** Pages from `cursor` until hasMore is false, keeping refreshed credentials. */
async function syncAll(adapter: TrueLayerAdapter, input: FetchChangesInput) {
  const all: TransactionChanges & { pages: number; credentials: ProviderCredentials } = {
    added: [],
    modified: [],
    removed: [],
    nextCursor: input.cursor,
    hasMore: false,
    pages: 0,
    credentials: input.credentials,
  };
  for (;;) {
    const r = await adapter.fetchChanges({ ...input, credentials: all.credentials, cursor: all.nextCursor });
    if (r.credentials) all.credentials = r.credentials;
    all.pages++;
    all.added.push(...r.value.added);
    all.modified.push(...r.value.modified);
    all.removed.push(...r.value.removed);
    all.nextCursor = r.value.nextCursor;
    if (!r.value.hasMore) return all;
    if (all.pages > 100) throw new Error('no end of pages');
  }
}

const ids = (ts: ProviderTransaction[]) => ts.map((t) => t.providerTransactionId).sort();

describe('TrueLayer adapter', function () {
  this.timeout(30_000);
  let tl: TrueLayerEmulator;
  let sandbox: BankSandbox;
  let adapter: TrueLayerAdapter;

  beforeEach(async () => {
    sandbox = new BankSandbox();
    tl = await startTrueLayerEmulator({ sandbox, ...CLIENT });
    adapter = adapterFor(tl);
  });
  afterEach(() => tl.stop());

  describe('linking', () => {
    it('builds an auth link whose consent answers 302 to the redirect with code and state', async () => {
      // A state and a redirect with characters the client's own encoding would mangle.
      const state = 'st+ate/with=odd&chars';
      const redirectUri = `${REDIRECT}?family=f1&from=app`;
      const session = await adapter.createLinkSession({ state, redirectUri, userRef: 'member-1' });
      const url = new URL(session.linkUrl!);
      expect(url.origin).to.equal(tl.authUrl);
      expect(url.searchParams.get('response_type')).to.equal('code');
      expect(url.searchParams.get('client_id')).to.equal(CLIENT.clientId);
      expect(url.searchParams.get('redirect_uri')).to.equal(redirectUri);
      expect(url.searchParams.get('state')).to.equal(state);
      expect(url.searchParams.get('scope')!.split(' ')).to.include.members([
        'info',
        'accounts',
        'balance',
        'transactions',
        'offline_access',
      ]);
      expect(url.searchParams.get('providers')).to.equal('uk-ob-all uk-oauth-all');
      expect(session.expiresAt.getTime()).to.be.greaterThan(Date.now());

      const back = await consent(session);
      expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT);
      expect(back.searchParams.get('family')).to.equal('f1');
      expect(back.searchParams.get('state')).to.equal(state);
      expect(back.searchParams.get('code')).to.be.a('string').and.not.equal('');
    });

    it('exchanges the code for tokens and names the credentials, the bank and the consent’s end', async () => {
      const result = await link(adapter);
      expect(result.providerConnectionId).to.be.a('string').and.not.equal('');
      expect(tl.credentials(result.providerConnectionId)?.username).to.equal('user_good');
      expect(result.institution).to.deep.equal({ id: 'ins_sandbox', name: 'Sandbox Bank' });
      expect(result.credentials.refreshToken).to.be.a('string').and.not.equal('');
      expect(result.credentials.extra?.credentialsId).to.equal(result.providerConnectionId);
      const accessLeft = Date.parse(result.credentials.accessExpiresAt!) - Date.now();
      expect(accessLeft).to.be.within(3_500_000, 3_600_000);
      const consentDays = (result.consentExpiresAt!.getTime() - Date.now()) / 86_400_000;
      expect(consentDays).to.be.within(89.9, 90);
    });

    it('refuses a code used twice, or for another redirect, as the caller’s input', async () => {
      const session = await adapter.createLinkSession({ state: 's', redirectUri: REDIRECT, userRef: 'm' });
      const code = (await consent(session)).searchParams.get('code')!;
      const other = await providerError(() =>
        adapter.exchange({ authorizationCode: code, redirectUri: 'http://127.0.0.1:3000/elsewhere' }),
      );
      expect(other.kind).to.equal('INVALID_INPUT');
      await adapter.exchange({ authorizationCode: code, redirectUri: REDIRECT });
      const twice = await providerError(() => adapter.exchange({ authorizationCode: code, redirectUri: REDIRECT }));
      expect(twice.kind).to.equal('INVALID_INPUT');
    });

    it('refuses a client the provider does not know as an internal error, not the user’s fault', async () => {
      const session = await adapter.createLinkSession({ state: 's', redirectUri: REDIRECT, userRef: 'm' });
      const code = (await consent(session)).searchParams.get('code')!;
      const wrong = adapterFor(tl, { clientSecret: 'not-the-secret' });
      const err = await wrong.exchange({ authorizationCode: code, redirectUri: REDIRECT }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(Error).and.not.instanceOf(ProviderError);
    });
  });

  describe('accounts and tokens', () => {
    it('lists current, savings and card accounts with masks and balances', async () => {
      const { credentials } = await link(adapter);
      const { value } = await adapter.accounts(credentials);
      const byId = new Map(value.map((a) => [a.providerAccountId, a]));
      expect([...byId.keys()].sort()).to.deep.equal(['acc_card', 'acc_checking', 'acc_savings']);
      expect(byId.get('acc_checking')).to.include({
        name: 'Everyday Checking',
        mask: '0000',
        kind: 'CHECKING',
        currency: 'USD',
        currentBalance: '1250',
        availableBalance: '1200',
      });
      expect(byId.get('acc_savings')).to.include({ kind: 'SAVINGS', mask: '1111', currentBalance: '5000' });
      expect(byId.get('acc_card')).to.include({
        kind: 'CREDIT_CARD',
        mask: '3333',
        currentBalance: '410.25',
        availableBalance: '1589.75',
      });
      expect(byId.get('acc_card')!.balanceAsOf).to.be.instanceOf(Date);
    });

    it('refreshes a token TrueLayer refuses, hands back rotated credentials, and the old refresh token is spent', async () => {
      const { credentials, providerConnectionId } = await link(adapter);
      tl.expireAccessToken(providerConnectionId);
      const r = await adapter.accounts(credentials);
      expect(r.value).to.have.length(3);
      expect(r.credentials?.accessToken).to.be.a('string').and.not.equal(credentials.accessToken);
      expect(r.credentials?.refreshToken).to.be.a('string').and.not.equal(credentials.refreshToken);
      expect(r.credentials?.extra).to.deep.equal(credentials.extra);

      // The spent refresh token cannot bring the refused access token back.
      const stale = await providerError(() => adapter.accounts(credentials));
      expect(stale.kind).to.equal('REAUTH_REQUIRED');
      // The rotated credentials work without another refresh.
      const again = await adapter.accounts(r.credentials!);
      expect(again.credentials).to.equal(undefined);
    });

    it('refreshes before the access token runs out, without a refused call', async () => {
      const { credentials } = await link(adapter);
      const nearlyExpired = { ...credentials, accessExpiresAt: new Date(Date.now() + 10_000).toISOString() };
      const before = tl.requests.length;
      const r = await adapter.accounts(nearlyExpired);
      expect(r.credentials?.accessToken).to.not.equal(credentials.accessToken);
      const calls = tl.requests.slice(before);
      expect(calls[0]).to.include({ server: 'auth', path: '/connect/token', grantType: 'refresh_token', status: 200 });
      expect(calls.filter((c) => c.status === 401)).to.deep.equal([]);
    });

    it('points each adapter at its own servers, also with calls of two in flight together', async () => {
      const otherSandbox = new BankSandbox();
      const other = await startTrueLayerEmulator({ sandbox: otherSandbox, ...CLIENT });
      try {
        const otherAdapter = adapterFor(other);
        const [a, b] = await Promise.all([link(adapter), link(otherAdapter)]);
        sandbox.add({
          accountId: 'acc_checking',
          amount: '1.00',
          direction: 'OUT',
          currency: 'USD',
          bookedOn: today(),
          pending: false,
          description: 'here',
        });
        otherSandbox.add({
          accountId: 'acc_checking',
          amount: '2.00',
          direction: 'OUT',
          currency: 'USD',
          bookedOn: today(),
          pending: false,
          description: 'there',
        });
        const input = { cursor: '', since: daysAgo(3), providerAccountIds: ['acc_checking'] };
        const [mine, theirs] = await Promise.all([
          syncAll(adapter, { ...input, credentials: a.credentials }),
          syncAll(otherAdapter, { ...input, credentials: b.credentials }),
        ]);
        expect(mine.added.map((t) => t.description)).to.deep.equal(['here']);
        expect(theirs.added.map((t) => t.description)).to.deep.equal(['there']);
        expect(other.requests.some((r) => r.server === 'api')).to.equal(true);
      } finally {
        await other.stop();
      }
    });
  });

  describe('syncing', () => {
    let credentials: ProviderCredentials;
    const accounts = ['acc_checking', 'acc_savings', 'acc_card'];
    const fetchAll = (cursor: string, since = daysAgo(90)) =>
      syncAll(adapter, { credentials, cursor, since, providerAccountIds: accounts });

    beforeEach(async () => {
      credentials = (await link(adapter)).credentials;
    });

    it('first sync covers the window in pages, money in and out as positive amounts; then only what is new', async () => {
      sandbox.addMany('acc_checking', 120, today());
      sandbox.add({
        accountId: 'acc_checking',
        amount: '2500.00',
        direction: 'IN',
        currency: 'USD',
        bookedOn: daysAgo(2),
        pending: false,
        description: 'Salary',
      });
      sandbox.add({
        accountId: 'acc_card',
        amount: '45.10',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: daysAgo(1),
        pending: false,
        description: 'Groceries',
        merchant: 'Green Grocer',
      });
      const first = await fetchAll('');
      expect(first.pages).to.be.greaterThan(1);
      expect(ids(first.added)).to.deep.equal(
        sandbox
          .list(accounts)
          .map((t) => t.id)
          .sort(),
      );
      expect(new Set(ids(first.added)).size).to.equal(first.added.length);
      const salary = first.added.find((t) => t.description === 'Salary')!;
      expect(salary).to.include({ amount: '2500', direction: 'IN', bookedOn: daysAgo(2), pending: false });
      const groceries = first.added.find((t) => t.description === 'Groceries')!;
      expect(groceries).to.include({
        amount: '45.1',
        direction: 'OUT',
        providerAccountId: 'acc_card',
        merchant: 'Green Grocer',
      });

      const cursor = JSON.parse(first.nextCursor) as { accounts: Record<string, { through: string }> };
      expect(cursor.accounts.acc_checking!.through, 'the last fully fetched day').to.equal(daysAgo(1));

      const nothing = await fetchAll(first.nextCursor);
      expect([nothing.added, nothing.modified, nothing.removed]).to.deep.equal([[], [], []]);
      const fresh = sandbox.add({
        accountId: 'acc_checking',
        amount: '12.34',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: today(),
        pending: false,
        description: 'Bookshop',
      });
      const next = await fetchAll(nothing.nextCursor);
      expect(ids(next.added)).to.deep.equal([fresh.id]);
      expect(next.pages).to.equal(1);
    });

    it('pending then booked under a new id and amount: the booked one names its pending one', async () => {
      const pending = sandbox.add({
        accountId: 'acc_checking',
        amount: '20.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: today(),
        pending: true,
        description: 'Restaurant',
        merchant: 'Trattoria',
      });
      const first = await fetchAll('', daysAgo(30));
      expect(first.added).to.have.length(1);
      expect(first.added[0]).to.include({ providerTransactionId: pending.id, pending: true, amount: '20' });

      const posted = sandbox.post(pending.id, { amount: '24.00' });
      const r = await fetchAll(first.nextCursor, daysAgo(30));
      expect(r.added).to.have.length(1);
      expect(r.added[0]).to.include({
        providerTransactionId: posted.id,
        pendingTransactionId: pending.id,
        pending: false,
        amount: '24',
      });
      expect(r.removed).to.deep.equal([pending.id]);
    });

    it('a pending transaction booked under its own id comes back modified, not added or removed', async () => {
      const pending = sandbox.add({
        accountId: 'acc_checking',
        amount: '8.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: daysAgo(1),
        pending: true,
        description: 'Taxi',
      });
      const first = await fetchAll('', daysAgo(30));
      sandbox.post(pending.id, { newId: false });
      const r = await fetchAll(first.nextCursor, daysAgo(30));
      expect(r.added).to.deep.equal([]);
      expect(r.removed).to.deep.equal([]);
      expect(r.modified.map((t) => [t.providerTransactionId, t.pending])).to.deep.equal([[pending.id, false]]);
    });

    it('a booking the bank changes comes back modified, and one it takes back comes back removed', async () => {
      const kept = sandbox.add({
        accountId: 'acc_checking',
        amount: '5.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: daysAgo(3),
        pending: false,
        description: 'Bakery',
      });
      const gone = sandbox.add({
        accountId: 'acc_checking',
        amount: '7.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: daysAgo(2),
        pending: false,
        description: 'Duplicate charge',
      });
      const old = sandbox.add({
        accountId: 'acc_checking',
        amount: '9.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: daysAgo(20),
        pending: false,
        description: 'Old',
      });
      const first = await fetchAll('', daysAgo(30));
      expect(ids(first.added)).to.deep.equal([kept.id, gone.id, old.id].sort());

      sandbox.modify(kept.id, { amount: '5.50' });
      sandbox.remove(gone.id);
      const r = await fetchAll(first.nextCursor, daysAgo(30));
      expect(r.modified.map((t) => [t.providerTransactionId, t.amount])).to.deep.equal([[kept.id, '5.5']]);
      expect(r.removed).to.deep.equal([gone.id]);
      expect(r.added).to.deep.equal([]);
      // Only the overlap is asked for again (through yesterday, 7 days back): older bookings are final.
      const lastWindow = tl.requests.filter((q) => q.path.endsWith('/acc_checking/transactions')).at(-1)!;
      const query = new URLSearchParams(lastWindow.query);
      expect([query.get('from'), query.get('to')]).to.deep.equal([daysAgo(7), today()]);
    });

    it('a rate limit is RATE_LIMITED and an outage UNAVAILABLE, both retryable; the same cursor then works', async () => {
      sandbox.add({
        accountId: 'acc_checking',
        amount: '3.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: today(),
        pending: false,
        description: 'Coffee',
      });
      const input = { credentials, cursor: '', since: daysAgo(10), providerAccountIds: accounts };
      tl.failNext(1, 'rate_limited');
      const limited = await providerError(() => adapter.fetchChanges(input));
      expect([limited.kind, limited.retryable]).to.deep.equal(['RATE_LIMITED', true]);
      for (const kind of ['server_error', 'unavailable', 'timeout'] as const) {
        tl.failNext(1, kind);
        const down = await providerError(() => adapter.fetchChanges(input));
        expect([down.kind, down.retryable], kind).to.deep.equal(['UNAVAILABLE', true]);
      }
      const r = await syncAll(adapter, input);
      expect(r.added.map((t) => t.description)).to.deep.equal(['Coffee']);
    });

    it('an unreachable TrueLayer is UNAVAILABLE', async () => {
      const gone = adapterFor(tl, { apiUrl: 'http://127.0.0.1:9' });
      const err = await providerError(() =>
        gone.fetchChanges({ credentials, cursor: '', since: daysAgo(3), providerAccountIds: accounts }),
      );
      expect(err.kind).to.equal('UNAVAILABLE');
    });

    it('expired consent is CONSENT_EXPIRED, a lost bank session REAUTH_REQUIRED, revoked access REVOKED', async () => {
      const input = { credentials, cursor: '', since: daysAgo(3), providerAccountIds: accounts };
      tl.failNext(1, 'consent_expired');
      expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('CONSENT_EXPIRED');
      tl.failNext(1, 'login_required');
      expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('REAUTH_REQUIRED');
      tl.failNext(1, 'revoked');
      expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('REVOKED');

      const { credentials: second, providerConnectionId } = await link(adapter, 'state-2');
      tl.expireConsent(providerConnectionId);
      const expired = await providerError(() => adapter.fetchChanges({ ...input, credentials: second }));
      expect([expired.kind, expired.retryable]).to.deep.equal(['CONSENT_EXPIRED', false]);
      tl.expireAccessToken(providerConnectionId);
      const refreshRefused = await providerError(() => adapter.fetchChanges({ ...input, credentials: second }));
      expect(refreshRefused.kind).to.equal('CONSENT_EXPIRED');

      const { credentials: third, providerConnectionId: thirdId } = await link(adapter, 'state-3');
      tl.revoke(thirdId);
      expect((await providerError(() => adapter.fetchChanges({ ...input, credentials: third }))).kind).to.equal(
        'REVOKED',
      );
    });

    it('revoke ends the credentials at TrueLayer; revoking again is not an error', async () => {
      const { credentials: mine, providerConnectionId } = await link(adapter, 'state-r');
      await adapter.revoke(mine);
      expect(tl.credentials(providerConnectionId)?.revoked).to.equal(true);
      expect(tl.requests.some((r) => r.method === 'DELETE' && r.path === '/api/delete' && r.status === 200)).to.equal(
        true,
      );
      const err = await providerError(() =>
        adapter.fetchChanges({ credentials: mine, cursor: '', since: daysAgo(3), providerAccountIds: accounts }),
      );
      expect(err.kind).to.equal('REVOKED');
      await adapter.revoke(mine);
    });
  });

  describe('webhooks', () => {
    const asInput = (signed: { body: string; headers: Record<string, string>; path: string }): WebhookInput => ({
      body: Buffer.from(signed.body),
      headers: signed.headers,
      path: signed.path,
    });

    it('verifies a webhook delivered over HTTP and names the credentials and what happened', async () => {
      const received: WebhookInput[] = [];
      const receiver = await startHttpEmulator((req, body, res) => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        received.push({ body, headers, path: new URL(req.url ?? '/', 'http://x').pathname });
        res.writeHead(200).end();
      });
      try {
        const payload = tl.event('transactions_updated', 'cred-1');
        const { status } = await tl.sendWebhook(`${receiver.url}${WEBHOOK_PATH}`, payload);
        expect(status).to.equal(200);
        const event = await adapter.verifyWebhook(received[0]!);
        expect(event).to.include({ kind: 'SYNC_AVAILABLE', providerConnectionId: 'cred-1', eventId: payload.event_id });
        expect(Math.abs(event.occurredAt.getTime() - Date.now())).to.be.lessThan(5_000);
      } finally {
        await receiver.stop();
      }
    });

    it('reads consent, re-auth and revocation events, and an async-request callback as sync available', async () => {
      const kinds = [];
      for (const [type, fields] of [
        ['consent_expiring', { consent_expires_at: '2027-01-01T00:00:00Z' }],
        ['reauthentication_required', {}],
        ['consent_revoked', {}],
        ['payment_executed', {}],
      ] as const) {
        const e = await adapter.verifyWebhook(asInput(tl.signWebhook(WEBHOOK_PATH, tl.event(type, 'cred-1', fields))));
        kinds.push(e.kind);
        if (type === 'consent_expiring') expect(e.consentExpiresAt?.toISOString()).to.equal('2027-01-01T00:00:00.000Z');
      }
      expect(kinds).to.deep.equal(['CONSENT_EXPIRING', 'REAUTH_REQUIRED', 'REVOKED', 'IGNORED']);
      const callback = {
        task_id: 'task-1',
        status: 'Succeeded',
        credentials_id: 'cred-1',
        results_uri: `${tl.apiUrl}/data/v1/results/task-1`,
      };
      const e = await adapter.verifyWebhook(asInput(tl.signWebhook(WEBHOOK_PATH, callback)));
      expect(e).to.include({ kind: 'SYNC_AVAILABLE', eventId: 'task-1', providerConnectionId: 'cred-1' });
    });

    it('refuses a forged webhook: a changed body, another path, a foreign key or jku, or no signature', async () => {
      const valid = asInput(tl.signWebhook(WEBHOOK_PATH, tl.event('transactions_updated', 'cred-1')));
      await adapter.verifyWebhook(valid);
      const tampered = { ...valid, body: Buffer.from(Buffer.from(valid.body).toString().replace('cred-1', 'cred-2')) };
      const otherPath = { ...valid, path: '/v1/webhooks/plaid' };
      const unsigned = { ...valid, headers: { 'x-tl-webhook-timestamp': valid.headers['x-tl-webhook-timestamp']! } };
      const otherTime = { ...valid, headers: { ...valid.headers, 'x-tl-webhook-timestamp': new Date().toISOString() } };
      const impostor = await startTrueLayerEmulator({ ...CLIENT });
      try {
        const foreignKey = asInput(impostor.signWebhook(WEBHOOK_PATH, tl.event('transactions_updated', 'cred-1')));
        const expectingImpostor = adapterFor(tl, { webhookJwksUrl: impostor.jwksUrl });
        for (const forged of [tampered, otherPath, unsigned, otherTime, foreignKey]) {
          expect((await providerError(() => adapter.verifyWebhook(forged))).kind).to.equal('UNAUTHENTICATED');
        }
        // A signature naming a JWKS other than the configured one is refused before any key is read.
        const err = await providerError(() => expectingImpostor.verifyWebhook(valid));
        expect([err.kind, err.message]).to.deep.equal(['UNAUTHENTICATED', 'TrueLayer webhook: unexpected jku']);
      } finally {
        await impostor.stop();
      }
    });

    it('a replayed webhook keeps its event id; one signed outside the five-minute window is refused', async () => {
      const valid = asInput(tl.signWebhook(WEBHOOK_PATH, tl.event('transactions_updated', 'cred-1')));
      const first = await adapter.verifyWebhook(valid);
      const again = await adapter.verifyWebhook({ ...valid, body: Buffer.from(valid.body) });
      expect(again.eventId).to.equal(first.eventId);
      const stale = asInput(
        tl.signWebhook(WEBHOOK_PATH, tl.event('transactions_updated', 'cred-1'), {
          at: new Date(Date.now() - 6 * 60_000),
        }),
      );
      const err = await providerError(() => adapter.verifyWebhook(stale));
      expect(err.kind).to.equal('UNAUTHENTICATED');
    });

    it('caches the JWKS, and reads it again when TrueLayer signs with a new key', async () => {
      const jwksReads = () => tl.requests.filter((r) => r.path === '/.well-known/jwks').length;
      await adapter.verifyWebhook(asInput(tl.signWebhook(WEBHOOK_PATH, tl.event('transactions_updated', 'c'))));
      await adapter.verifyWebhook(asInput(tl.signWebhook(WEBHOOK_PATH, tl.event('transactions_updated', 'c'))));
      expect(jwksReads()).to.equal(1);
      tl.rotateWebhookKey();
      const e = await adapter.verifyWebhook(asInput(tl.signWebhook(WEBHOOK_PATH, tl.event('consent_revoked', 'c'))));
      expect(e.kind).to.equal('REVOKED');
      expect(jwksReads()).to.equal(2);
    });
  });
});

const FAILURES: Record<InjectedFailure, Parameters<TrueLayerEmulator['failNext']>[1]> = {
  RATE_LIMITED: 'rate_limited',
  UNAVAILABLE: 'unavailable',
  LOGIN_REQUIRED: 'login_required',
  CONSENT_EXPIRED: 'consent_expired',
};

adapterScenarios(
  'TrueLayer',
  async () => {
    const sandbox = new BankSandbox();
    const tl = await startTrueLayerEmulator({ sandbox, ...CLIENT });
    return {
      adapter: adapterFor(tl),
      sandbox,
      controls: {
        failNext: (failure, count = 1) => tl.failNext(count, FAILURES[failure]),
        expireLogin: (id) => tl.expireLogin(id),
        expireAccessToken: (id) => tl.expireAccessToken(id),
        webhook: (kind, id, options = {}) => {
          const type = kind === 'SYNC_AVAILABLE' ? 'transactions_updated' : 'reauthentication_required';
          const signed = tl.signWebhook(WEBHOOK_PATH, tl.event(type, id), options);
          return Promise.resolve({ body: Buffer.from(signed.body), headers: signed.headers, path: signed.path });
        },
      },
      async linkUser(session, input, username = 'user_good') {
        tl.signInAs(username);
        const back = await consent(session);
        expect(back.searchParams.get('state')).to.equal(input.state);
        return { authorizationCode: back.searchParams.get('code')!, redirectUri: input.redirectUri };
      },
      stop: () => tl.stop(),
    };
  },
  { expectPagination: true },
);
