// The Plaid adapter through the real `plaid` client against the Plaid emulator on 127.0.0.1:0: link
// (Plaid Link, and Hosted Link when the app gives a redirect URI), exchange, accounts,
// /transactions/sync paging and its restart, Plaid's errors in the service's words, webhooks verified
// Plaid's way; then the shared adapter scenarios.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { Configuration, PlaidApi, Products, SandboxItemFireWebhookRequestWebhookCodeEnum } from 'plaid';
import {
  BankSandbox,
  defaultUser,
  startHttpEmulator,
  startPlaidEmulator,
  type PlaidEmulator,
  type PlaidFailureKind,
  type PlaidWebhookPayload,
  type SandboxUser,
} from '@family/emulators';
import { waitFor } from '@family/testing';
import type {
  FetchChangesInput,
  ProviderCredentials,
  ProviderTransaction,
  WebhookInput,
} from '../src/adapters/bank.adapter.js';
import { PlaidAdapter, type PlaidAdapterOptions } from '../src/adapters/plaid.adapter.js';
import { ProviderError } from '../src/adapters/provider.error.js';
import { adapterScenarios, type InjectedFailure } from './adapter.scenarios.js';

const CLIENT_ID = 'client-family-tests';
const SECRET = 'secret-family-tests';
const WEBHOOK_URL = 'http://127.0.0.1:9/v1/webhooks/plaid';
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function yenUser(): SandboxUser {
  const base = defaultUser('JPY');
  return {
    ...base,
    username: 'user_yen',
    password: 'pass_yen',
    institution: { id: 'ins_yen', name: 'Yen Bank' },
    accounts: [{ ...base.accounts[0]!, id: 'acc_yen', currentBalance: '125000', availableBalance: '120000' }],
  };
}

function plaidClient(url: string): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath: url,
      baseOptions: { headers: { 'PLAID-CLIENT-ID': CLIENT_ID, 'PLAID-SECRET': SECRET } },
    }),
  );
}

