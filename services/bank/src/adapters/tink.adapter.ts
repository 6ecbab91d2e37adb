// Tink behind the BankAdapter interface, over its HTTP API with fetch (Tink has no Node client):
// a client-credentials token (user:create, authorization:grant), one Tink user per link (user create),
// a delegated authorization grant that opens Tink Link, code → user token (refreshed before it runs
// out and once when refused), /data/v2/accounts and /data/v2/transactions paged by pageToken, user
// deletion as revoke, and webhooks verified by their `X-Tink-Signature` (HMAC-SHA256 over
// `<timestamp>.<body>` with the webhook secret; a timestamp outside the window is refused).
//
// Amounts come as `{ unscaledValue, scale }` strings (value = unscaledValue × 10^-scale): they are
// turned into a decimal string by string arithmetic, written with the currency's ISO 4217 exponent
// (never through a float).
//
// Syncing: Tink has no change cursor, only booked-date filters. Each sync is a round of pages over
// bookings from `through - overlapDays` (the first from `since`); the cursor keeps the round's
// pageToken and, between rounds, what was seen in the overlap and every pending transaction, so a
// changed booking comes back modified, a vanished one (or a pending one that booked under a new id)
// removed. Tink gives no link from a booked transaction to the pending one it replaces.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { addDays, type Day } from '@family/service-kit/calendar';
import { exponentOf } from '@family/service-kit/money';
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

export interface TinkAdapterOptions {
  clientId: string;
  clientSecret: string;
  /** The API server: Tink's API host or an emulator. No default. */
  apiUrl: string;
  /** Tink Link: Tink's link host or an emulator. No default. */
  linkUrl: string;
  /** The secret Tink gave when the webhook endpoint was created. */
  webhookSecret: string;
  countries?: readonly string[] | undefined;
  /** Days of bookings re-read on every sync to notice changes and removals (default 7). */
  overlapDays?: number | undefined;
  /** Transactions per page (default 100, Tink's maximum). */
  pageSize?: number | undefined;
  /** Deadline of each call to Tink (default 30 s). */
  timeoutMs?: number | undefined;
  /** How far a webhook's signed timestamp may be from now (default 5 minutes). */
  webhookToleranceMs?: number | undefined;
  /** How long a link session is offered for (default 30 minutes). */
  linkTtlMs?: number | undefined;
}

/** Tink Link's own client id: the actor a delegated authorization grant is for (Tink's documented value). */
const TINK_LINK_ACTOR_CLIENT_ID = 'df05e4b379934cd09963197cc855bfe9';
const CLIENT_SCOPES = 'user:create,authorization:grant';
const DELEGATED_SCOPES =
  'authorization:read,authorization:grant,credentials:refresh,credentials:read,credentials:write,providers:read,user:read';
const DEFAULT_CONSENT_MS = 90 * 86_400_000;
const REFRESH_SKEW_MS = 60_000;

type CallContext = 'client' | 'exchange' | 'refresh' | 'data';

/** Tink's webhook events, as this adapter reads them (refresh:finished by its credentials status). */
const WEBHOOK_EVENTS = new Map<string, WebhookKind>([
  ['account-transactions:modified', 'SYNC_AVAILABLE'],
  ['account-booked-transactions:modified', 'SYNC_AVAILABLE'],
  ['account-transactions:deleted', 'SYNC_AVAILABLE'],
  ['account:created', 'SYNC_AVAILABLE'],
  ['account:updated', 'SYNC_AVAILABLE'],
]);
const REAUTH_STATUSES = new Set(['AUTHENTICATION_ERROR', 'SESSION_EXPIRED', 'AWAITING_SUPPLEMENTAL_INFORMATION']);

interface TinkAmount {
  value?: { unscaledValue?: string; scale?: string };
  currencyCode?: string;
}

interface TinkTransaction {
  id: string;
  accountId: string;
  amount: TinkAmount;
  descriptions?: { original?: string; display?: string };
  dates?: { booked?: string; value?: string };
  status?: 'BOOKED' | 'PENDING' | 'UNDEFINED';
  merchantInformation?: { merchantName?: string };
}

interface TinkAccount {
  id: string;
  name?: string;
  type?: string;
  balances?: { booked?: { amount?: TinkAmount }; available?: { amount?: TinkAmount } };
  identifiers?: { iban?: { iban?: string }; financialInstitution?: { accountNumber?: string } };
  dates?: { lastRefreshed?: string };
}

