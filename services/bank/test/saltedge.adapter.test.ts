// The Salt Edge adapter against the Salt Edge emulator on 127.0.0.1:0, requests signed with a key
// pair made for the run: customers and connect sessions (302 back with connection_id and state),
// connections, accounts, from_id / next_id paging, pending → posted, exact amounts, Salt Edge's error
// classes in the service's words, callbacks verified over "callback_url|body"; then the shared
// adapter scenarios.
import { generateKeyPairSync, sign } from 'node:crypto';
import { expect } from 'chai';
import { BankSandbox, defaultUser, startSaltEdgeEmulator, type SaltEdgeEmulator } from '@family/emulators';
import type {
  FetchChangesInput,
  LinkSession,
  ProviderTransaction,
  TransactionChanges,
} from '../src/adapters/bank.adapter.js';
import { loadConfig } from '@family/config';
import { ProviderError } from '../src/adapters/provider.error.js';
import { bankConfigSchema, saltEdgeEnabled } from '../src/config.js';
import { SaltEdgeAdapter, saltEdgeDecimal, type SaltEdgeAdapterOptions } from '../src/adapters/saltedge.adapter.js';
import { adapterScenarios, type InjectedFailure } from './adapter.scenarios.js';

const APP = { appId: 'family-tests-app', secret: 'family-tests-secret' };
const REDIRECT = 'http://127.0.0.1:3000/bank/callback';
const CALLBACK_URL = 'https://api.family.test/v1/webhooks/saltedge';
const CALLBACK_PATH = '/v1/webhooks/saltedge';
const clientKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = clientKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const PUBLIC_PEM = clientKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

async function emulator(sandbox = new BankSandbox()) {
  return startSaltEdgeEmulator({ ...APP, sandbox, clientPublicKey: PUBLIC_PEM });
}

function adapterFor(se: SaltEdgeEmulator, overrides: Partial<SaltEdgeAdapterOptions> = {}): SaltEdgeAdapter {
  return new SaltEdgeAdapter({
    ...APP,
    apiUrl: se.url,
    privateKey: PRIVATE_PEM,
    callbackPublicKey: se.callbackPublicKey,
    callbackUrl: CALLBACK_URL,
    perPage: 100,
    ...overrides,
  });
}

/** What the user's browser does with the connect_url: the sandbox connects and redirects to return_to. */
async function consent(session: LinkSession): Promise<URL> {
  const response = await fetch(session.linkUrl!, { redirect: 'manual' });
  expect(response.status, await response.clone().text()).to.equal(302);
  return new URL(response.headers.get('location')!);
}

