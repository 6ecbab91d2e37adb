// TrueLayer behind the BankAdapter interface, through `truelayer-client` (AuthAPIClient for the auth
// link and /connect/token, DataAPIClient for the Data API v1).
//
// Base URLs: the client builds every URL from `Constants.AUTH_URL` / `Constants.API_URL`, which it
// reads synchronously while building a request (the URL is a template literal evaluated before the
// call's first await). `clientAt` sets them to this adapter's URLs around that synchronous start and
// restores them at once, so one process can hold adapters for TrueLayer's sandbox, its live hosts and
// an emulator on 127.0.0.1:0 with calls in flight together. The URLs are always explicit: nothing
// silently defaults to production. (Its HTTP library, `request`, also honours HTTP(S)_PROXY and
// NO_PROXY from the environment.)
//
// What the client does not give, and how it is covered:
// - it drops `expires_in`: the access token is a JWT, so its `exp` is read instead;
// - its ApiError keeps TrueLayer's `error` code and description but not the HTTP status or
//   Retry-After, so errors are mapped by code;
// - it builds the auth link by joining raw values and encodeURI()-ing the whole URL, so `state` and
//   `redirect_uri` are set again, properly encoded;
// - it has no call for DELETE /api/delete (ending the credentials): that one request goes by fetch.
//
// Syncing: TrueLayer has no change cursor, only date windows. The cursor is an opaque JSON holding,
// per account, the last fully fetched day and what was seen in the last `overlapDays` days (and the
// pending transactions): each sync re-fetches that overlap, so changed bookings come back modified
// and vanished ones removed. A first sync longer than `windowDays` takes one page per window.
// Pending transactions get new ids when they book; where the bank's own id
// (`provider_transaction_id`) carries over, the booked one names its pending one.
import { createHash, createPublicKey, randomBytes, verify as verifySignature, type KeyObject } from 'node:crypto';
import { AuthAPIClient, Constants, DataAPIClient } from 'truelayer-client';
import { addDays, minDay, type Day } from '@family/service-kit/calendar';
import type {
  AccountKind,
  BankAdapter,
  ExchangeInput,
  ExchangeResult,
  FetchChangesInput,
  LinkSession,
  LinkSessionInput,
  ProviderAccount,
  ProviderCredentials,
  ProviderTransaction,
  TransactionChanges,
  WebhookEvent,
  WebhookInput,
  WebhookKind,
  WithCredentials,
} from './bank.adapter.js';
import { ProviderError, type ProviderErrorKind } from './provider.error.js';

export interface TrueLayerAdapterOptions {
  clientId: string;
  clientSecret: string;
  /** The auth server: TrueLayer's sandbox or live auth host, or an emulator. No default. */
  authUrl: string;
  /** The Data API server (sandbox, live or an emulator). No default. */
  apiUrl: string;
  /** The one `jku` webhook signatures may name: TrueLayer's sandbox or live JWKS URL. */
  webhookJwksUrl: string;
  /** The auth link's provider selection (TrueLayer `providers`, e.g. "uk-ob-all uk-oauth-all"). */
  providers?: readonly string[] | undefined;
  countries?: readonly string[] | undefined;
  /** Days of bookings re-fetched on every sync to notice changes and removals (default 7). */
  overlapDays?: number | undefined;
  /** The longest date window one page asks for (default 30 days). */
  windowDays?: number | undefined;
  /** Deadline of each call to TrueLayer (default 30 s). */
  timeoutMs?: number | undefined;
  /** How far a webhook's signed timestamp may be from now (default 5 minutes). */
  webhookToleranceMs?: number | undefined;
  /** How long a link session is offered for (default 30 minutes). */
  linkTtlMs?: number | undefined;
}

