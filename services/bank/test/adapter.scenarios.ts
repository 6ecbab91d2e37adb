// The provider-independent scenarios every bank adapter must pass, run through the real client
// library against its emulator: link, exchange, accounts, first sync with pagination, incremental,
// pending → posted (new id and amount), modified, removed, the error kinds of rate limits, outages,
// re-auth and consent, webhooks valid / forged / replayed / stale, revoke. Each provider's test file
// calls `adapterScenarios(name, setup)`; the sandbox bank is the truth every step is compared with.
import { expect } from 'chai';
import type { BankSandbox, SandboxTransaction } from '@family/emulators';
import { parseMajor } from '@family/service-kit/money';
import type {
  BankAdapter,
  ExchangeInput,
  ExchangeResult,
  LinkSession,
  LinkSessionInput,
  ProviderCredentials,
  ProviderTransaction,
  WebhookInput,
  WebhookKind,
} from '../src/adapters/bank.adapter.js';
import { ProviderError, type ProviderErrorKind } from '../src/adapters/provider.error.js';

/** A failure the emulator injects into the next call(s) for a link. */
export type InjectedFailure = 'RATE_LIMITED' | 'UNAVAILABLE' | 'LOGIN_REQUIRED' | 'CONSENT_EXPIRED';

export interface EmulatorControls {
  /** The next `count` (default 1) data calls answer with this failure, as the provider would. */
  failNext(failure: InjectedFailure, count?: number): void;
  /** Every further data call for the link answers "login required" until it is linked again. */
  expireLogin(providerConnectionId: string): void;
  /**
   * A webhook as the provider would deliver it for the link, signed the provider's way (`at` sets
   * its signing time, to make a stale one). Not sent anywhere: the scenarios verify it themselves.
   */
  webhook(
    kind: Extract<WebhookKind, 'SYNC_AVAILABLE' | 'REAUTH_REQUIRED'>,
    providerConnectionId: string,
    options?: { at?: Date },
  ): Promise<WebhookInput>;
  /** Redirect providers: the access token stops working now, so the next call must refresh it. */
  expireAccessToken?(providerConnectionId: string): void;
}

export interface AdapterScenarioContext {
  adapter: BankAdapter;
  /** The sandbox bank the emulator serves (the scenarios add and change its transactions). */
  sandbox: BankSandbox;
  controls: EmulatorControls;
  /**
   * Does what the user does between link session and exchange, as the sandbox user `username`
   * (default user_good): Plaid → a sandbox public token; redirect providers → follow the link URL
   * (consent) and read `code` from the redirect. Answers what CreateConnection would be given.
   */
  linkUser(session: LinkSession, input: LinkSessionInput, username?: string): Promise<ExchangeInput>;
  /** Stops the emulator. */
  stop(): Promise<void>;
}

export interface AdapterScenarioOptions {
  /** Transactions to add for the first sync; more than one page of the adapter (default 600). */
  firstSyncCount?: number;
  /** Whether the first sync must take more than one page (cursor providers: yes). */
  expectPagination?: boolean;
  /** Test timeout per scenario. */
  timeoutMs?: number;
}

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

async function providerError(run: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw new Error(`expected a ProviderError, got ${String((err as Error)?.stack ?? err)}`);
  }
  throw new Error('expected a ProviderError, but the call succeeded');
}

function expectKind(err: ProviderError, kinds: ProviderErrorKind[]): void {
  expect(kinds, `${err.kind}: ${err.message}`).to.include(err.kind);
}