function plaidAdapter(url: string, overrides: Partial<PlaidAdapterOptions> = {}): PlaidAdapter {
  return new PlaidAdapter({
    basePath: url,
    clientId: CLIENT_ID,
    secret: SECRET,
    clientName: 'Family Expenses',
    webhookUrl: WEBHOOK_URL,
    countries: ['US'],
    ...overrides,
  });
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

const webhookInput = (body: string | Buffer, verification?: string): WebhookInput => ({
  body: Buffer.from(body),
  headers: { 'content-type': 'application/json', ...(verification ? { 'plaid-verification': verification } : {}) },
  path: '/v1/webhooks/plaid',
});

describe('Plaid adapter', function () {
  this.timeout(60_000);
  let emulator: PlaidEmulator;
  let adapter: PlaidAdapter;
  let plaid: PlaidApi;

  beforeEach(async () => {
    emulator = await startPlaidEmulator({
      sandbox: new BankSandbox([defaultUser(), yenUser()]),
      clientId: CLIENT_ID,
      secret: SECRET,
    });
    adapter = plaidAdapter(emulator.url);
    plaid = plaidClient(emulator.url);
  });
  afterEach(() => emulator.stop());

  /** A sandbox item linked the way Plaid's sandbox does it: institution + products → public token → exchange. */
  async function linkSandbox(username = 'user_good', webhook?: string) {
    const user = emulator.sandbox.user(username)!;
    const { data } = await plaid.sandboxPublicTokenCreate({
      institution_id: user.institution.id,
      initial_products: [Products.Transactions],
      options: {
        override_username: username,
        override_password: user.password,
        ...(webhook ? { webhook } : {}),
      },
    });
    return adapter.exchange({ publicToken: data.public_token, redirectUri: 'http://127.0.0.1:3000/bank/callback' });
  }

  const input = (credentials: ProviderCredentials, cursor = ''): FetchChangesInput => ({
    credentials,
    cursor,
    since: daysAgo(90),
    providerAccountIds: [],
  });

  /** Pages until has_more is false, as the service does. */
  async function syncAll(credentials: ProviderCredentials, cursor = '') {
    const seen = {
      pages: [] as number[],
      added: [] as ProviderTransaction[],
      modified: [] as ProviderTransaction[],
      removed: [] as string[],
      cursor,
    };
    for (;;) {
      const { value } = await adapter.fetchChanges(input(credentials, seen.cursor));
      seen.pages.push(value.added.length + value.modified.length + value.removed.length);
      seen.added.push(...value.added);
      seen.modified.push(...value.modified);
      seen.removed.push(...value.removed);
      seen.cursor = value.nextCursor;
      if (!value.hasMore) return seen;
    }
  }

  describe('linking', () => {
    it('creates a link token for transactions with the webhook URL and the member as client_user_id', async () => {
      const session = await adapter.createLinkSession({
        state: 'state-1',
        redirectUri: '',
        userRef: 'member-42',
        country: 'us',
      });
      expect(session.linkToken).to.match(/^link-sandbox-/);
      expect(session).to.not.have.any.keys('linkUrl', 'hostedSessionRef');
      expect(session.expiresAt.getTime()).to.be.greaterThan(Date.now() + 3600_000);
      const sent = emulator.controls.received.find((r) => r.path === '/link/token/create')!.body;
      expect(sent).to.deep.include({
        products: ['transactions'],
        webhook: WEBHOOK_URL,
        country_codes: ['US'],
        client_name: 'Family Expenses',
        language: 'en',
      });
      expect(sent.user).to.deep.equal({ client_user_id: 'member-42' });
      expect(sent).to.not.have.property('access_token');
      expect(sent).to.not.have.property('redirect_uri');
      expect(sent).to.not.have.property('hosted_link');
    });

    it('hosts the session at Plaid when the app gives a redirect URI: Plaid sends the user back there with the state', async () => {
      const oauth = plaidAdapter(emulator.url, { oauthRedirectUri: 'https://app.family.test/plaid-oauth' });
      const session = await oauth.createLinkSession({
        state: 'state-9',
        redirectUri: 'https://app.family.test/bank/callback?from=web',
        userRef: 'member-42',
      });
      expect(session.linkUrl!.startsWith(`${emulator.url}/hl/`), session.linkUrl).to.equal(true);
      expect(session.hostedSessionRef).to.equal(session.linkToken);
      const sent = emulator.controls.received.find((r) => r.path === '/link/token/create')!.body;
      expect(sent.hosted_link).to.deep.equal({
        completion_redirect_uri: 'https://app.family.test/bank/callback?from=web&state=state-9',
      });
      expect(sent, 'the hosted page handles OAuth banks itself').to.not.have.property('redirect_uri');
      const back = await fetch(session.linkUrl!, { redirect: 'manual' });
      expect(back.headers.get('location')).to.equal('https://app.family.test/bank/callback?from=web&state=state-9');

      await adapter.createLinkSession({ state: 's', redirectUri: 'familyapp://bank/callback', userRef: 'member-42' });
      const mobile = emulator.controls.received.filter((r) => r.path === '/link/token/create').at(-1)!.body;
      expect(mobile.hosted_link, 'an app’s own scheme opens in an in-app browser').to.deep.equal({
        completion_redirect_uri: 'familyapp://bank/callback?state=s',
        is_mobile_app: true,
      });
    });

    it('keeps to Plaid Link when Hosted Link is turned off, redirect URI or not', async () => {
      const off = plaidAdapter(emulator.url, { hostedLink: false });
      expect(off.hostedLink).to.equal(false);
      const session = await off.createLinkSession({
        state: 's',
        redirectUri: 'https://app.family.test/cb',
        userRef: 'm',
      });
      expect(session.linkToken).to.match(/^link-sandbox-/);
      expect(session).to.not.have.any.keys('linkUrl', 'hostedSessionRef');
      expect(emulator.controls.received.at(-1)!.body).to.not.have.property('hosted_link');
    });

    it('exchanges a hosted session once the user linked, reading its public token from Plaid', async () => {
      const session = await adapter.createLinkSession({
        state: 's',
        redirectUri: 'https://app.family.test/cb',
        userRef: 'm',
      });
      const exchange = () => adapter.exchange({ hostedSessionRef: session.hostedSessionRef, redirectUri: '' });
      const early = await providerError(exchange);
      expect(early.kind, 'not opened yet').to.equal('LINK_NOT_FINISHED');
      emulator.controls.exitNextHostedLink();
      await fetch(session.linkUrl!, { redirect: 'manual' });
      expect((await providerError(exchange)).kind, 'the user left Link').to.equal('LINK_NOT_FINISHED');

      await fetch(session.linkUrl!, { redirect: 'manual' });
      const link = await exchange();
      expect(link.institution).to.deep.equal({ id: 'ins_sandbox', name: 'Sandbox Bank' });
      expect(emulator.controls.item(link.providerConnectionId)?.webhook).to.equal(WEBHOOK_URL);
      const again = await providerError(exchange);
      expect(again.details.providerCode, 'its public token works once').to.equal('INVALID_PUBLIC_TOKEN');
    });

    it('reads a hosted session’s public token from the older on_success shape too', async () => {
      const older = await startPlaidEmulator({ clientId: CLIENT_ID, secret: SECRET, linkSessionShape: 'on_success' });
      try {
        const legacy = plaidAdapter(older.url);
        const session = await legacy.createLinkSession({
          state: 's',
          redirectUri: 'https://app.family.test/cb',
          userRef: 'm',
        });
        await fetch(session.linkUrl!, { redirect: 'manual' });
        const link = await legacy.exchange({ hostedSessionRef: session.hostedSessionRef, redirectUri: '' });
        expect(older.controls.item(link.providerConnectionId)?.username).to.equal('user_good');
      } finally {
        await older.stop();
      }
    });

    it('refuses a country Plaid does not serve as the caller’s input', async () => {
      const err = await providerError(() =>
        adapter.createLinkSession({ state: 's', redirectUri: 'http://x', userRef: 'm', country: 'JP' }),
      );
      expect(err.kind).to.equal('INVALID_INPUT');
    });

    it('exchanges a sandbox public token for an access token, the item id and the institution', async () => {
      const link = await linkSandbox();
      expect(link.credentials.accessToken).to.match(/^access-sandbox-/);
      expect(link.credentials.extra).to.deep.equal({ itemId: link.providerConnectionId });
      expect(link.institution).to.deep.equal({ id: 'ins_sandbox', name: 'Sandbox Bank' });
      expect(emulator.controls.item(link.providerConnectionId)?.username).to.equal('user_good');
    });

    it('links through Link itself: the link token’s user logs in and the public token exchanges', async () => {
      const session = await adapter.createLinkSession({ state: 's', redirectUri: 'http://x', userRef: 'member-7' });
      const publicToken = emulator.controls.completeLink(session.linkToken!);
      const link = await adapter.exchange({ publicToken, redirectUri: 'http://x' });
      expect(emulator.controls.item(link.providerConnectionId)?.webhook).to.equal(WEBHOOK_URL);
    });

    it('refuses a public token used twice, and a missing one, as the caller’s input', async () => {
      const { data } = await plaid.sandboxPublicTokenCreate({
        institution_id: 'ins_sandbox',
        initial_products: [Products.Transactions],
      });
      await adapter.exchange({ publicToken: data.public_token, redirectUri: 'http://x' });
      const again = await providerError(() =>
        adapter.exchange({ publicToken: data.public_token, redirectUri: 'http://x' }),
      );
      expect(again.kind).to.equal('INVALID_INPUT');
      expect(again.details.providerCode).to.equal('INVALID_PUBLIC_TOKEN');
      expect((await providerError(() => adapter.exchange({ redirectUri: 'http://x' }))).kind).to.equal('INVALID_INPUT');
    });

    it('re-authenticates in update mode: the item’s access token, no products; the login works again after', async () => {
      const link = await linkSandbox();
      emulator.controls.requireLogin(link.providerConnectionId);
      const refused = await providerError(() => adapter.fetchChanges(input(link.credentials)));
      expect(refused.kind).to.equal('REAUTH_REQUIRED');
      expect(refused.retryable).to.equal(false);

      const session = await adapter.createLinkSession({
        state: 's',
        redirectUri: 'http://x',
        userRef: 'member-42',
        reauth: link.credentials,
      });
      const sent = emulator.controls.received.filter((r) => r.path === '/link/token/create').at(-1)!.body;
      expect(sent.access_token).to.equal(link.credentials.accessToken);
      expect(sent).to.not.have.property('products');
      emulator.controls.completeLink(session.linkToken!);
      const { value } = await adapter.fetchChanges(input(link.credentials));
      expect(value.hasMore).to.equal(false);
    });
  });

  describe('accounts', () => {
    it('lists accounts with kind from type/subtype, mask and balances as decimal strings as of now', async () => {
      const link = await linkSandbox();
      const { value } = await adapter.accounts(link.credentials);
      const byId = new Map(value.map((a) => [a.providerAccountId, a]));
      expect(byId.get('acc_checking')).to.deep.include({
        name: 'Everyday Checking',
        mask: '0000',
        kind: 'CHECKING',
        currency: 'USD',
        currentBalance: '1250.00',
        availableBalance: '1200.00',
      });
      expect(byId.get('acc_savings')?.kind).to.equal('SAVINGS');
      expect(byId.get('acc_card')).to.deep.include({
        kind: 'CREDIT_CARD',
        currentBalance: '410.25',
        availableBalance: '1589.75',
      });
      expect(Math.abs(byId.get('acc_card')!.balanceAsOf.getTime() - Date.now())).to.be.lessThan(5000);
    });

    it('writes a yen balance with no decimals (the ISO 4217 exponent)', async () => {
      const link = await linkSandbox('user_yen');
      const { value } = await adapter.accounts(link.credentials);
      expect(value[0]).to.deep.include({ currency: 'JPY', currentBalance: '125000', availableBalance: '120000' });
    });
  });

  describe('syncing', () => {
    it('first sync pages 1,200 transactions 500 at a time, each once, then nothing more', async () => {
      emulator.sandbox.addMany('acc_checking', 1200, today());
      const link = await linkSandbox();
      const first = await syncAll(link.credentials);
      expect(first.pages).to.deep.equal([500, 500, 200]);
      const ids = first.added.map((t) => t.providerTransactionId);
      expect(new Set(ids).size).to.equal(1200);
      const truth = new Map(emulator.sandbox.list(['acc_checking']).map((t) => [t.id, t]));
      for (const t of first.added) {
        const want = truth.get(t.providerTransactionId)!;
        expect({ amount: t.amount, direction: t.direction, bookedOn: t.bookedOn, merchant: t.merchant }).to.deep.equal({
          amount: want.amount,
          direction: 'OUT',
          bookedOn: want.bookedOn,
          merchant: want.merchant,
        });
      }
      const days = emulator.controls.received.find((r) => r.path === '/transactions/sync')!.body.options;
      expect(days).to.deep.equal({ days_requested: 91 });
      const again = await syncAll(link.credentials, first.cursor);
      expect(again.pages).to.deep.equal([0]);
    });

    it('turns Plaid’s signed amounts into positive decimal strings with a direction, without float drift', async () => {
      const link = await linkSandbox();
      const base = { accountId: 'acc_checking', currency: 'USD', bookedOn: today(), pending: false } as const;
      const salary = emulator.sandbox.add({ ...base, amount: '2500.00', direction: 'IN', description: 'Salary' });
      const dime = emulator.sandbox.add({ ...base, amount: '0.30', direction: 'OUT', description: 'Sweets' });
      const big = emulator.sandbox.add({ ...base, amount: '1234567.89', direction: 'OUT', description: 'House' });
      const { data } = await plaid.transactionsSync({ access_token: link.credentials.accessToken });
      expect(
        data.added.find((t) => t.transaction_id === salary.id)?.amount,
        'money in is negative on the wire',
      ).to.equal(-2500);
      expect(data.added.find((t) => t.transaction_id === dime.id)?.amount).to.equal(0.3);
      const { value } = await adapter.fetchChanges(input(link.credentials));
      const got = new Map(value.added.map((t) => [t.providerTransactionId, t]));
      expect(got.get(salary.id)).to.deep.include({ amount: '2500.00', direction: 'IN', description: 'Salary' });
      expect(got.get(dime.id)).to.deep.include({ amount: '0.30', direction: 'OUT' });
      expect(got.get(big.id)).to.deep.include({ amount: '1234567.89', direction: 'OUT' });

      const yen = await linkSandbox('user_yen');
      const lunch = emulator.sandbox.add({
        ...base,
        accountId: 'acc_yen',
        currency: 'JPY',
        amount: '980',
        direction: 'OUT',
        description: 'Lunch',
      });
      const yenPage = await adapter.fetchChanges(input(yen.credentials));
      expect(yenPage.value.added.find((t) => t.providerTransactionId === lunch.id)).to.deep.include({
        amount: '980',
        currency: 'JPY',
      });
    });

    it('an incremental sync from the saved cursor brings only what changed', async () => {
      emulator.sandbox.addMany('acc_checking', 30, today());
      const link = await linkSandbox();
      const first = await syncAll(link.credentials);
      const fresh = emulator.sandbox.add({
        accountId: 'acc_card',
        amount: '12.34',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: today(),
        pending: false,
        description: 'Bookshop',
        merchant: 'Bookshop',
      });
      const next = await syncAll(link.credentials, first.cursor);
      expect(next.added.map((t) => t.providerTransactionId)).to.deep.equal([fresh.id]);
      expect(next.added[0]).to.deep.include({ providerAccountId: 'acc_card', merchant: 'Bookshop', amount: '12.34' });
      expect(next.modified).to.deep.equal([]);
      expect(next.removed).to.deep.equal([]);
    });

    it('a pending purchase posted under a new id and amount: the pending one removed, the posted one naming it', async () => {
      const link = await linkSandbox();
      const pending = emulator.sandbox.add({
        accountId: 'acc_card',
        amount: '20.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: daysAgo(1),
        pending: true,
        description: 'Restaurant',
        merchant: 'Trattoria',
      });
      const first = await syncAll(link.credentials);
      expect(first.added).to.have.length(1);
      expect(first.added[0]).to.deep.include({ pending: true, amount: '20.00' });
      const posted = emulator.sandbox.post(pending.id, { amount: '24.00' });
      const next = await syncAll(link.credentials, first.cursor);
      expect(next.removed).to.deep.equal([pending.id]);
      expect(next.added).to.have.length(1);
      expect(next.added[0]).to.deep.include({
        providerTransactionId: posted.id,
        pendingTransactionId: pending.id,
        pending: false,
        amount: '24.00',
      });
    });

    it('a transaction the bank corrects comes back in modified', async () => {
      const link = await linkSandbox();
      const t = emulator.sandbox.add({
        accountId: 'acc_checking',
        amount: '15.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: daysAgo(2),
        pending: false,
        description: 'Grocer',
      });
      const first = await syncAll(link.credentials);
      emulator.sandbox.modify(t.id, { amount: '51.00', description: 'Grocer (corrected)' });
      const next = await syncAll(link.credentials, first.cursor);
      expect(next.added).to.deep.equal([]);
      expect(next.modified).to.have.length(1);
      expect(next.modified[0]).to.deep.include({
        providerTransactionId: t.id,
        amount: '51.00',
        description: 'Grocer (corrected)',
      });
    });

    it('a transaction the bank deletes comes back in removed', async () => {
      emulator.sandbox.addMany('acc_checking', 5, today());
      const link = await linkSandbox();
      const first = await syncAll(link.credentials);
      const gone = first.added[2]!.providerTransactionId;
      emulator.sandbox.remove(gone);
      const next = await syncAll(link.credentials, first.cursor);
      expect(next.removed).to.deep.equal([gone]);
      expect(next.added).to.deep.equal([]);
    });

    it('a change while paging is RESTART_PAGINATION; restarting from the loop’s first cursor gets everything once', async () => {
      emulator.sandbox.addMany('acc_checking', 1200, today());
      const link = await linkSandbox();
      const page1 = await adapter.fetchChanges(input(link.credentials));
      expect(page1.value.hasMore).to.equal(true);
      const late = emulator.sandbox.add({
        accountId: 'acc_checking',
        amount: '3.00',
        direction: 'OUT',
        currency: 'USD',
        bookedOn: today(),
        pending: true,
        description: 'Arrived mid-loop',
      });
      const err = await providerError(() => adapter.fetchChanges(input(link.credentials, page1.value.nextCursor)));
      expect(err.kind).to.equal('RESTART_PAGINATION');
      expect(err.details.providerCode).to.equal('TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION');
      const restarted = await syncAll(link.credentials, '');
      const ids = restarted.added.map((t) => t.providerTransactionId);
      expect(new Set(ids).size).to.equal(1201);
      expect(ids).to.include(late.id);
    });

    it('the interruptPagination control fails only a page that continues a loop', async () => {
      emulator.sandbox.addMany('acc_checking', 600, today());
      const link = await linkSandbox();
      emulator.controls.interruptPagination();
      const page1 = await adapter.fetchChanges(input(link.credentials));
      const err = await providerError(() => adapter.fetchChanges(input(link.credentials, page1.value.nextCursor)));
      expect(err.kind).to.equal('RESTART_PAGINATION');
      expect((await syncAll(link.credentials)).added).to.have.length(600);
    });

    it('a rate limit (429) is RATE_LIMITED and retryable; the same cursor works afterwards', async () => {
      const link = await linkSandbox();
      const first = await syncAll(link.credentials);
      emulator.controls.failNext(1, 'RATE_LIMIT_EXCEEDED');
      const err = await providerError(() => adapter.fetchChanges(input(link.credentials, first.cursor)));
      expect(err.kind).to.equal('RATE_LIMITED');
      expect(err.retryable).to.equal(true);
      expect(err.details.providerCode).to.equal('RATE_LIMIT_EXCEEDED');
      const after = await adapter.fetchChanges(input(link.credentials, first.cursor));
      expect(after.value.nextCursor).to.equal(first.cursor);
    });

    it('an internal error (500), an institution outage and an unreachable Plaid are UNAVAILABLE and retryable', async () => {
      const link = await linkSandbox();
      for (const kind of ['INTERNAL_SERVER_ERROR', 'INSTITUTION_DOWN'] satisfies PlaidFailureKind[]) {
        emulator.controls.failNext(1, kind);
        const err = await providerError(() => adapter.accounts(link.credentials));
        expect(err.kind, kind).to.equal('UNAVAILABLE');
        expect(err.retryable).to.equal(true);
      }
      const gone = await startPlaidEmulator({ clientId: CLIENT_ID, secret: SECRET });
      await gone.stop();
      const down = await providerError(() => plaidAdapter(gone.url).accounts(link.credentials));
      expect(down.kind).to.equal('UNAVAILABLE');
    });

    it('login required (Plaid’s reset_login or an injected error) is REAUTH_REQUIRED, not retryable', async () => {
      const link = await linkSandbox();
      emulator.controls.failNext(1, 'ITEM_LOGIN_REQUIRED');
      expect((await providerError(() => adapter.accounts(link.credentials))).kind).to.equal('REAUTH_REQUIRED');
      await plaid.sandboxItemResetLogin({ access_token: link.credentials.accessToken });
      const err = await providerError(() => adapter.fetchChanges(input(link.credentials)));
      expect(err.kind).to.equal('REAUTH_REQUIRED');
      expect(err.details.providerCode).to.equal('ITEM_LOGIN_REQUIRED');
      expect(err.retryable).to.equal(false);
    });

    it('an access token Plaid does not know is REVOKED (the link cannot be used again)', async () => {
      const err = await providerError(() => adapter.accounts({ accessToken: 'access-sandbox-made-up' }));
      expect(err.kind).to.equal('REVOKED');
    });

    it('revokes an item through /item/remove; its token then answers REVOKED; revoking again is fine', async () => {
      const link = await linkSandbox();
      await adapter.revoke(link.credentials);
      expect(emulator.controls.item(link.providerConnectionId)?.removed).to.equal(true);
      const err = await providerError(() => adapter.fetchChanges(input(link.credentials)));
      expect(err.kind).to.equal('REVOKED');
      await adapter.revoke(link.credentials);
    });

    it('refuses to be built without an explicit Plaid URL', () => {
      expect(() => plaidAdapter('')).to.throw(/basePath/);
    });
  });

  describe('webhooks', () => {
    const sync = (itemId: string): PlaidWebhookPayload => ({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: itemId,
      initial_update_complete: true,
      historical_update_complete: true,
    });

    it('verifies a webhook delivered over HTTP, byte for byte, and reads SYNC_UPDATES_AVAILABLE as SYNC_AVAILABLE', async () => {
      const deliveries: WebhookInput[] = [];
      const receiver = await startHttpEmulator((req, body, res) => {
        deliveries.push({
          body,
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          path: req.url ?? '',
        });
        res.writeHead(200).end();
      });
      try {
        const sent = await emulator.controls.sendWebhook(`${receiver.url}/v1/webhooks/plaid`, sync('item-1'));
        expect(sent.status).to.equal(200);
        const event = await adapter.verifyWebhook(deliveries[0]!);
        expect(event).to.deep.include({ kind: 'SYNC_AVAILABLE', providerConnectionId: 'item-1' });
        expect(event.eventId).to.match(/^[0-9a-f]{64}$/);
        expect(Math.abs(event.occurredAt.getTime() - Date.now())).to.be.lessThan(5000);
      } finally {
        await receiver.stop();
      }
    });

    it('reads login-required and ERROR as REAUTH_REQUIRED, PENDING_EXPIRATION with its time, revocation, others IGNORED', async () => {
      const expires = '2027-03-01T00:00:00Z';
      const cases: [PlaidWebhookPayload, string][] = [
        [{ webhook_type: 'ITEM', webhook_code: 'ITEM_LOGIN_REQUIRED', item_id: 'i' }, 'REAUTH_REQUIRED'],
        [
          { webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 'i', error: { error_code: 'ITEM_LOGIN_REQUIRED' } },
          'REAUTH_REQUIRED',
        ],
        [
          { webhook_type: 'ITEM', webhook_code: 'PENDING_EXPIRATION', item_id: 'i', consent_expiration_time: expires },
          'CONSENT_EXPIRING',
        ],
        [{ webhook_type: 'ITEM', webhook_code: 'USER_PERMISSION_REVOKED', item_id: 'i' }, 'REVOKED'],
        [{ webhook_type: 'ITEM', webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED', item_id: 'i' }, 'IGNORED'],
        [{ webhook_type: 'TRANSACTIONS', webhook_code: 'DEFAULT_UPDATE', item_id: 'i' }, 'IGNORED'],
      ];
      for (const [payload, kind] of cases) {
        const { body, verification } = emulator.controls.webhookFor(payload);
        const event = await adapter.verifyWebhook(webhookInput(body, verification));
        expect(event.kind, payload.webhook_code).to.equal(kind);
        expect(event.providerConnectionId).to.equal('i');
        if (kind === 'CONSENT_EXPIRING')
          expect(event.consentExpiresAt?.toISOString()).to.equal('2027-03-01T00:00:00.000Z');
      }
    });

    it('refuses a webhook signed by another key under the served key id', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const { body, verification } = emulator.controls.webhookFor(sync('i'), { signingKey: privateKey });
      const err = await providerError(() => adapter.verifyWebhook(webhookInput(body, verification)));
      expect(err.kind).to.equal('UNAUTHENTICATED');
    });

    it('refuses a webhook naming a key Plaid does not serve', async () => {
      const { body, verification } = emulator.controls.webhookFor(sync('i'), { kid: 'not-a-plaid-key' });
      expect((await providerError(() => adapter.verifyWebhook(webhookInput(body, verification)))).kind).to.equal(
        'UNAUTHENTICATED',
      );
    });

    it('refuses a body whose SHA-256 is not the signed request_body_sha256', async () => {
      const { body, verification } = emulator.controls.webhookFor(sync('item-a'));
      const tampered = body.replace('item-a', 'item-b');
      expect((await providerError(() => adapter.verifyWebhook(webhookInput(tampered, verification)))).kind).to.equal(
        'UNAUTHENTICATED',
      );
      const claimed = emulator.controls.webhookFor(sync('item-a'), { claimBody: 'something else' });
      expect(
        (await providerError(() => adapter.verifyWebhook(webhookInput(claimed.body, claimed.verification)))).kind,
      ).to.equal('UNAUTHENTICATED');
    });

    it('refuses a webhook signed more than 5 minutes ago (or ahead)', async () => {
      for (const offset of [-6 * 60_000, 6 * 60_000]) {
        const { body, verification } = emulator.controls.webhookFor(sync('i'), {
          issuedAt: new Date(Date.now() + offset),
        });
        const err = await providerError(() => adapter.verifyWebhook(webhookInput(body, verification)));
        expect(err.kind).to.equal('UNAUTHENTICATED');
        expect(err.message).to.match(/5-minute/);
      }
      const recent = emulator.controls.webhookFor(sync('i'), { issuedAt: new Date(Date.now() - 4 * 60_000) });
      expect((await adapter.verifyWebhook(webhookInput(recent.body, recent.verification))).kind).to.equal(
        'SYNC_AVAILABLE',
      );
    });

    it('refuses alg none, an HS256 token and a missing header', async () => {
      const none = emulator.controls.webhookFor(sync('i'), { alg: 'none' });
      expect(
        (await providerError(() => adapter.verifyWebhook(webhookInput(none.body, none.verification)))).kind,
      ).to.equal('UNAUTHENTICATED');
      const genuine = emulator.controls.webhookFor(sync('i'));
      const [, claims] = genuine.verification.split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k', typ: 'JWT' })).toString('base64url');
      const mac = createHmac('sha256', 'guess').update(`${header}.${claims}`).digest('base64url');
      const hs = `${header}.${claims}.${mac}`;
      expect((await providerError(() => adapter.verifyWebhook(webhookInput(genuine.body, hs)))).kind).to.equal(
        'UNAUTHENTICATED',
      );
      expect((await providerError(() => adapter.verifyWebhook(webhookInput(genuine.body)))).kind).to.equal(
        'UNAUTHENTICATED',
      );
      const keyFetches = emulator.controls.received.filter((r) => r.path === '/webhook_verification_key/get');
      expect(keyFetches, 'refused before any key was fetched').to.have.length(0);
    });

    it('a replayed delivery keeps its event id; Plaid’s next notice with the same body gets a new one', async () => {
      const first = emulator.controls.webhookFor(sync('i'), { issuedAt: new Date(Date.now() - 2000) });
      const a = await adapter.verifyWebhook(webhookInput(first.body, first.verification));
      const replay = await adapter.verifyWebhook(webhookInput(first.body, first.verification));
      expect(replay.eventId).to.equal(a.eventId);
      const later = emulator.controls.webhookFor(sync('i'));
      expect(later.body).to.equal(first.body);
      const b = await adapter.verifyWebhook(webhookInput(later.body, later.verification));
      expect(b.eventId).to.not.equal(a.eventId);
    });

    it('fetches each verification key once, and refuses a key Plaid reports expired', async () => {
      for (let i = 0; i < 3; i++) {
        const { body, verification } = emulator.controls.webhookFor(sync('i'));
        await adapter.verifyWebhook(webhookInput(body, verification));
      }
      const fetches = () => emulator.controls.received.filter((r) => r.path === '/webhook_verification_key/get');
      expect(fetches()).to.have.length(1);
      const old = emulator.controls.webhookFor(sync('i'));
      emulator.controls.rotateWebhookKey();
      const fresh = plaidAdapter(emulator.url);
      const err = await providerError(() => fresh.verifyWebhook(webhookInput(old.body, old.verification)));
      expect(err.message).to.match(/expired/);
      const current = emulator.controls.webhookFor(sync('i'));
      expect((await fresh.verifyWebhook(webhookInput(current.body, current.verification))).kind).to.equal(
        'SYNC_AVAILABLE',
      );
    });

    it('Plaid’s sandbox fire_webhook reaches the item’s webhook URL signed, and it verifies', async () => {
      const deliveries: WebhookInput[] = [];
      const receiver = await startHttpEmulator((req, body, res) => {
        deliveries.push({
          body,
          headers: { 'plaid-verification': String(req.headers['plaid-verification']) },
          path: '',
        });
        res.writeHead(200).end();
      });
      try {
        const link = await linkSandbox('user_good', `${receiver.url}/v1/webhooks/plaid`);
        await plaid.sandboxItemFireWebhook({
          access_token: link.credentials.accessToken,
          webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.SyncUpdatesAvailable,
        });
        const delivery = await waitFor(() => deliveries[0], { what: 'the webhook' });
        const event = await adapter.verifyWebhook(delivery);
        expect(event).to.deep.include({ kind: 'SYNC_AVAILABLE', providerConnectionId: link.providerConnectionId });
      } finally {
        await receiver.stop();
      }
    });
  });
});

const INJECTED: Record<InjectedFailure, PlaidFailureKind> = {
  RATE_LIMITED: 'RATE_LIMIT_EXCEEDED',
  UNAVAILABLE: 'INTERNAL_SERVER_ERROR',
  LOGIN_REQUIRED: 'ITEM_LOGIN_REQUIRED',
  // Plaid reports an expired (OAuth / PSD2) consent as ITEM_LOGIN_REQUIRED: the user links again.
  CONSENT_EXPIRED: 'ITEM_LOGIN_REQUIRED',
};

adapterScenarios(
  'Plaid',
  async () => {
    const emulator = await startPlaidEmulator({ clientId: CLIENT_ID, secret: SECRET });
    const plaid = plaidClient(emulator.url);
    return {
      adapter: plaidAdapter(emulator.url),
      sandbox: emulator.sandbox,
      controls: {
        failNext: (failure, count = 1) => emulator.controls.failNext(count, INJECTED[failure]),
        expireLogin: (itemId) => emulator.controls.requireLogin(itemId),
        webhook: async (kind, itemId, options = {}) => {
          const payload: PlaidWebhookPayload =
            kind === 'SYNC_AVAILABLE'
              ? { webhook_type: 'TRANSACTIONS', webhook_code: 'SYNC_UPDATES_AVAILABLE', item_id: itemId }
              : { webhook_type: 'ITEM', webhook_code: 'ITEM_LOGIN_REQUIRED', item_id: itemId };
          const { body, verification } = emulator.controls.webhookFor(payload, {
            ...(options.at ? { issuedAt: options.at } : {}),
          });
          return webhookInput(body, verification);
        },
      },
      linkUser: async (_session, _input, username = 'user_good') => {
        const user = emulator.sandbox.user(username)!;
        const { data } = await plaid.sandboxPublicTokenCreate({
          institution_id: user.institution.id,
          initial_products: [Products.Transactions],
          options: { override_username: username, override_password: user.password },
        });
        return { publicToken: data.public_token, redirectUri: 'http://127.0.0.1:3000/bank/callback' };
      },
      stop: () => emulator.stop(),
    };
  },
  { firstSyncCount: 1200, expectPagination: true },
);