/** The scopes every link asks for (`cards`: TrueLayer serves credit cards apart from accounts). */
const SCOPES = ['info', 'accounts', 'balance', 'cards', 'transactions', 'offline_access'];
/** The auth link parameters `getAuthUrl` writes; anything else in its URL came from a mangled value. */
const AUTH_LINK_PARAMS = [
  'response_type',
  'client_id',
  'scope',
  'nonce',
  'response_mode',
  'enable_mock',
  'enable_credentials_sharing_providers',
  'enable_credentials_sharing_providers_de',
  'enable_oauth_providers',
  'enable_open_banking_providers',
  'disable_providers',
  'provider_id',
];
const DEFAULT_CONSENT_MS = 90 * 86_400_000;
/** Refresh this long before the access token runs out. */
const REFRESH_SKEW_MS = 60_000;
/** A failed signature check re-reads the JWKS at most this often (TrueLayer may rotate keys). */
const JWKS_REFETCH_MS = 60_000;

const RATE_LIMITED = new Set(['provider_too_many_requests', 'provider_request_limit_exceeded', 'too_many_requests']);
const UNAVAILABLE = new Set([
  'internal_server_error',
  'internal_error',
  'provider_error',
  'provider_timeout',
  'temporarily_unavailable',
  'service_unavailable',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
/** The access token was refused (the client's own check says `invalid_access_token`): refresh. */
const UNAUTHORIZED = new Set(['unauthorized', 'invalid_token', 'invalid_access_token']);
const INVALID_INPUT = new Set(['validation_error', 'invalid_date_range', 'invalid_request', 'account_not_found']);

/** TrueLayer's webhook event types, as this adapter reads them. */
const WEBHOOK_KINDS = new Map<string, WebhookKind>([
  ['transactions_updated', 'SYNC_AVAILABLE'],
  ['data_updated', 'SYNC_AVAILABLE'],
  ['reauthentication_required', 'REAUTH_REQUIRED'],
  ['consent_expired', 'REAUTH_REQUIRED'],
  ['consent_expiring', 'CONSENT_EXPIRING'],
  ['consent_revoked', 'REVOKED'],
  ['credentials_revoked', 'REVOKED'],
]);

type CallContext = 'exchange' | 'refresh' | 'data';

/** What TrueLayer (through the client's ApiError, or a socket error code) said went wrong. */
function codeOf(err: unknown): string | undefined {
  if (!(err instanceof Error) || !('error' in err)) return undefined;
  // A body with `error` but no `error_description` reaches us as the whole parsed body.
  const code: unknown = err.error;
  if (typeof code === 'string') return code;
  if (typeof code === 'object' && code !== null && 'error' in code && typeof code.error === 'string') return code.error;
  return undefined;
}

/** An own property of a record parsed from JSON (never one inherited from Object.prototype). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

interface TrueLayerTransaction {
  transaction_id: string;
  timestamp: string;
  description?: string;
  amount: number;
  currency: string;
  transaction_type?: string;
  merchant_name?: string;
  provider_transaction_id?: string;
  meta?: { provider_transaction_id?: string; bank_transaction_id?: string } & Record<string, unknown>;
}

interface AccountCursor {
  /** The last day whose bookings were fully fetched. */
  through?: Day | undefined;
  card: boolean;
  /** Bookings of the overlap window: transaction id → "day|digest". */
  booked: Record<string, string>;
  /** Pending transactions last seen: transaction id → "bank id|digest". */
  pending: Record<string, string>;
  /** Pending transactions that went away lately: bank id → "transaction id|day gone". */
  gone: Record<string, string>;
}

interface SyncCursor {
  v: 1;
  accounts: Record<string, AccountCursor>;
}

const todayUtc = (): Day => new Date().toISOString().slice(0, 10);

/** A JSON number as a positive decimal string ("-12.5" → "12.5"), never in exponent notation. */
function decimal(n: number): string {
  const abs = Math.abs(n);
  const text = String(abs);
  return text.includes('e') ? abs.toFixed(10).replace(/\.?0+$/, '') : text;
}

function digest(t: ProviderTransaction): string {
  return createHash('sha256')
    .update(JSON.stringify([t.amount, t.direction, t.currency, t.bookedOn, t.description, t.merchant ?? '', t.pending]))
    .digest('base64url')
    .slice(0, 16);
}

/** The `exp` of a JWT access token, or undefined when it is not one. */
function expiryOf(accessToken: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

function accountKind(accountType: string | undefined): AccountKind {
  switch (accountType) {
    case 'TRANSACTION':
    case 'BUSINESS_TRANSACTION':
      return 'CHECKING';
    case 'SAVINGS':
    case 'BUSINESS_SAVINGS':
      return 'SAVINGS';
    default:
      return 'OTHER';
  }
}

export class TrueLayerAdapter implements BankAdapter {
  readonly provider = 'TRUELAYER' as const;
  readonly displayName = 'TrueLayer';
  readonly flow = 'REDIRECT' as const;
  readonly countries: readonly string[];

  private readonly auth: AuthAPIClient;
  private readonly overlapDays: number;
  private readonly windowDays: number;
  private readonly timeoutMs: number;
  private readonly toleranceMs: number;
  private readonly jwks = new Map<string, KeyObject>();
  private jwksFetchedAt = 0;

  constructor(private readonly options: TrueLayerAdapterOptions) {
    for (const [name, value] of Object.entries({
      authUrl: options.authUrl,
      apiUrl: options.apiUrl,
      webhookJwksUrl: options.webhookJwksUrl,
    })) {
      if (!/^https?:\/\//.test(value)) throw new Error(`TrueLayer ${name} must be an absolute URL`);
    }
    this.auth = new AuthAPIClient({ client_id: options.clientId, client_secret: options.clientSecret });
    this.countries = options.countries ?? [
      'GB',
      'IE',
      'FR',
      'ES',
      'IT',
      'DE',
      'NL',
      'AT',
      'BE',
      'FI',
      'LT',
      'PL',
      'PT',
    ];
    this.overlapDays = Math.max(1, options.overlapDays ?? 7);
    this.windowDays = Math.max(this.overlapDays + 1, options.windowDays ?? 30);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.toleranceMs = options.webhookToleranceMs ?? 5 * 60_000;
  }

  /** Runs a client call with its base URLs pointing at this adapter's servers (see the file header). */
  private clientAt<T>(call: () => T): T {
    const urls = Constants as unknown as { AUTH_URL: string; API_URL: string };
    const saved = { auth: urls.AUTH_URL, api: urls.API_URL };
    urls.AUTH_URL = this.options.authUrl.replace(/\/+$/, '');
    urls.API_URL = this.options.apiUrl.replace(/\/+$/, '');
    try {
      return call();
    } finally {
      urls.AUTH_URL = saved.auth;
      urls.API_URL = saved.api;
    }
  }

  /** A client call with this adapter's URLs and a deadline; failures become ProviderErrors. */
  private async call<T>(context: CallContext, run: () => Promise<T>, credentials?: ProviderCredentials): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProviderError('UNAVAILABLE', `TrueLayer did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.clientAt(run), deadline]);
    } catch (err) {
      throw this.providerError(err, context, credentials);
    } finally {
      clearTimeout(timer);
    }
  }

  private providerError(err: unknown, context: CallContext, credentials?: ProviderCredentials): Error {
    if (err instanceof ProviderError) return err;
    const code = codeOf(err);
    const description = err instanceof Error ? err.message : String(err);
    const fail = (kind: ProviderErrorKind, message: string) =>
      new ProviderError(kind, `TrueLayer: ${message}`, { providerCode: code });
    if (code === undefined) return err instanceof Error ? err : new Error(description);
    if (RATE_LIMITED.has(code)) return fail('RATE_LIMITED', description);
    if (UNAVAILABLE.has(code)) return fail('UNAVAILABLE', description);
    if (code === 'invalid_grant') {
      if (context === 'exchange') return fail('INVALID_INPUT', 'the authorization code is invalid or expired');
      if (/revok/i.test(description)) return fail('REVOKED', description);
      const consentEnd = Date.parse(credentials?.extra?.consentExpiresAt ?? '');
      if (/consent/i.test(description) || consentEnd <= Date.now()) return fail('CONSENT_EXPIRED', description);
      return fail('REAUTH_REQUIRED', description);
    }
    if (code === 'sca_exceeded') return fail('CONSENT_EXPIRED', description);
    if (code === 'access_denied') return fail('REVOKED', description);
    if (UNAUTHORIZED.has(code)) return fail('REAUTH_REQUIRED', 'the access token is refused and cannot be refreshed');
    if (code === 'invalid_client' || code === 'unsupported_grant_type' || code === 'invalid_scope') {
      // Our configuration, not the user's input: an internal error (its description stays in the log).
      return new Error(`TrueLayer refused the client: ${code}: ${description}`);
    }
    if (INVALID_INPUT.has(code)) return fail('INVALID_INPUT', description);
    return fail('UNAVAILABLE', `${code}: ${description}`);
  }

  createLinkSession(input: LinkSessionInput): Promise<LinkSession> {
    const built = this.clientAt(() =>
      this.auth.getAuthUrl({
        redirectURI: input.redirectUri,
        scope: SCOPES,
        nonce: randomBytes(16).toString('hex'),
        state: input.state,
        ...(input.institutionId ? { providerId: input.institutionId } : {}),
      }),
    );
    const url = new URL(built);
    const params = new URLSearchParams();
    for (const key of AUTH_LINK_PARAMS) {
      const value = url.searchParams.get(key);
      if (value !== null) params.set(key, value);
    }
    params.set('redirect_uri', input.redirectUri);
    params.set('state', input.state);
    if (this.options.providers?.length) params.set('providers', this.options.providers.join(' '));
    // '+' in values is already %2B here, so the remaining ones are spaces: written as %20, as TrueLayer's.
    url.search = params.toString().replace(/\+/g, '%20');
    return Promise.resolve({
      linkUrl: url.toString(),
      expiresAt: new Date(Date.now() + (this.options.linkTtlMs ?? 30 * 60_000)),
    });
  }

  async exchange(input: ExchangeInput): Promise<ExchangeResult> {
    if (!input.authorizationCode)
      throw new ProviderError('INVALID_INPUT', 'TrueLayer links return an authorization code');
    const code = input.authorizationCode;
    const tokens = await this.call('exchange', () => this.auth.exchangeCodeForToken(input.redirectUri, code));
    const accessToken = tokens.access_token;
    const me = (await this.call('data', () => DataAPIClient.getMe(accessToken))).results[0] as
      | {
          credentials_id: string;
          consent_expires_at?: string;
          provider?: { provider_id: string; display_name: string };
        }
      | undefined;
    if (!me?.credentials_id) throw new ProviderError('UNAVAILABLE', 'TrueLayer /me named no credentials');
    const consentAt = Date.parse(me.consent_expires_at ?? '');
    const consentExpiresAt = new Date(Number.isNaN(consentAt) ? Date.now() + DEFAULT_CONSENT_MS : consentAt);
    return {
      credentials: {
        accessToken,
        refreshToken: tokens.refresh_token || undefined,
        accessExpiresAt: expiryOf(accessToken),
        extra: { credentialsId: me.credentials_id, consentExpiresAt: consentExpiresAt.toISOString() },
      },
      providerConnectionId: me.credentials_id,
      institution: { id: me.provider?.provider_id ?? 'unknown', name: me.provider?.display_name ?? 'Unknown bank' },
      consentExpiresAt,
    };
  }

  async accounts(credentials: ProviderCredentials): Promise<WithCredentials<ProviderAccount[]>> {
    const session = this.session(credentials);
    const accounts = (await session.data((t) => DataAPIClient.getAccounts(t))).results;
    const cards = await this.cardsOf(session);
    const out: ProviderAccount[] = [];
    for (const a of accounts) {
      const balance = await this.optional(session.data((t) => DataAPIClient.getBalance(t, a.account_id)));
      const b = balance?.results[0];
      out.push({
        providerAccountId: a.account_id,
        name: a.display_name ?? a.description ?? a.account_type,
        mask: (a.account_number?.number ?? a.account_number?.iban ?? '').slice(-4),
        kind: accountKind(a.account_type),
        currency: a.currency,
        currentBalance: b ? decimal(b.current) : undefined,
        availableBalance: b && b.available !== undefined ? decimal(b.available) : undefined,
        balanceAsOf: new Date(b?.update_timestamp ?? a.update_timestamp ?? Date.now()),
      });
    }
    for (const c of cards) {
      const balance = await this.optional(session.data((t) => DataAPIClient.getCardBalance(t, c.account_id)));
      const b = balance?.results[0];
      out.push({
        providerAccountId: c.account_id,
        name: c.display_name ?? `${c.card_network} card`,
        mask: (c.partial_card_number ?? '').slice(-4),
        kind: c.card_type === 'CREDIT' ? 'CREDIT_CARD' : 'OTHER',
        currency: c.currency,
        currentBalance: b ? decimal(b.current) : undefined,
        availableBalance: b && b.available !== undefined ? decimal(b.available) : undefined,
        balanceAsOf: new Date(b?.update_timestamp ?? c.update_timestamp ?? Date.now()),
      });
    }
    return { value: out, credentials: session.changed };
  }

  /** The link's cards; none when the provider has no card endpoint. */
  private async cardsOf(session: TokenSession) {
    const cards = await this.optional(session.data((t) => DataAPIClient.getCards(t)));
    return cards?.results ?? [];
  }

  /** A call the provider may not support (501 endpoint_not_supported): undefined then. */
  private async optional<T>(pending: Promise<T>): Promise<T | undefined> {
    try {
      return await pending;
    } catch (err) {
      if (err instanceof ProviderError && err.details.providerCode === 'endpoint_not_supported') return undefined;
      throw err;
    }
  }

  async fetchChanges(input: FetchChangesInput): Promise<WithCredentials<TransactionChanges>> {
    const session = this.session(input.credentials);
    const cursor = this.parseCursor(input.cursor);
    const today = todayUtc();
    const unknown = input.providerAccountIds.filter((id) => !own(cursor.accounts, id));
    const cardIds = new Set(unknown.length ? (await this.cardsOf(session)).map((c) => c.account_id) : []);

    const windowOf = (state: AccountCursor | undefined) => {
      const from = state?.through ? addDays(state.through, -(this.overlapDays - 1)) : input.since;
      const to = minDay(today, addDays(from, this.windowDays - 1));
      return { from: minDay(from, today), to };
    };
    // While some account is still catching up (a long first sync), pages go to those alone.
    const lagging = input.providerAccountIds.filter((id) => windowOf(own(cursor.accounts, id)).to < today);
    const now = lagging.length
      ? input.providerAccountIds.filter((id) => lagging.includes(id) || !own(cursor.accounts, id))
      : input.providerAccountIds;

    const changes: TransactionChanges = { added: [], modified: [], removed: [], nextCursor: '', hasMore: false };
    const next: SyncCursor = { v: 1, accounts: {} };
    for (const id of input.providerAccountIds) {
      const previous = own(cursor.accounts, id);
      if (previous && !now.includes(id)) {
        next.accounts[id] = previous;
        continue;
      }
      const state: AccountCursor = previous ?? { card: cardIds.has(id), booked: {}, pending: {}, gone: {} };
      const { from, to } = windowOf(previous);
      next.accounts[id] = await this.syncAccount(session, id, state, from, to, today, changes);
      if (to < today) changes.hasMore = true;
    }
    changes.nextCursor = JSON.stringify(next);
    return { value: changes, credentials: session.changed };
  }

  private async syncAccount(
    session: TokenSession,
    accountId: string,
    state: AccountCursor,
    from: Day,
    to: Day,
    today: Day,
    changes: TransactionChanges,
  ): Promise<AccountCursor> {
    const booked = (
      await session.data((t) =>
        state.card
          ? DataAPIClient.getCardTransactions(t, accountId, from, to)
          : DataAPIClient.getTransactions(t, accountId, from, to),
      )
    ).results as unknown as TrueLayerTransaction[];
    const last = to === today;
    const pendingList = last
      ? ((
          await this.optional(
            session.data((t) =>
              state.card
                ? DataAPIClient.getCardPendingTransactions(t, accountId)
                : DataAPIClient.getPendingTransactions(t, accountId),
            ),
          )
        )?.results as unknown as TrueLayerTransaction[] | undefined)
      : undefined;

    // Pending transactions by the bank's id, to name the one a new booking replaces.
    const pendingByBankId = new Map<string, string>();
    for (const [id, entry] of Object.entries(state.pending)) {
      const bankId = entry.slice(0, entry.lastIndexOf('|'));
      if (bankId) pendingByBankId.set(bankId, id);
    }
    for (const [bankId, entry] of Object.entries(state.gone)) pendingByBankId.set(bankId, entry.split('|')[0]!);

    const through = last ? addDays(today, -1) : to;
    const keepFrom = addDays(through, -(this.overlapDays - 1));
    const next: AccountCursor = { through, card: state.card, booked: {}, pending: {}, gone: {} };
    const bookedNow = new Set<string>();
    const postedPending = new Set<string>();

    for (const raw of booked) {
      const t = this.transaction(raw, accountId, false);
      bookedNow.add(t.providerTransactionId);
      const seen = own(state.booked, t.providerTransactionId);
      const sum = digest(t);
      if (own(state.pending, t.providerTransactionId) !== undefined) {
        // Booked under the same id it had while pending.
        postedPending.add(t.providerTransactionId);
        changes.modified.push(t);
      } else if (seen === undefined) {
        const bankId = this.bankIdOf(raw);
        const pendingId = bankId ? pendingByBankId.get(bankId) : undefined;
        if (pendingId && pendingId !== t.providerTransactionId) t.pendingTransactionId = pendingId;
        changes.added.push(t);
      } else if (seen.slice(seen.indexOf('|') + 1) !== sum) {
        changes.modified.push(t);
      }
      if (t.bookedOn >= keepFrom) next.booked[t.providerTransactionId] = `${t.bookedOn}|${sum}`;
    }
    // A booking seen in the window before and absent now was taken back by the bank.
    for (const [id, entry] of Object.entries(state.booked)) {
      if (!bookedNow.has(id) && entry.slice(0, 10) >= from && entry.slice(0, 10) <= to) changes.removed.push(id);
    }

    if (!pendingList) {
      // Not the last window (or no pending endpoint): pending ones are looked at on the last page.
      next.pending = last ? {} : { ...state.pending };
      next.gone = { ...state.gone };
    } else {
      const pendingNow = new Set<string>();
      for (const raw of pendingList) {
        const t = this.transaction(raw, accountId, true);
        pendingNow.add(t.providerTransactionId);
        const sum = digest(t);
        const seen = own(state.pending, t.providerTransactionId);
        if (seen === undefined) changes.added.push(t);
        else if (seen.slice(seen.lastIndexOf('|') + 1) !== sum) changes.modified.push(t);
        next.pending[t.providerTransactionId] = `${this.bankIdOf(raw) ?? ''}|${sum}`;
      }
      for (const [bankId, entry] of Object.entries(state.gone)) {
        if (entry.slice(entry.indexOf('|') + 1) >= keepFrom) next.gone[bankId] = entry;
      }
      for (const [id, entry] of Object.entries(state.pending)) {
        if (pendingNow.has(id) || postedPending.has(id)) continue;
        changes.removed.push(id);
        const bankId = entry.slice(0, entry.lastIndexOf('|'));
        if (bankId) next.gone[bankId] = `${id}|${today}`;
      }
    }
    return next;
  }

  private bankIdOf(t: TrueLayerTransaction): string | undefined {
    return t.provider_transaction_id ?? t.meta?.provider_transaction_id ?? t.meta?.bank_transaction_id;
  }

  private transaction(t: TrueLayerTransaction, accountId: string, pending: boolean): ProviderTransaction {
    // TrueLayer signs amounts (negative = money out); transaction_type says it outright when present.
    const out = t.transaction_type === 'DEBIT' || (t.transaction_type !== 'CREDIT' && t.amount < 0);
    return {
      providerTransactionId: t.transaction_id,
      providerAccountId: accountId,
      amount: decimal(t.amount),
      direction: out ? 'OUT' : 'IN',
      currency: t.currency,
      bookedOn: t.timestamp.slice(0, 10),
      pending,
      description: t.description ?? '',
      merchant: t.merchant_name || undefined,
    };
  }

  private parseCursor(text: string): SyncCursor {
    if (!text) return { v: 1, accounts: {} };
    try {
      const parsed = JSON.parse(text) as SyncCursor;
      if (parsed.v === 1 && typeof parsed.accounts === 'object' && parsed.accounts !== null) return parsed;
    } catch {
      // falls through to the refusal below
    }
    throw new ProviderError('INVALID_INPUT', 'not a TrueLayer sync cursor');
  }

  async verifyWebhook(input: WebhookInput): Promise<WebhookEvent> {
    const refuse = (why: string) => new ProviderError('UNAUTHENTICATED', `TrueLayer webhook: ${why}`);
    const signature = input.headers['tl-signature'];
    if (!signature) throw refuse('no Tl-Signature');
    const [encodedHeader, detached, encodedSignature] = signature.split('.');
    if (encodedHeader === undefined || detached !== '' || !encodedSignature) throw refuse('not a detached JWS');
    let header: { alg?: unknown; kid?: unknown; jku?: unknown; tl_version?: unknown; tl_headers?: unknown };
    try {
      header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as typeof header;
    } catch {
      throw refuse('unreadable JWS header');
    }
    if (header.alg !== 'ES512') throw refuse('unexpected alg');
    if (header.tl_version !== '2') throw refuse('unexpected tl_version');
    if (header.jku !== this.options.webhookJwksUrl) throw refuse('unexpected jku');
    if (typeof header.kid !== 'string' || !header.kid) throw refuse('no kid');
    const signed = typeof header.tl_headers === 'string' ? header.tl_headers.split(',').filter(Boolean) : [];
    if (!signed.some((h) => h.toLowerCase() === 'x-tl-webhook-timestamp')) throw refuse('timestamp not signed');

    const body = Buffer.from(input.body);
    const lines = signed.map((name) => `${name}: ${input.headers[name.toLowerCase()] ?? ''}\n`).join('');
    const sig = Buffer.from(encodedSignature, 'base64url');
    const matches = (key: KeyObject) =>
      [input.path, input.path.endsWith('/') ? input.path.slice(0, -1) : `${input.path}/`].some((path) => {
        const payload = Buffer.concat([Buffer.from(`POST ${path}\n${lines}`), body]);
        const signingInput = Buffer.from(`${encodedHeader}.${payload.toString('base64url')}`);
        return verifySignature('sha512', signingInput, { key, dsaEncoding: 'ieee-p1363' }, sig);
      });
    let key = this.jwks.get(header.kid);
    if (!key || !matches(key)) {
      // Keys rotate: an unknown kid or a failed check reads the JWKS again (not more than once a minute).
      if (Date.now() - this.jwksFetchedAt >= JWKS_REFETCH_MS || !key) await this.loadJwks();
      key = this.jwks.get(header.kid);
      if (!key || !matches(key)) throw refuse('the signature does not verify');
    }

    const timestamp = Date.parse(input.headers['x-tl-webhook-timestamp'] ?? '');
    if (Number.isNaN(timestamp) || Math.abs(Date.now() - timestamp) > this.toleranceMs) {
      throw refuse('timestamp outside the accepted window');
    }
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw refuse('the body is not JSON');
    }
    const type =
      typeof event.type === 'string' ? event.type : typeof event.event_type === 'string' ? event.event_type : '';
    // Data API asynchronous requests call back with their task and status, without a type.
    const asyncDone = !type && typeof event.task_id === 'string' && event.status === 'Succeeded';
    const kind: WebhookKind = WEBHOOK_KINDS.get(type) ?? (asyncDone ? 'SYNC_AVAILABLE' : 'IGNORED');
    const id = [event.event_id, event.task_id].find((v): v is string => typeof v === 'string' && v !== '');
    const consentAt = Date.parse(typeof event.consent_expires_at === 'string' ? event.consent_expires_at : '');
    return {
      eventId: id ?? createHash('sha256').update(body).digest('hex'),
      providerConnectionId: typeof event.credentials_id === 'string' ? event.credentials_id : '',
      kind,
      occurredAt: new Date(timestamp),
      ...(Number.isNaN(consentAt) ? {} : { consentExpiresAt: new Date(consentAt) }),
    };
  }

  private async loadJwks(): Promise<void> {
    let keys: unknown;
    try {
      const response = await fetch(this.options.webhookJwksUrl, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      keys = ((await response.json()) as { keys?: unknown }).keys;
    } catch (err) {
      throw new ProviderError('UNAVAILABLE', `TrueLayer JWKS could not be read: ${(err as Error).message}`);
    }
    this.jwksFetchedAt = Date.now();
    this.jwks.clear();
    for (const jwk of Array.isArray(keys) ? (keys as Record<string, unknown>[]) : []) {
      // Only the algorithm TrueLayer signs webhooks with.
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'EC' || jwk.crv !== 'P-521') continue;
      if (jwk.alg !== undefined && jwk.alg !== 'ES512') continue;
      try {
        this.jwks.set(jwk.kid, createPublicKey({ key: jwk as never, format: 'jwk' }));
      } catch {
        // an unusable key is simply not offered for verification
      }
    }
  }

  async revoke(credentials: ProviderCredentials): Promise<void> {
    const session = this.session(credentials);
    try {
      await session.data((token) => this.deleteCredentials(token));
    } catch (err) {
      // Already revoked, expired or unusable credentials are ended as far as we are concerned.
      if (err instanceof ProviderError && ['REVOKED', 'REAUTH_REQUIRED', 'CONSENT_EXPIRED'].includes(err.kind)) return;
      throw err;
    }
  }

  /** DELETE /api/delete (the client has no call for it), failing the way the client's errors do. */
  private async deleteCredentials(accessToken: string): Promise<void> {
    const response = await fetch(`${this.options.authUrl.replace(/\/+$/, '')}/api/delete`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((err: unknown) => {
      throw Object.assign(new Error((err as Error).message), { error: 'ECONNREFUSED' });
    });
    if (response.ok) return;
    const body = (await response.json().catch(() => ({}))) as { error?: string; error_description?: string };
    const fallback =
      response.status === 401 ? 'unauthorized' : response.status >= 500 ? 'internal_error' : 'invalid_request';
    throw Object.assign(new Error(body.error_description ?? `HTTP ${response.status}`), {
      error: body.error ?? fallback,
    });
  }

  /** A session over `credentials` for one adapter call. */
  private session(credentials: ProviderCredentials): TokenSession {
    return new TokenSession(
      credentials,
      (run, current) => this.call('data', run, current),
      (current) => this.refreshed(current),
    );
  }

  private async refreshed(credentials: ProviderCredentials): Promise<ProviderCredentials> {
    const refreshToken = credentials.refreshToken;
    if (!refreshToken)
      throw new ProviderError('REAUTH_REQUIRED', 'TrueLayer: the access token expired and there is no refresh token');
    const tokens = await this.call('refresh', () => this.auth.refreshAccessToken(refreshToken), credentials);
    return {
      ...credentials,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token || refreshToken,
      accessExpiresAt: expiryOf(tokens.access_token),
    };
  }
}

/**
 * The credentials of one adapter call: refreshed before the access token runs out and once when
 * TrueLayer refuses it; `changed` holds the new credentials for the caller to store.
 */
class TokenSession {
  changed: ProviderCredentials | undefined;
  private current: ProviderCredentials;

  constructor(
    credentials: ProviderCredentials,
    private readonly call: <T>(run: () => Promise<T>, credentials: ProviderCredentials) => Promise<T>,
    private readonly refreshWith: (credentials: ProviderCredentials) => Promise<ProviderCredentials>,
  ) {
    this.current = credentials;
  }

  async data<T>(run: (accessToken: string) => Promise<T>): Promise<T> {
    const expires = Date.parse(this.current.accessExpiresAt ?? '');
    if (!Number.isNaN(expires) && expires - Date.now() < REFRESH_SKEW_MS) await this.refresh();
    try {
      return await this.call(() => run(this.current.accessToken), this.current);
    } catch (err) {
      const refused = err instanceof ProviderError && UNAUTHORIZED.has(err.details.providerCode ?? '');
      if (!refused) throw err;
    }
    await this.refresh();
    return this.call(() => run(this.current.accessToken), this.current);
  }

  private async refresh(): Promise<void> {
    this.current = await this.refreshWith(this.current);
    this.changed = this.current;
  }
}