export function adapterScenarios(
  name: string,
  setup: () => Promise<AdapterScenarioContext>,
  options: AdapterScenarioOptions = {},
): void {
  describe(`${name} adapter scenarios`, function () {
    this.timeout(options.timeoutMs ?? 60_000);
    let ctx: AdapterScenarioContext;
    let link: ExchangeResult;
    let credentials: ProviderCredentials;
    let accountIds: string[];
    let cursor = '';
    /** What the adapter has told us so far, by provider transaction id. */
    const mirror = new Map<string, ProviderTransaction>();
    const since = daysAgo(90);

    const session = (overrides: Partial<LinkSessionInput> = {}): LinkSessionInput => ({
      state: `state-${Math.random().toString(36).slice(2)}`,
      redirectUri: 'http://127.0.0.1:3000/bank/callback',
      userRef: 'member-scenarios',
      country: ctx.adapter.countries[0],
      language: 'en',
      ...overrides,
    });

    async function linkSandboxUser(username?: string): Promise<ExchangeResult> {
      const input = session();
      const s = await ctx.adapter.createLinkSession(input);
      return ctx.adapter.exchange(await ctx.linkUser(s, input, username));
    }

    /** Pages from `cursor` until has_more is false, applying each page to the mirror. */
    async function syncAll(): Promise<{
      pages: number;
      added: ProviderTransaction[];
      modified: ProviderTransaction[];
      removed: string[];
    }> {
      const seen = {
        pages: 0,
        added: [] as ProviderTransaction[],
        modified: [] as ProviderTransaction[],
        removed: [] as string[],
      };
      for (;;) {
        const r = await ctx.adapter.fetchChanges({ credentials, cursor, since, providerAccountIds: accountIds });
        if (r.credentials) credentials = r.credentials;
        const page = r.value;
        seen.pages++;
        for (const t of [...page.added, ...page.modified]) {
          if (t.pendingTransactionId) mirror.delete(t.pendingTransactionId);
          mirror.set(t.providerTransactionId, t);
        }
        for (const id of page.removed) mirror.delete(id);
        seen.added.push(...page.added);
        seen.modified.push(...page.modified);
        seen.removed.push(...page.removed);
        cursor = page.nextCursor;
        if (!page.hasMore) return seen;
        if (seen.pages > 1000) throw new Error('no end of pages');
      }
    }

    /** The mirror equals the sandbox's current transactions (from `since`), field by field. */
    function expectMirrorMatchesSandbox(): void {
      const truth = ctx.sandbox.list(accountIds.length ? sandboxAccountIds() : [], { from: since });
      const byId = new Map(truth.map((t) => [t.id, t]));
      const mirrored = [...mirror.values()].filter((t) => t.bookedOn >= since);
      expect(mirrored.map((t) => t.providerTransactionId).sort()).to.deep.equal([...byId.keys()].sort());
      for (const t of mirrored) expectSameTransaction(t, byId.get(t.providerTransactionId)!);
    }

    function sandboxAccountIds(): string[] {
      return ctx.sandbox.user('user_good')!.accounts.map((a) => a.id);
    }

    function expectSameTransaction(got: ProviderTransaction, want: SandboxTransaction): void {
      const label = want.id;
      expect(got.providerAccountId, label).to.equal(want.accountId);
      expect(got.direction, label).to.equal(want.direction);
      expect(got.currency.toUpperCase(), label).to.equal(want.currency);
      expect(parseMajor(got.amount, got.currency.toUpperCase()), label).to.equal(
        parseMajor(want.amount, want.currency),
      );
      expect(got.amount.startsWith('-'), `${label}: amounts are positive, direction carries the sign`).to.equal(false);
      expect(got.bookedOn, label).to.equal(want.bookedOn);
      expect(got.pending, label).to.equal(want.pending);
      expect(got.description, label).to.equal(want.description);
    }

    const checking = () => ctx.sandbox.user('user_good')!.accounts.find((a) => a.kind === 'CHECKING')!;

    before(async () => {
      ctx = await setup();
    });
    after(async () => ctx && (await ctx.stop()));

    it('creates a link session the app can open', async () => {
      const input = session();
      const s = await ctx.adapter.createLinkSession(input);
      expect(s.expiresAt.getTime()).to.be.greaterThan(Date.now());
      if (ctx.adapter.flow === 'TOKEN_EXCHANGE') expect(s.linkToken).to.be.a('string').and.not.equal('');
      else {
        expect(s.linkUrl).to.be.a('string');
        const url = new URL(s.linkUrl!);
        expect(url.searchParams.get('state')).to.equal(input.state);
      }
    });

    it('exchanges what the user brings back for credentials, naming the institution', async () => {
      link = await linkSandboxUser();
      credentials = link.credentials;
      expect(credentials.accessToken).to.be.a('string').and.not.equal('');
      expect(link.providerConnectionId).to.be.a('string').and.not.equal('');
      expect(link.institution.name).to.equal(ctx.sandbox.user('user_good')!.institution.name);
      if (link.consentExpiresAt) expect(link.consentExpiresAt.getTime()).to.be.greaterThan(Date.now());
    });

    it('refuses a made-up public token or code as the caller’s input', async () => {
      const err = await providerError(() =>
        ctx.adapter.exchange({
          publicToken: 'public-sandbox-made-up',
          authorizationCode: 'made-up-code',
          redirectUri: 'http://127.0.0.1:3000/bank/callback',
        }),
      );
      expectKind(err, ['INVALID_INPUT']);
    });

    it('lists the accounts with kind, mask, currency and balances', async () => {
      const r = await ctx.adapter.accounts(credentials);
      if (r.credentials) credentials = r.credentials;
      const want = ctx.sandbox.user('user_good')!.accounts;
      expect(r.value.map((a) => a.providerAccountId).sort()).to.deep.equal(want.map((a) => a.id).sort());
      for (const a of r.value) {
        const w = want.find((x) => x.id === a.providerAccountId)!;
        expect(a.name).to.equal(w.name);
        expect(a.mask).to.equal(w.mask);
        expect(a.kind).to.equal(w.kind);
        expect(a.currency.toUpperCase()).to.equal(w.currency);
        expect(parseMajor(a.currentBalance!, w.currency)).to.equal(parseMajor(w.currentBalance, w.currency));
        expect(parseMajor(a.availableBalance!, w.currency)).to.equal(parseMajor(w.availableBalance, w.currency));
        expect(a.balanceAsOf).to.be.instanceOf(Date);
      }
      accountIds = r.value.map((a) => a.providerAccountId);
    });

    it('first sync: every transaction once, over pages, pending and posted, money in and out', async () => {
      const count = options.firstSyncCount ?? 600;
      ctx.sandbox.addMany(checking().id, count, today(), checking().currency);
      ctx.sandbox.add({
        accountId: checking().id,
        amount: '2500.00',
        direction: 'IN',
        currency: checking().currency,
        bookedOn: daysAgo(3),
        pending: false,
        description: 'Salary',
      });
      ctx.sandbox.add({
        accountId: checking().id,
        amount: '4.50',
        direction: 'OUT',
        currency: checking().currency,
        bookedOn: today(),
        pending: true,
        description: 'Coffee (pending)',
        merchant: 'Corner Cafe',
      });
      const r = await syncAll();
      const ids = r.added.map((t) => t.providerTransactionId);
      expect(new Set(ids).size, 'no transaction twice').to.equal(ids.length);
      if (options.expectPagination ?? true) expect(r.pages).to.be.greaterThan(1);
      expect(cursor).to.be.a('string').and.not.equal('');
      expectMirrorMatchesSandbox();
      expect([...mirror.values()].some((t) => t.direction === 'IN')).to.equal(true);
      expect([...mirror.values()].some((t) => t.pending)).to.equal(true);
    });

    it('incremental sync from the cursor brings only what changed', async () => {
      const nothing = await syncAll();
      expect(nothing.added.filter((t) => !mirror.has(t.providerTransactionId))).to.deep.equal([]);
      expect(nothing.removed).to.deep.equal([]);
      const fresh = ctx.sandbox.add({
        accountId: checking().id,
        amount: '12.34',
        direction: 'OUT',
        currency: checking().currency,
        bookedOn: today(),
        pending: false,
        description: 'Bookshop',
        merchant: 'Bookshop',
      });
      const r = await syncAll();
      expect(r.added.map((t) => t.providerTransactionId)).to.include(fresh.id);
      expect(r.added.length, 'not the whole history again').to.be.lessThan(50);
      expectMirrorMatchesSandbox();
    });

    it('pending → posted under a new id and a new amount replaces the pending one', async () => {
      const pending = ctx.sandbox.add({
        accountId: checking().id,
        amount: '20.00',
        direction: 'OUT',
        currency: checking().currency,
        bookedOn: daysAgo(1),
        pending: true,
        description: 'Restaurant',
        merchant: 'Trattoria',
      });
      await syncAll();
      expect(mirror.get(pending.id)?.pending).to.equal(true);
      const posted = ctx.sandbox.post(pending.id, { amount: '24.00' });
      const r = await syncAll();
      const got = r.added.find((t) => t.providerTransactionId === posted.id) ?? mirror.get(posted.id);
      expect(got, 'the posted transaction').to.not.equal(undefined);
      expect(got!.pending).to.equal(false);
      expect(parseMajor(got!.amount, posted.currency)).to.equal(parseMajor('24.00', posted.currency));
      const linked = got!.pendingTransactionId === pending.id || r.removed.includes(pending.id);
      expect(linked, 'the pending one is named or removed').to.equal(true);
      expect(mirror.has(pending.id)).to.equal(false);
      expectMirrorMatchesSandbox();
    });

    it('a modified transaction comes back modified', async () => {
      const t = ctx.sandbox.list([checking().id], { pending: false }).at(-1)!;
      ctx.sandbox.modify(t.id, { amount: '99.99', description: 'Corrected by the bank' });
      const r = await syncAll();
      const changed = [...r.modified, ...r.added].find((x) => x.providerTransactionId === t.id);
      expect(changed?.description).to.equal('Corrected by the bank');
      expectMirrorMatchesSandbox();
    });

    it('a removed transaction comes back removed', async () => {
      const t = ctx.sandbox.list([checking().id], { pending: false }).at(-2)!;
      ctx.sandbox.remove(t.id);
      const r = await syncAll();
      expect(r.removed).to.include(t.id);
      expectMirrorMatchesSandbox();
    });

    it('a rate limit is RATE_LIMITED, an outage UNAVAILABLE, both retryable, and the next call works', async () => {
      ctx.controls.failNext('RATE_LIMITED');
      const limited = await providerError(() =>
        ctx.adapter.fetchChanges({ credentials, cursor, since, providerAccountIds: accountIds }),
      );
      expectKind(limited, ['RATE_LIMITED']);
      expect(limited.retryable).to.equal(true);
      ctx.controls.failNext('UNAVAILABLE');
      const down = await providerError(() =>
        ctx.adapter.fetchChanges({ credentials, cursor, since, providerAccountIds: accountIds }),
      );
      expectKind(down, ['UNAVAILABLE']);
      expect(down.retryable).to.equal(true);
      await syncAll();
      expectMirrorMatchesSandbox();
    });

    it('refreshes an expired access token and hands back the new credentials', async function () {
      if (!ctx.controls.expireAccessToken) return this.skip();
      ctx.controls.expireAccessToken(link.providerConnectionId);
      const r = await ctx.adapter.fetchChanges({ credentials, cursor, since, providerAccountIds: accountIds });
      expect(r.credentials?.accessToken).to.be.a('string').and.not.equal(credentials.accessToken);
      credentials = r.credentials!;
      cursor = r.value.nextCursor;
    });

    it('login required is REAUTH_REQUIRED and expired consent CONSENT_EXPIRED (or REAUTH_REQUIRED)', async () => {
      ctx.controls.failNext('LOGIN_REQUIRED');
      expectKind(
        await providerError(() =>
          ctx.adapter.fetchChanges({ credentials, cursor, since, providerAccountIds: accountIds }),
        ),
        ['REAUTH_REQUIRED'],
      );
      ctx.controls.failNext('CONSENT_EXPIRED');
      const expired = await providerError(() =>
        ctx.adapter.fetchChanges({ credentials, cursor, since, providerAccountIds: accountIds }),
      );
      expectKind(expired, ['CONSENT_EXPIRED', 'REAUTH_REQUIRED']);
      expect(expired.retryable).to.equal(false);
    });

    it('a link whose login expired keeps answering REAUTH_REQUIRED', async () => {
      const other = await linkSandboxUser();
      const otherAccounts = (await ctx.adapter.accounts(other.credentials)).value.map((a) => a.providerAccountId);
      ctx.controls.expireLogin(other.providerConnectionId);
      for (let i = 0; i < 2; i++) {
        expectKind(
          await providerError(() =>
            ctx.adapter.fetchChanges({
              credentials: other.credentials,
              cursor: '',
              since,
              providerAccountIds: otherAccounts,
            }),
          ),
          ['REAUTH_REQUIRED'],
        );
      }
    });

    it('verifies a signed webhook and names the link and what happened', async () => {
      const sync = await ctx.adapter.verifyWebhook(
        await ctx.controls.webhook('SYNC_AVAILABLE', link.providerConnectionId),
      );
      expect(sync.kind).to.equal('SYNC_AVAILABLE');
      expect(sync.providerConnectionId).to.equal(link.providerConnectionId);
      expect(sync.eventId).to.be.a('string').and.not.equal('');
      expect(Math.abs(sync.occurredAt.getTime() - Date.now())).to.be.lessThan(60_000);
      const reauth = await ctx.adapter.verifyWebhook(
        await ctx.controls.webhook('REAUTH_REQUIRED', link.providerConnectionId),
      );
      expect(reauth.kind).to.equal('REAUTH_REQUIRED');
      expect(reauth.eventId).to.not.equal(sync.eventId);
    });

    it('refuses a forged webhook: a changed body or no signature is UNAUTHENTICATED', async () => {
      const valid = await ctx.controls.webhook('SYNC_AVAILABLE', link.providerConnectionId);
      const body = Buffer.from(valid.body);
      const tampered = Buffer.from(
        body.toString('utf8').replace(link.providerConnectionId, `${link.providerConnectionId}x`),
      );
      expect(tampered.equals(body), 'the body names the link').to.equal(false);
      expectKind(await providerError(() => ctx.adapter.verifyWebhook({ ...valid, body: tampered })), [
        'UNAUTHENTICATED',
      ]);
      expectKind(await providerError(() => ctx.adapter.verifyWebhook({ ...valid, headers: {} })), ['UNAUTHENTICATED']);
      const reauth = await ctx.controls.webhook('REAUTH_REQUIRED', link.providerConnectionId);
      expectKind(await providerError(() => ctx.adapter.verifyWebhook({ ...valid, body: reauth.body })), [
        'UNAUTHENTICATED',
      ]);
    });

    it('a replayed webhook has the same event id (the service drops it); a stale one is refused or dated', async () => {
      const valid = await ctx.controls.webhook('SYNC_AVAILABLE', link.providerConnectionId);
      const first = await ctx.adapter.verifyWebhook(valid);
      const again = await ctx.adapter.verifyWebhook({ ...valid, body: Buffer.from(valid.body) });
      expect(again.eventId).to.equal(first.eventId);
      const stale = await ctx.controls.webhook('SYNC_AVAILABLE', link.providerConnectionId, {
        at: new Date(Date.now() - 10 * 60_000),
      });
      try {
        const event = await ctx.adapter.verifyWebhook(stale);
        expect(Date.now() - event.occurredAt.getTime(), 'dated outside the 5-minute window').to.be.greaterThan(
          5 * 60_000,
        );
      } catch (err) {
        expect(err).to.be.instanceOf(ProviderError);
        expectKind(err as ProviderError, ['UNAUTHENTICATED']);
      }
    });

    it('revokes a link; its credentials stop working; revoking again is not an error', async () => {
      const other = await linkSandboxUser();
      const otherAccounts = (await ctx.adapter.accounts(other.credentials)).value.map((a) => a.providerAccountId);
      await ctx.adapter.revoke(other.credentials);
      expectKind(
        await providerError(() =>
          ctx.adapter.fetchChanges({
            credentials: other.credentials,
            cursor: '',
            since,
            providerAccountIds: otherAccounts,
          }),
        ),
        ['REVOKED', 'REAUTH_REQUIRED', 'CONSENT_EXPIRED'],
      );
      await ctx.adapter.revoke(other.credentials);
    });
  });
}