interface SyncCursor {
  v: 1;
  /** The day the last complete round began: bookings up to it are known. */
  through?: Day | undefined;
  /** From the last complete round, the overlap's bookings and every pending one: id → "day|P/B|digest". */
  known: Record<string, string>;
  /** A round in progress. */
  round?: { from: Day; today: Day; pageToken: string; seen: Record<string, string> } | undefined;
}

const todayUtc = (): Day => new Date().toISOString().slice(0, 10);

/**
 * `unscaledValue × 10^-scale`, positive, as a decimal string with (at least) the currency's exponent:
 * ("-1050", "2", EUR) → "10.50"; ("5", "-2", JPY) → "500"; extra non-zero digits are kept exactly.
 */
export function tinkDecimal(value: TinkAmount['value'], currencyCode: string): string {
  const unscaled = (value?.unscaledValue ?? '').trim();
  const scale = Number((value?.scale ?? '0').trim());
  if (!/^[-+]?\d+$/.test(unscaled) || !Number.isInteger(scale) || Math.abs(scale) > 40) {
    throw new ProviderError('UNAVAILABLE', `Tink sent an unreadable amount: ${JSON.stringify(value)}`);
  }
  let digits = unscaled.replace(/^[-+]/, '');
  if (scale < 0) digits = `${digits}${'0'.repeat(-scale)}`;
  const places = Math.max(scale, 0);
  digits = digits.padStart(places + 1, '0');
  const int = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, '');
  let fraction = digits.slice(digits.length - places);
  let exponent: number;
  try {
    exponent = exponentOf(currencyCode.toUpperCase());
  } catch {
    exponent = fraction.length;
  }
  fraction = fraction.replace(/0+$/, '');
  if (fraction.length < exponent) fraction = fraction.padEnd(exponent, '0');
  return fraction ? `${int}.${fraction}` : int;
}

function isNegative(value: TinkAmount['value']): boolean {
  return (value?.unscaledValue ?? '').trim().startsWith('-') && !/^-0*$/.test((value?.unscaledValue ?? '').trim());
}

function digest(t: ProviderTransaction): string {
  return createHash('sha256')
    .update(JSON.stringify([t.amount, t.direction, t.currency, t.bookedOn, t.description, t.merchant ?? '', t.pending]))
    .digest('base64url')
    .slice(0, 16);
}

function accountKind(type: string | undefined): AccountKind {
  switch (type) {
    case 'CHECKING':
    case 'SAVINGS':
    case 'CREDIT_CARD':
    case 'LOAN':
    case 'INVESTMENT':
      return type;
    case 'MORTGAGE':
      return 'LOAN';
    case 'PENSION':
      return 'INVESTMENT';
    default:
      return 'OTHER';
  }
}

/** A Tink locale for a language in a market ("en" → en_US, Tink's default; "sv" in SE → sv_SE). */
function localeOf(language: string | undefined, market: string): string {
  const lang = (language ?? 'en').slice(0, 2).toLowerCase();
  return lang === 'en' ? 'en_US' : `${lang}_${market}`;
}

/** A 401 on a user-token call: REAUTH_REQUIRED unless a refresh fixes it. */
class TokenRefused extends ProviderError {}

export class TinkAdapter implements BankAdapter {
  readonly provider = 'TINK' as const;
  readonly displayName = 'Tink';
  readonly flow = 'REDIRECT' as const;
  readonly countries: readonly string[];

  private readonly apiUrl: string;
  private readonly linkUrl: string;
  private readonly overlapDays: number;
  private readonly pageSize: number;
  private readonly timeoutMs: number;
  private readonly toleranceMs: number;
  private clientToken: { token: string; expiresAt: number } | undefined;