async function link(adapter: SaltEdgeAdapter, state = 'state-1', userRef = 'member-1') {
  const session = await adapter.createLinkSession({ state, redirectUri: REDIRECT, userRef });
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

async function syncAll(adapter: SaltEdgeAdapter, input: FetchChangesInput) {
  const all: TransactionChanges & { pages: number } = {
    added: [],
    modified: [],
    removed: [],
    nextCursor: input.cursor,
    hasMore: false,
    pages: 0,
  };
  for (;;) {
    const r = await adapter.fetchChanges({ ...input, cursor: all.nextCursor });
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

describe('Salt Edge configuration', () => {
  const base = {
    AUTH_GRPC_URL: 'auth:50051',
    AUTH_CLIENT_SECRET: 's',
    EXPENSE_GRPC_URL: 'expense:50052',
    BANK_TOKEN_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  };
  const saltEdge = {
    SALTEDGE_API_URL: 'http://127.0.0.1:8097/api/v5',
    SALTEDGE_APP_ID: 'app',
    SALTEDGE_SECRET: 'secret',
    // As a one-line environment variable: newlines written as \n.
    SALTEDGE_PRIVATE_KEY: PRIVATE_PEM.replace(/\n/g, '\\n'),
    SALTEDGE_CALLBACK_PUBLIC_KEY: PUBLIC_PEM,
    SALTEDGE_CALLBACK_URL: CALLBACK_URL,
  };

  it('is enabled only when every Salt Edge setting is given, with keys that parse', () => {
    expect(saltEdgeEnabled(loadConfig(bankConfigSchema, base))).to.equal(false);
    const config = loadConfig(bankConfigSchema, { ...base, ...saltEdge });
    expect(saltEdgeEnabled(config)).to.equal(true);
    expect(config.SALTEDGE_PRIVATE_KEY).to.equal(PRIVATE_PEM);
    expect(() => loadConfig(bankConfigSchema, { ...base, ...saltEdge, SALTEDGE_CALLBACK_PUBLIC_KEY: 'nope' })).to.throw(
      /SALTEDGE_CALLBACK_PUBLIC_KEY/,
    );
  });

  it('never defaults the API URL: other Salt Edge settings without it stop start-up, naming it', () => {
    const { SALTEDGE_API_URL: _url, ...rest } = saltEdge;
    expect(() => loadConfig(bankConfigSchema, { ...base, ...rest })).to.throw(/SALTEDGE_API_URL.*there is no default/s);
  });
});

describe('Salt Edge adapter', function () {
  this.timeout(30_000);
  let se: SaltEdgeEmulator;
  let sandbox: BankSandbox;
  let adapter: SaltEdgeAdapter;

  beforeEach(async () => {
    sandbox = new BankSandbox([defaultUser('EUR')]);
    se = await emulator(sandbox);
    adapter = adapterFor(se);
  });
  afterEach(() => se.stop());

  it('refuses to start without an explicit API URL', () => {
    expect(() => adapterFor(se, { apiUrl: '' })).to.throw(/apiUrl is required/);
  });

  it('signs every request with Expires-at and Signature, and the emulator refuses an unsigned client', async () => {
    await link(adapter);
    expect(se.requests.filter((r) => r.path.startsWith('/api/v5/')).every((r) => r.signed)).to.equal(true);
    const unsigned = adapterFor(se, { privateKey: undefined });
    const err = await providerError(() =>
      unsigned.createLinkSession({ state: 's', redirectUri: REDIRECT, userRef: 'member-2' }),
    );
    expect(err.details.providerCode).to.equal('SignatureNotFound');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    const forged = adapterFor(se, { privateKey: otherKey.toString() });
    const refused = await providerError(() =>
      forged.createLinkSession({ state: 's', redirectUri: REDIRECT, userRef: 'member-2' }),
    );
    expect(refused.details.providerCode).to.equal('InvalidSignature');
  });

  it('creates a customer and a connect session whose connect_url answers 302 to return_to with connection_id and state', async () => {
    const state = 'st+ate/with=odd&chars';
    const redirectUri = `${REDIRECT}?family=f1`;
    const session = await adapter.createLinkSession({ state, redirectUri, userRef: 'member-1' });
    expect(new URL(session.linkUrl!).origin).to.equal(new URL(se.url).origin);
    expect(session.expiresAt.getTime()).to.be.greaterThan(Date.now());
    const back = await consent(session);
    expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT);
    expect(back.searchParams.get('family')).to.equal('f1');
    expect(back.searchParams.get('state')).to.equal(state);
    const connectionId = back.searchParams.get('connection_id')!;
    expect(se.connection(connectionId)?.username).to.equal('user_good');
    // The same member links again: the existing customer is reused.
    await adapter.createLinkSession({ state: 'again', redirectUri, userRef: 'member-1' });
    await adapterFor(se).createLinkSession({ state: 'fresh adapter', redirectUri, userRef: 'member-1' });
    expect(new Set(se.connections().map((c) => c.customerId)).size).to.equal(1);
  });

  it('exchanges the sealed code for the customer’s new connection, naming the bank and the consent’s end', async () => {
    const result = await link(adapter);
    expect(result.institution).to.deep.equal({ id: 'ins_sandbox', name: 'Sandbox Bank' });
    expect(result.credentials.extra?.connectionId).to.equal(result.providerConnectionId);
    const days = (result.consentExpiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).to.be.within(89.9, 90);
  });

  it('refuses a bare connection id or a code it did not seal, so no one claims another family’s connection', async () => {
    const theirs = await link(adapter, 'theirs', 'member-of-another-family');
    const session = await adapter.createLinkSession({ state: 'mine', redirectUri: REDIRECT, userRef: 'member-1' });
    const code = (await consent(session)).searchParams.get('code')!;
    const bare = await providerError(() =>
      adapter.exchange({ authorizationCode: theirs.providerConnectionId, redirectUri: REDIRECT }),
    );
    expect(bare.kind).to.equal('INVALID_INPUT');
    const otherCustomer = theirs.credentials.extra!.customerId!;
    const swapped = `u:${otherCustomer}${code.slice(code.lastIndexOf('.'))}`;
    const forged = await providerError(() => adapter.exchange({ authorizationCode: swapped, redirectUri: REDIRECT }));
    expect(forged.kind).to.equal('INVALID_INPUT');
    const mine = await adapter.exchange({ authorizationCode: code, redirectUri: REDIRECT });
    expect(mine.providerConnectionId).to.not.equal(theirs.providerConnectionId);
  });

  it('reconnects an inactive connection under the same id', async () => {
    const linked = await link(adapter);
    se.expireLogin(linked.providerConnectionId);
    const session = await adapter.createLinkSession({
      state: 're',
      redirectUri: REDIRECT,
      userRef: 'member-1',
      reauth: linked.credentials,
    });
    const back = await consent(session);
    expect(back.searchParams.get('connection_id')).to.equal(linked.providerConnectionId);
    expect(se.connection(linked.providerConnectionId)?.status).to.equal('active');
  });

  it('pages posted transactions by from_id / next_id, reads pending ones apart, and converts amounts exactly', async () => {
    const linked = await link(adapter);
    sandbox.addMany('acc_checking', 250, today(), 'EUR');
    sandbox.add({
      accountId: 'acc_checking',
      amount: '0.30',
      direction: 'IN',
      currency: 'EUR',
      bookedOn: daysAgo(1),
      pending: false,
      description: 'Refund',
    });
    const pending = sandbox.add({
      accountId: 'acc_card',
      amount: '7.10',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: true,
      description: 'Cafe',
      merchant: 'Cafe',
    });
    const accounts = ['acc_checking', 'acc_savings', 'acc_card'];
    const first = await syncAll(adapter, {
      credentials: linked.credentials,
      cursor: '',
      since: daysAgo(90),
      providerAccountIds: accounts,
    });
    expect(first.pages).to.be.greaterThan(3);
    expect(first.added).to.have.length(252);
    const refund = first.added.find((t) => t.description === 'Refund')!;
    expect(refund).to.include({ amount: '0.30', direction: 'IN', currency: 'EUR' });
    expect(first.added.find((t) => t.providerTransactionId === pending.id)).to.include({
      pending: true,
      amount: '7.10',
      direction: 'OUT',
      merchant: 'Cafe',
    });
    expect(se.requests.some((r) => r.path === '/api/v5/transactions' && r.query.includes('from_id='))).to.equal(true);

    const posted = sandbox.post(pending.id, { amount: '8.00' });
    const next = await syncAll(adapter, {
      credentials: linked.credentials,
      cursor: first.nextCursor,
      since: daysAgo(90),
      providerAccountIds: accounts,
    });
    expect(ids(next.added)).to.deep.equal([posted.id]);
    expect(next.added[0]).to.include({ pending: false, amount: '8.00' });
    expect(next.removed).to.deep.equal([pending.id]);
  });

  it('writes amounts with the currency’s ISO 4217 exponent, from the literal', () => {
    expect(saltEdgeDecimal('-12.3', 'EUR')).to.equal('12.30');
    expect(saltEdgeDecimal('2500', 'EUR')).to.equal('2500.00');
    expect(saltEdgeDecimal('1500', 'JPY')).to.equal('1500');
    expect(saltEdgeDecimal('1.234', 'KWD')).to.equal('1.234');
    expect(saltEdgeDecimal('10.500', 'EUR')).to.equal('10.50');
    expect(saltEdgeDecimal('123456789012345.67', 'EUR')).to.equal('123456789012345.67');
  });

  it('maps Salt Edge’s error classes: rate limit, outage, expired signature (signed afresh), login, consent', async () => {
    const linked = await link(adapter);
    const input = {
      credentials: linked.credentials,
      cursor: '',
      since: daysAgo(90),
      providerAccountIds: ['acc_checking'],
    };
    se.failNext(1, 'rate_limited');
    expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('RATE_LIMITED');
    se.failNext(1, 'server_error');
    expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('UNAVAILABLE');
    se.failNext(1, 'signature_expired');
    await adapter.fetchChanges(input);
    se.failNext(1, 'login_required');
    expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('REAUTH_REQUIRED');
    se.failNext(1, 'consent_expired');
    expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('CONSENT_EXPIRED');
    se.expireConsent(linked.providerConnectionId);
    expect((await providerError(() => adapter.fetchChanges(input))).kind).to.equal('CONSENT_EXPIRED');
  });

  it('asks Salt Edge to refresh the connection at the start of a round when it may', async () => {
    const linked = await link(adapter);
    const input = {
      credentials: linked.credentials,
      cursor: '',
      since: daysAgo(90),
      providerAccountIds: ['acc_checking'],
    };
    await syncAll(adapter, input);
    await syncAll(adapter, input);
    expect(se.connection(linked.providerConnectionId)?.refreshes).to.equal(1);
  });

  it('verifies a callback over callback_url|body and refuses one signed for another URL or by another key', async () => {
    const linked = await link(adapter);
    const payload = se.callback('success', linked.providerConnectionId);
    const signed = se.signCallback(CALLBACK_URL, payload);
    const event = await adapter.verifyWebhook({
      body: Buffer.from(signed.body),
      headers: signed.headers,
      path: CALLBACK_PATH,
    });
    expect(event).to.include({ kind: 'SYNC_AVAILABLE', providerConnectionId: linked.providerConnectionId });

    const elsewhere = se.signCallback('https://elsewhere.test/v1/webhooks/saltedge', payload);
    expect(
      (
        await providerError(() =>
          adapter.verifyWebhook({ body: Buffer.from(elsewhere.body), headers: elsewhere.headers, path: CALLBACK_PATH }),
        )
      ).kind,
    ).to.equal('UNAUTHENTICATED');
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forgedSignature = sign('sha256', Buffer.from(`${CALLBACK_URL}|${signed.body}`), key).toString('base64');
    expect(
      (
        await providerError(() =>
          adapter.verifyWebhook({
            body: Buffer.from(signed.body),
            headers: { signature: forgedSignature },
            path: CALLBACK_PATH,
          }),
        )
      ).kind,
    ).to.equal('UNAUTHENTICATED');

    const fail = se.signCallback(
      CALLBACK_URL,
      se.callback('fail', linked.providerConnectionId, { errorClass: 'ProviderUnavailable' }),
    );
    expect(
      (await adapter.verifyWebhook({ body: Buffer.from(fail.body), headers: fail.headers, path: CALLBACK_PATH })).kind,
    ).to.equal('IGNORED');
    const notify = se.signCallback(CALLBACK_URL, se.callback('notify', linked.providerConnectionId));
    expect(
      (await adapter.verifyWebhook({ body: Buffer.from(notify.body), headers: notify.headers, path: CALLBACK_PATH }))
        .kind,
    ).to.equal('IGNORED');
  });

  it('revokes by removing the connection; data calls then answer REVOKED', async () => {
    const linked = await link(adapter);
    await adapter.revoke(linked.credentials);
    expect(se.connection(linked.providerConnectionId)?.removed).to.equal(true);
    const err = await providerError(() =>
      adapter.fetchChanges({
        credentials: linked.credentials,
        cursor: '',
        since: daysAgo(90),
        providerAccountIds: ['acc_checking'],
      }),
    );
    expect(err.kind).to.equal('REVOKED');
    await adapter.revoke(linked.credentials);
  });
});

const FAILURES: Record<InjectedFailure, 'rate_limited' | 'unavailable' | 'login_required' | 'consent_expired'> = {
  RATE_LIMITED: 'rate_limited',
  UNAVAILABLE: 'unavailable',
  LOGIN_REQUIRED: 'login_required',
  CONSENT_EXPIRED: 'consent_expired',
};

adapterScenarios(
  'Salt Edge',
  async () => {
    const sandbox = new BankSandbox();
    const se = await emulator(sandbox);
    return {
      adapter: adapterFor(se),
      sandbox,
      controls: {
        failNext: (failure, count = 1) => se.failNext(count, FAILURES[failure]),
        expireLogin: (id) => se.expireLogin(id),
        webhook: (kind, id, options = {}) => {
          const payload =
            kind === 'SYNC_AVAILABLE'
              ? se.callback('success', id, options)
              : se.callback('fail', id, { ...options, errorClass: 'InvalidCredentials' });
          const signed = se.signCallback(CALLBACK_URL, payload);
          return Promise.resolve({ body: Buffer.from(signed.body), headers: signed.headers, path: CALLBACK_PATH });
        },
      },
      async linkUser(session, input, username = 'user_good') {
        se.signInAs(username);
        const back = await consent(session);
        expect(back.searchParams.get('state')).to.equal(input.state);
        return { authorizationCode: back.searchParams.get('code')!, redirectUri: input.redirectUri };
      },
      stop: () => se.stop(),
    };
  },
  { expectPagination: true },
);