  constructor(private readonly options: TinkAdapterOptions) {
    for (const [name, value] of Object.entries({ apiUrl: options.apiUrl, linkUrl: options.linkUrl })) {
      if (!/^https?:\/\//.test(value ?? '')) throw new Error(`Tink ${name} must be an absolute URL`);
    }
    if (!options.webhookSecret) throw new Error('Tink webhookSecret is required');
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.linkUrl = options.linkUrl.replace(/\/+$/, '');
    this.countries = options.countries ?? [
      'SE',
      'DE',
      'FR',
      'ES',
      'IT',
      'NL',
      'FI',
      'DK',
      'NO',
      'AT',
      'BE',
      'PT',
      'GB',
    ];
    this.overlapDays = Math.max(1, options.overlapDays ?? 7);
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.toleranceMs = options.webhookToleranceMs ?? 5 * 60_000;
  }

  /** One request to Tink; a failure becomes a ProviderError (or a plain Error when it is our configuration). */
  private async request<T>(
    context: CallContext,
    method: string,
    path: string,
    init: { token?: string; form?: Record<string, string>; json?: unknown; query?: URLSearchParams } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const query = init.query?.toString();
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${path}${query ? `?${query}` : ''}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ProviderError('UNAVAILABLE', `Tink could not be reached: ${(err as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      try {
        return (text ? JSON.parse(text) : {}) as T;
      } catch {
        throw new ProviderError('UNAVAILABLE', `Tink answered ${method} ${path} with something other than JSON`);
      }
    }
    let error: { errorCode?: unknown; errorMessage?: unknown } = {};
    try {
      error = JSON.parse(text) as typeof error;
    } catch {
      // not a Tink error body: the status decides
    }
    throw this.failure(
      context,
      response,
      typeof error.errorCode === 'string' ? error.errorCode : '',
      error.errorMessage,
    );
  }

  private failure(context: CallContext, response: Response, code: string, message: unknown): Error {
    const status = response.status;
    const text = `${status} ${code || '(no code)'}: ${typeof message === 'string' ? message : ''}`;
    const fail = (kind: ProviderErrorKind, retryAfterMs?: number) =>
      new ProviderError(kind, `Tink: ${text}`, { providerCode: code || String(status), retryAfterMs });
    if (status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      return fail('RATE_LIMITED', Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
    }
    if (status >= 500 || status === 408) return fail('UNAVAILABLE');
    if (code === 'CREDENTIALS_SESSION_EXPIRED') return fail('CONSENT_EXPIRED');
    if (code === 'CREDENTIALS_AUTHENTICATION_ERROR') return fail('REAUTH_REQUIRED');
    if (context === 'client' || (status === 401 && code === 'CLIENT_INVALID') || code === 'SCOPE_MISSING') {
      // Our configuration, not the user's doing: an internal error (its text stays in the log).
      return new Error(`Tink refused the client: ${text}`);
    }
    if (context === 'exchange' && status >= 400 && status < 500) return fail('INVALID_INPUT');
    if (context === 'refresh') return fail(status === 404 ? 'REVOKED' : 'REAUTH_REQUIRED');
    if (status === 401) {
      // The user token was refused: the session refreshes it once before this counts.
      return new TokenRefused('REAUTH_REQUIRED', `Tink: ${text}`, { providerCode: code || '401' });
    }
    if (status === 404 && code === 'USER_NOT_FOUND') return fail('REVOKED');
    if (status >= 400 && status < 500) return fail('INVALID_INPUT');
    return fail('UNAVAILABLE');
  }

  /** The client-credentials token (user:create, authorization:grant), reused until shortly before it ends. */
  private async client(): Promise<string> {
    if (this.clientToken && this.clientToken.expiresAt - Date.now() > REFRESH_SKEW_MS) return this.clientToken.token;
    const t = await this.request<{ access_token: string; expires_in?: number }>(
      'client',
      'POST',
      '/api/v1/oauth/token',
      {
        form: {
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          grant_type: 'client_credentials',
          scope: CLIENT_SCOPES,
        },
      },
    );
    this.clientToken = { token: t.access_token, expiresAt: Date.now() + (t.expires_in ?? 1800) * 1000 };
    return t.access_token;
  }

  async createLinkSession(input: LinkSessionInput): Promise<LinkSession> {
    const market = (input.country ?? this.countries[0] ?? 'SE').toUpperCase();
    const locale = localeOf(input.language, market);
    const client = await this.client();
    let userId = input.reauth?.extra?.userId;
    // A Tink user per link: its id names the link in webhooks, and deleting it ends the link.
    const externalUserId = `${createHash('sha256').update(input.userRef).digest('hex').slice(0, 24)}-${randomBytes(6).toString('hex')}`;
    if (!userId) {
      const created = await this.request<{ user_id: string }>('client', 'POST', '/api/v1/user/create', {
        token: client,
        json: { external_user_id: externalUserId, market, locale },
      });
      userId = created.user_id;
    }
    const grant = await this.request<{ code: string }>('client', 'POST', '/api/v1/oauth/authorization-grant/delegate', {
      token: client,
      form: {
        user_id: userId,
        id_hint: input.userRef,
        actor_client_id: TINK_LINK_ACTOR_CLIENT_ID,
        scope: DELEGATED_SCOPES,
      },
    });
    const url = new URL(`${this.linkUrl}/1.0/transactions/connect-accounts`);
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('redirect_uri', input.redirectUri);
    url.searchParams.set('authorization_code', grant.code);
    url.searchParams.set('market', market);
    url.searchParams.set('locale', locale);
    url.searchParams.set('state', input.state);
    if (input.institutionId) url.searchParams.set('input_provider', input.institutionId);
    return { linkUrl: url.toString(), expiresAt: new Date(Date.now() + (this.options.linkTtlMs ?? 30 * 60_000)) };
  }

  async exchange(input: ExchangeInput): Promise<ExchangeResult> {
    if (!input.authorizationCode) throw new ProviderError('INVALID_INPUT', 'Tink links return an authorization code');
    const tokens = await this.request<{ access_token: string; refresh_token?: string; expires_in?: number }>(
      'exchange',
      'POST',
      '/api/v1/oauth/token',
      {
        form: {
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          grant_type: 'authorization_code',
          code: input.authorizationCode,
        },
      },
    );
    const token = tokens.access_token;
    const user = await this.request<{ id: string; profile?: { market?: string } }>('data', 'GET', '/api/v1/user', {
      token,
    });
    const list = await this.request<{
      credentials?: { id: string; providerName: string; sessionExpiryDate?: number | null }[];
    }>('data', 'GET', '/api/v1/credentials/list', { token });
    const credential = list.credentials?.[0];
    let institution = { id: credential?.providerName ?? 'unknown', name: 'Unknown bank' };
    if (credential && user.profile?.market) {
      const found = await this.request<{
        providers?: { displayName?: string; financialInstitutionId?: string }[];
      }>('data', 'GET', `/api/v1/providers/${user.profile.market}/${encodeURIComponent(credential.providerName)}`, {
        token,
      }).catch((err: unknown) => {
        if (err instanceof ProviderError && err.kind === 'INVALID_INPUT') return { providers: [] };
        throw err;
      });
      const p = found.providers?.[0];
      if (p?.displayName)
        institution = { id: p.financialInstitutionId ?? credential.providerName, name: p.displayName };
    }
    const consentAt = credential?.sessionExpiryDate ?? undefined;
    const consentExpiresAt = new Date(consentAt ? consentAt : Date.now() + DEFAULT_CONSENT_MS);
    return {
      credentials: {
        accessToken: token,
        refreshToken: tokens.refresh_token || undefined,
        accessExpiresAt: new Date(Date.now() + (tokens.expires_in ?? 7200) * 1000).toISOString(),
        extra: { userId: user.id, consentExpiresAt: consentExpiresAt.toISOString() },
      },
      providerConnectionId: user.id,
      institution,
      consentExpiresAt,
    };
  }

  async accounts(credentials: ProviderCredentials): Promise<WithCredentials<ProviderAccount[]>> {
    const session = this.session(credentials);
    const out: ProviderAccount[] = [];
    let pageToken = '';
    for (let pages = 0; pages < 100; pages++) {
      const query = new URLSearchParams(pageToken ? { pageToken } : {});
      const page = await session.call((token) =>
        this.request<{ accounts?: TinkAccount[]; nextPageToken?: string }>('data', 'GET', '/data/v2/accounts', {
          token,
          query,
        }),
      );
      for (const a of page.accounts ?? []) out.push(this.account(a));
      pageToken = page.nextPageToken ?? '';
      if (!pageToken) break;
    }
    return { value: out, credentials: session.changed };
  }

  private account(a: TinkAccount): ProviderAccount {
    const booked = a.balances?.booked?.amount;
    const available = a.balances?.available?.amount;
    const currency = (booked?.currencyCode ?? available?.currencyCode ?? '').toUpperCase();
    const balance = (amount: TinkAmount | undefined) =>
      amount?.value ? `${isNegative(amount.value) ? '-' : ''}${tinkDecimal(amount.value, currency)}` : undefined;
    const number = a.identifiers?.iban?.iban ?? a.identifiers?.financialInstitution?.accountNumber ?? '';
    return {
      providerAccountId: a.id,
      name: a.name ?? a.type ?? 'Account',
      mask: number.slice(-4),
      kind: accountKind(a.type),
      currency,
      currentBalance: balance(booked),
      availableBalance: balance(available),
      balanceAsOf: new Date(a.dates?.lastRefreshed ?? Date.now()),
    };
  }

  private transaction(t: TinkTransaction): ProviderTransaction {
    const currency = (t.amount.currencyCode ?? '').toUpperCase();
    const description = t.descriptions?.display ?? t.descriptions?.original ?? '';
    return {
      providerTransactionId: t.id,
      providerAccountId: t.accountId,
      amount: tinkDecimal(t.amount.value, currency),
      // Tink signs amounts: negative is money out.
      direction: isNegative(t.amount.value) ? 'OUT' : 'IN',
      currency,
      bookedOn: (t.dates?.booked ?? t.dates?.value ?? todayUtc()).slice(0, 10),
      pending: t.status === 'PENDING',
      description,
      merchant: t.merchantInformation?.merchantName || undefined,
    };
  }

  private parseCursor(text: string): SyncCursor {
    if (!text) return { v: 1, known: {} };
    try {
      const c = JSON.parse(text) as SyncCursor;
      if (c.v === 1 && typeof c.known === 'object') return c;
    } catch {
      // falls through
    }
    throw new ProviderError('INVALID_INPUT', 'Tink: the sync cursor is not one this adapter wrote');
  }

  async fetchChanges(input: FetchChangesInput): Promise<WithCredentials<TransactionChanges>> {
    const session = this.session(input.credentials);
    const cursor = this.parseCursor(input.cursor);
    const previousFrom = cursor.through ? addDays(cursor.through, -this.overlapDays) : undefined;
    let round = cursor.round;
    if (!round) {
      // Re-read the overlap, and back to the oldest pending transaction (to see it book or vanish).
      let from = previousFrom ?? input.since;
      for (const entry of Object.values(cursor.known)) {
        const day = entry.slice(0, 10);
        if (entry[11] === 'P' && day < from) from = day;
      }
      round = { from, today: todayUtc(), pageToken: '', seen: {} };
    }
    const keepFrom = addDays(round.today, -this.overlapDays);
    const query = new URLSearchParams();
    for (const id of input.providerAccountIds) query.append('accountIdIn', id);
    query.append('statusIn', 'BOOKED');
    query.append('statusIn', 'PENDING');
    query.set('bookedDateGte', round.from);
    query.set('pageSize', String(this.pageSize));
    if (round.pageToken) query.set('pageToken', round.pageToken);
    const page = await session.call((token) =>
      this.request<{ transactions?: TinkTransaction[]; nextPageToken?: string }>(
        'data',
        'GET',
        '/data/v2/transactions',
        {
          token,
          query,
        },
      ),
    );

    const changes: TransactionChanges = { added: [], modified: [], removed: [], nextCursor: '', hasMore: false };
    const seen = { ...round.seen };
    for (const raw of page.transactions ?? []) {
      if (raw.status === 'UNDEFINED') continue;
      const t = this.transaction(raw);
      const entry = `${t.bookedOn}|${t.pending ? 'P' : 'B'}|${digest(t)}`;
      const before = Object.hasOwn(cursor.known, t.providerTransactionId)
        ? cursor.known[t.providerTransactionId]
        : undefined;
      if (before === undefined) {
        // Older than the last round's overlap and not known: seen in an earlier round already.
        const old = previousFrom !== undefined && !t.pending && t.bookedOn < previousFrom;
        if (!old && !Object.hasOwn(seen, t.providerTransactionId)) changes.added.push(t);
      } else if (before !== entry && seen[t.providerTransactionId] !== entry) {
        changes.modified.push(t);
      }
      if (before !== undefined || t.pending || t.bookedOn >= keepFrom) seen[t.providerTransactionId] = entry;
    }

    const next = page.nextPageToken ?? '';
    if (next) {
      changes.hasMore = true;
      changes.nextCursor = JSON.stringify({
        ...cursor,
        round: { ...round, pageToken: next, seen },
      } satisfies SyncCursor);
    } else {
      for (const id of Object.keys(cursor.known)) if (!Object.hasOwn(seen, id)) changes.removed.push(id);
      const known: Record<string, string> = {};
      for (const [id, entry] of Object.entries(seen)) {
        if (entry[11] === 'P' || entry.slice(0, 10) >= keepFrom) known[id] = entry;
      }
      changes.nextCursor = JSON.stringify({ v: 1, through: round.today, known } satisfies SyncCursor);
    }
    return { value: changes, credentials: session.changed };
  }

  verifyWebhook(input: WebhookInput): Promise<WebhookEvent> {
    const refuse = (why: string) => new ProviderError('UNAUTHENTICATED', `Tink webhook: ${why}`);
    const header = input.headers['x-tink-signature'];
    if (!header) return Promise.reject(refuse('no X-Tink-Signature'));
    let timestamp = '';
    const signatures: string[] = [];
    for (const part of header.split(',')) {
      const at = part.indexOf('=');
      const key = part.slice(0, at).trim();
      const value = part.slice(at + 1).trim();
      if (key === 't') timestamp = value;
      else if (key === 'v1') signatures.push(value);
    }
    if (!/^\d{1,12}$/.test(timestamp) || !signatures.length) return Promise.reject(refuse('malformed signature'));
    const body = Buffer.from(input.body);
    const expected = createHmac('sha256', this.options.webhookSecret)
      .update(Buffer.concat([Buffer.from(`${timestamp}.`), body]))
      .digest();
    const matches = signatures.some((s) => {
      if (!/^[0-9a-f]{64}$/i.test(s)) return false;
      return timingSafeEqual(Buffer.from(s, 'hex'), expected);
    });
    if (!matches) return Promise.reject(refuse('the signature does not verify'));
    const occurredAt = new Date(Number(timestamp) * 1000);
    if (Math.abs(Date.now() - occurredAt.getTime()) > this.toleranceMs) {
      return Promise.reject(refuse('timestamp outside the accepted window'));
    }
    let event: { event?: unknown; context?: { userId?: unknown }; content?: Record<string, unknown> };
    try {
      event = JSON.parse(body.toString('utf8')) as typeof event;
    } catch {
      return Promise.reject(refuse('the body is not JSON'));
    }
    const name = typeof event.event === 'string' ? event.event : '';
    let kind: WebhookKind = WEBHOOK_EVENTS.get(name) ?? 'IGNORED';
    if (name === 'refresh:finished') {
      const status = event.content?.credentialsStatus;
      kind = typeof status === 'string' && REAUTH_STATUSES.has(status) ? 'REAUTH_REQUIRED' : 'SYNC_AVAILABLE';
    }
    return Promise.resolve({
      // Tink events carry no id: the signed timestamp and body together name the delivery.
      eventId: createHash('sha256').update(`${timestamp}.`).update(body).digest('hex'),
      providerConnectionId: typeof event.context?.userId === 'string' ? event.context.userId : '',
      kind,
      occurredAt,
    });
  }

  async revoke(credentials: ProviderCredentials): Promise<void> {
    const session = this.session(credentials);
    try {
      // Deleting the Tink user ends its credentials and consents and erases its data at Tink.
      await session.call((token) => this.request('data', 'DELETE', '/api/v1/user', { token }));
    } catch (err) {
      if (err instanceof ProviderError && ['REVOKED', 'REAUTH_REQUIRED', 'CONSENT_EXPIRED'].includes(err.kind)) return;
      throw err;
    }
  }

  private session(credentials: ProviderCredentials): TokenSession {
    return new TokenSession(credentials, (current) => this.refreshed(current));
  }

  private async refreshed(credentials: ProviderCredentials): Promise<ProviderCredentials> {
    const refreshToken = credentials.refreshToken;
    if (!refreshToken)
      throw new ProviderError('REAUTH_REQUIRED', 'Tink: the access token expired and there is no refresh token');
    const t = await this.request<{ access_token: string; refresh_token?: string; expires_in?: number }>(
      'refresh',
      'POST',
      '/api/v1/oauth/token',
      {
        form: {
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        },
      },
    );
    return {
      ...credentials,
      accessToken: t.access_token,
      refreshToken: t.refresh_token || refreshToken,
      accessExpiresAt: new Date(Date.now() + (t.expires_in ?? 7200) * 1000).toISOString(),
    };
  }
}

/**
 * The credentials of one adapter call: refreshed before the user token runs out and once when Tink
 * refuses it (401); `changed` holds the new credentials for the caller to store.
 */
class TokenSession {
  changed: ProviderCredentials | undefined;
  private current: ProviderCredentials;

  constructor(
    credentials: ProviderCredentials,
    private readonly refreshWith: (credentials: ProviderCredentials) => Promise<ProviderCredentials>,
  ) {
    this.current = credentials;
  }

  async call<T>(run: (token: string) => Promise<T>): Promise<T> {
    const expires = Date.parse(this.current.accessExpiresAt ?? '');
    if (!Number.isNaN(expires) && expires - Date.now() < REFRESH_SKEW_MS) await this.refresh();
    try {
      return await run(this.current.accessToken);
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
    }
    await this.refresh();
    return run(this.current.accessToken);
  }

  private async refresh(): Promise<void> {
    this.current = await this.refreshWith(this.current);
    this.changed = this.current;
  }
}
