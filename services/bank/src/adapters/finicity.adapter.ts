// Finicity (Mastercard Open Finance US) behind the BankAdapter interface, over its REST API by fetch
// (Finicity publishes no server-side Node client; its npm package is the browser Connect SDK).
//
// - Partner authentication: POST /aggregation/v2/partners/authentication with the Finicity-App-Key
//   header and the partner id and secret gives a token valid for two hours, sent as
//   Finicity-App-Token on every call. One token serves the whole process: it is renewed after 90
//   minutes (Finicity's advice), by one request however many callers are waiting, and once more when
//   Finicity refuses it (401) before the call is retried once.
// - Linking: each link session creates a customer (testing or active), then POST /connect/v2/generate
//   gives the Connect link. Finicity has no authorization code: the redirect URI handed to Connect
//   carries the caller's `state` and a `code` of our own — the customer id sealed with an HMAC keyed by
//   the partner secret — so a made-up or altered customer id cannot be exchanged for someone's data.
//   The credentials are that customer id; there is no per-user token to refresh or leak.
// - Syncing: GET /aggregation/v3/customers/{id}/transactions by epoch-second fromDate/toDate, paged
//   with start/limit/moreAvailable, pending included. The cursor is an opaque JSON: the window being
//   paged, the ids seen in it, and what was seen in the last `overlapDays` days (and every pending
//   transaction). Each sync re-reads that overlap so changed bookings come back modified and vanished
//   ones (a pending one that posted under a new id, a reversal) removed.
// - Amounts are JSON numbers (negative = money out), converted with the currency's ISO 4217 exponent.
// - Webhooks: Finicity does not sign them. This adapter accepts only those carrying
//   `Finicity-Signature`: the hex HMAC-SHA256 of the raw body keyed by the configured webhook secret
//   (added by the deployment's webhook relay, or by the emulator); without a secret every one is refused.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { addDays, minDay, type Day } from '@family/service-kit/calendar';
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

export interface FinicityAdapterOptions {
  /** Finicity's API host (https://api.finicity.com) or an emulator. No default. */
  apiUrl: string;
  partnerId: string;
  partnerSecret: string;
  appKey: string;
  /** The secret `Finicity-Signature` webhooks are verified with; without it every webhook is refused. */
  webhookSecret?: string | undefined;
  /** Where Connect posts its events (the BFF's POST /v1/webhooks/finicity); none when absent. */
  webhookUrl?: string | undefined;
  /** `testing` customers reach only Finicity's test banks (FinBank); `active` ones are billable. */
  customerType?: 'testing' | 'active' | undefined;
  /** A Connect experience id configured with Finicity. */
  experience?: string | undefined;
  countries?: readonly string[] | undefined;
  /** Transactions per page (Finicity allows 1–1000). */
  pageSize?: number | undefined;
  /** Days of bookings re-read on every sync to notice changes and removals (default 7). */
  overlapDays?: number | undefined;
  /** Renew the partner token this long after it was issued (default 90 minutes of its 120). */
  tokenRefreshMs?: number | undefined;
  timeoutMs?: number | undefined;
  webhookToleranceMs?: number | undefined;
  linkTtlMs?: number | undefined;
}

/** Aggregation codes meaning the bank refuses the stored login: the user signs in again (Connect Fix). */
const LOGIN_CODES = new Set([103, 106, 108, 109, 169, 185, 187]);
/** Aggregation codes meaning the bank's OAuth token / consent for the connection is gone. */
const CONSENT_CODES = new Set([947, 948, 4034]);

/** Connect and customer events, as this adapter reads them. */
const WEBHOOK_KINDS = new Map<string, WebhookKind>([
  ['added', 'SYNC_AVAILABLE'],
  ['done', 'SYNC_AVAILABLE'],
  ['accountsAdded', 'SYNC_AVAILABLE'],
  ['accountsUpdated', 'SYNC_AVAILABLE'],
  ['transactionsUpdated', 'SYNC_AVAILABLE'],
  ['invalidCredentials', 'REAUTH_REQUIRED'],
  ['credentialsUpdateRequired', 'REAUTH_REQUIRED'],
  ['consentExpired', 'REAUTH_REQUIRED'],
  ['consentExpiring', 'CONSENT_EXPIRING'],
  ['consentRevoked', 'REVOKED'],
  ['accountsDeleted', 'REVOKED'],
  ['customerDeleted', 'REVOKED'],
]);

type Context = 'link' | 'data';

interface FinicityAccount {
  id: string | number;
  name?: string;
  accountNumberDisplay?: string;
  number?: string;
  type?: string;
  balance?: number;
  currency?: string;
  institutionId?: string | number;
  institutionLoginId?: string | number;
  balanceDate?: number;
  detail?: { availableBalanceAmount?: number; availableCredit?: number };
}

interface FinicityTransaction {
  id: string | number;
  accountId: string | number;
  amount: number;
  status?: string;
  description?: string;
  memo?: string;
  transactionDate?: number;
  postedDate?: number;
  categorization?: { normalizedPayeeName?: string };
}

interface SyncCursor {
  v: 1;
  /** The last day fully read (today, at the end of a sync). */
  through?: Day | undefined;
  /** Account id → currency (Finicity's transactions do not name it). */
  currencies: Record<string, string>;
  /** Transaction id → "day|digest|P or B" for the overlap window and every pending one. */
  known: Record<string, string>;
  /** The window being paged: its days, the next `start`, and the ids seen in it so far. */
  window?: { from: Day; to: Day; start: number; seen: string[] } | undefined;
}

const todayUtc = (): Day => new Date().toISOString().slice(0, 10);
const epochOf = (day: Day, end = false) => Math.floor(Date.parse(`${day}T${end ? '23:59:59' : '00:00:00'}Z`) / 1000);

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * A Finicity JSON number in the currency's ISO 4217 decimals: Finicity sends no more than those, so
 * toFixed removes only binary noise; a currency without a known exponent keeps up to 8 decimals.
 */
export function finicityDecimal(value: number, currency: string): string {
  let exponent: number | undefined;
  try {
    exponent = exponentOf(currency.toUpperCase());
  } catch {
    exponent = undefined;
  }
  const text = exponent !== undefined ? value.toFixed(exponent) : value.toFixed(8).replace(/\.?0+$/, '');
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

function accountKind(type: string | undefined): AccountKind {
  switch (type) {
    case 'checking':
      return 'CHECKING';
    case 'savings':
    case 'moneyMarket':
    case 'cd':
      return 'SAVINGS';
    case 'creditCard':
      return 'CREDIT_CARD';
    case 'lineOfCredit':
    case 'loan':
    case 'mortgage':
    case 'studentLoan':
    case 'autoLoan':
      return 'LOAN';
    case 'investment':
    case 'brokerageAccount':
    case '401k':
    case 'ira':
    case 'roth':
      return 'INVESTMENT';
    default:
      return 'OTHER';
  }
}

function digest(t: ProviderTransaction): string {
  return createHash('sha256')
    .update(JSON.stringify([t.amount, t.direction, t.bookedOn, t.description, t.merchant ?? '', t.pending]))
    .digest('base64url')
    .slice(0, 16);
}

export class FinicityAdapter implements BankAdapter {
  readonly provider = 'FINICITY' as const;
  readonly displayName = 'Finicity';
  readonly flow = 'REDIRECT' as const;
  readonly countries: readonly string[];

  private readonly base: string;
  private readonly pageSize: number;
  private readonly overlapDays: number;
  private readonly timeoutMs: number;
  private readonly toleranceMs: number;
  private readonly tokenRefreshMs: number;
  private token: { value: string; obtainedAt: number } | undefined;
  private authenticating: Promise<string> | undefined;

  constructor(private readonly options: FinicityAdapterOptions) {
    if (!/^https?:\/\//.test(options.apiUrl ?? '')) throw new Error('Finicity apiUrl must be an absolute URL');
    this.base = options.apiUrl.replace(/\/+$/, '');
    this.countries = options.countries ?? ['US', 'CA'];
    this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
    this.overlapDays = Math.max(1, options.overlapDays ?? 7);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.toleranceMs = options.webhookToleranceMs ?? 5 * 60_000;
    this.tokenRefreshMs = options.tokenRefreshMs ?? 90 * 60_000;
  }

  // --- partner token -------------------------------------------------------------------------

  /** The partner token, renewed by one request for every concurrent caller. */
  private partnerToken(): Promise<string> {
    if (this.token && Date.now() - this.token.obtainedAt < this.tokenRefreshMs) {
      return Promise.resolve(this.token.value);
    }
    this.authenticating ??= this.authenticate().finally(() => (this.authenticating = undefined));
    return this.authenticating;
  }

  private async authenticate(): Promise<string> {
    const response = await this.send('POST', '/aggregation/v2/partners/authentication', undefined, {
      partnerId: this.options.partnerId,
      partnerSecret: this.options.partnerSecret,
    });
    const body = (await this.json(response)) as { token?: unknown; code?: unknown; message?: unknown };
    if (!response.ok || typeof body.token !== 'string') {
      if (response.status === 429 || response.status >= 500) throw this.failure(response, body, 'data');
      // Our partner credentials or app key: configuration, not the user's input (kept for the log).
      throw new Error(`Finicity refused the partner authentication: HTTP ${response.status} ${String(body.message)}`);
    }
    this.token = { value: body.token, obtainedAt: Date.now() };
    return body.token;
  }

  // --- HTTP --------------------------------------------------------------------------------

  private async send(method: string, path: string, token: string | undefined, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers: {
          'Finicity-App-Key': this.options.appKey,
          ...(token ? { 'Finicity-App-Token': token } : {}),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ProviderError('UNAVAILABLE', `Finicity did not answer: ${(err as Error).message}`);
    }
  }

  private async json(response: Response): Promise<Record<string, unknown>> {
    const text = await response.text();
    if (!text) return {};
    try {
      const value: unknown = JSON.parse(text);
      return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /** A call with the partner token; a refused token is renewed once and the call retried once. */
  private async call(
    context: Context,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.partnerToken();
      const response = await this.send(method, path, token, body);
      const parsed = await this.json(response);
      if (response.ok) return { status: response.status, body: parsed };
      if (response.status === 401 && attempt === 0) {
        if (this.token?.value === token) this.token = undefined;
        continue;
      }
      throw this.failure(response, parsed, context);
    }
  }

  private failure(response: Response, body: Record<string, unknown>, context: Context): Error {
    const code = Number(body.code);
    const message = typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
    const fail = (kind: ProviderErrorKind, text = message) =>
      new ProviderError(kind, `Finicity: ${text}`, {
        providerCode: Number.isNaN(code) ? String(response.status) : String(code),
        ...(kind === 'RATE_LIMITED' ? { retryAfterMs: retryAfterMs(response.headers.get('retry-after')) } : {}),
      });
    if (response.status === 429) return fail('RATE_LIMITED');
    if (response.status >= 500) return fail('UNAVAILABLE');
    if (LOGIN_CODES.has(code)) return fail('REAUTH_REQUIRED');
    if (CONSENT_CODES.has(code)) return fail('CONSENT_EXPIRED');
    if (response.status === 404 && context === 'data') return fail('REVOKED', `the customer is gone: ${message}`);
    if (context === 'link' && (response.status === 400 || response.status === 404 || response.status === 409)) {
      return fail('INVALID_INPUT');
    }
    // A second 401, a 403 or a malformed request of ours: internal (the message stays in the log).
    return new Error(`Finicity refused the request: HTTP ${response.status} code ${body.code as string}: ${message}`);
  }

  // --- linking -------------------------------------------------------------------------------

  private seal(customerId: string): string {
    const mac = createHmac('sha256', this.options.partnerSecret)
      .update(`finicity-link|${customerId}`)
      .digest('base64url');
    return `${customerId}.${mac}`;
  }

  private unseal(code: string): string | undefined {
    const customerId = code.slice(0, code.lastIndexOf('.'));
    if (!customerId) return undefined;
    const want = Buffer.from(this.seal(customerId));
    const got = Buffer.from(code);
    return want.length === got.length && timingSafeEqual(want, got) ? customerId : undefined;
  }

  async createLinkSession(input: LinkSessionInput): Promise<LinkSession> {
    const customerId = input.reauth?.extra?.customerId ?? (await this.createCustomer(input.userRef));
    const back = new URL(input.redirectUri);
    back.searchParams.set('state', input.state);
    back.searchParams.set('code', this.seal(customerId));
    const generated = await this.call('link', 'POST', '/connect/v2/generate', {
      partnerId: this.options.partnerId,
      customerId,
      redirectUri: back.toString(),
      ...(this.options.webhookUrl
        ? { webhook: this.options.webhookUrl, webhookContentType: 'application/json', webhookData: {} }
        : {}),
      ...(this.options.experience ? { experience: this.options.experience } : {}),
      ...(input.institutionId ? { institutionId: input.institutionId } : {}),
      ...(input.language ? { language: input.language } : {}),
    });
    if (typeof generated.body.link !== 'string') throw new ProviderError('UNAVAILABLE', 'Finicity gave no link');
    const link = new URL(generated.body.link);
    // For the app's own bookkeeping: Connect itself returns `state` through the redirect URI.
    link.searchParams.set('state', input.state);
    return { linkUrl: link.toString(), expiresAt: new Date(Date.now() + (this.options.linkTtlMs ?? 30 * 60_000)) };
  }

  /** A customer per link, named by a digest of the member reference (never personal data). */
  private async createCustomer(userRef: string): Promise<string> {
    const username = `family-${createHash('sha256').update(userRef).digest('hex').slice(0, 16)}-${randomBytes(4).toString('hex')}`;
    const created = await this.call(
      'link',
      'POST',
      `/aggregation/v2/customers/${this.options.customerType ?? 'active'}`,
      {
        username,
        firstName: 'Family',
        lastName: 'Member',
      },
    );
    const id = created.body.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new ProviderError('UNAVAILABLE', 'Finicity created no customer id');
    }
    return String(id);
  }

  async exchange(input: ExchangeInput): Promise<ExchangeResult> {
    const customerId = input.authorizationCode ? this.unseal(input.authorizationCode) : undefined;
    if (!customerId) throw new ProviderError('INVALID_INPUT', 'Finicity: the code does not come from a link session');
    const accounts = await this.listAccounts(customerId, 'link');
    if (!accounts.length) {
      throw new ProviderError('INVALID_INPUT', 'Finicity: the customer has not connected an account yet');
    }
    const institutionId = String(accounts[0]!.institutionId ?? 'unknown');
    const institution = await this.institutionName(institutionId);
    const institutionLoginId = accounts[0]!.institutionLoginId;
    return {
      credentials: {
        accessToken: customerId,
        extra: {
          customerId,
          ...(institutionLoginId === undefined ? {} : { institutionLoginId: String(institutionLoginId) }),
        },
      },
      providerConnectionId: customerId,
      institution: { id: institutionId, name: institution ?? 'Unknown bank' },
    };
  }

  private async institutionName(id: string): Promise<string | undefined> {
    try {
      const r = await this.call('data', 'GET', `/institution/v2/institutions/${encodeURIComponent(id)}`);
      const name = (r.body.institution as { name?: unknown } | undefined)?.name;
      return typeof name === 'string' ? name : undefined;
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'REVOKED') return undefined; // an unknown institution
      throw err;
    }
  }

  private customerOf(credentials: ProviderCredentials): string {
    const id = credentials.extra?.customerId ?? credentials.accessToken;
    if (!id) throw new ProviderError('INVALID_INPUT', 'Finicity credentials name no customer');
    return id;
  }

  private async listAccounts(customerId: string, context: Context): Promise<FinicityAccount[]> {
    const r = await this.call(context, 'GET', `/aggregation/v1/customers/${encodeURIComponent(customerId)}/accounts`);
    return Array.isArray(r.body.accounts) ? (r.body.accounts as FinicityAccount[]) : [];
  }

  async accounts(credentials: ProviderCredentials): Promise<WithCredentials<ProviderAccount[]>> {
    const accounts = await this.listAccounts(this.customerOf(credentials), 'data');
    return {
      value: accounts.map((a) => {
        const currency = (a.currency ?? 'USD').toUpperCase();
        const available = a.detail?.availableBalanceAmount ?? a.detail?.availableCredit;
        return {
          providerAccountId: String(a.id),
          name: a.name ?? 'Account',
          mask: (a.accountNumberDisplay ?? a.number ?? '').replace(/\D/g, '').slice(-4),
          kind: accountKind(a.type),
          currency,
          currentBalance: typeof a.balance === 'number' ? finicityDecimal(a.balance, currency) : undefined,
          availableBalance: typeof available === 'number' ? finicityDecimal(available, currency) : undefined,
          balanceAsOf: a.balanceDate ? new Date(a.balanceDate * 1000) : new Date(),
        };
      }),
    };
  }

  // --- syncing -------------------------------------------------------------------------------

  async fetchChanges(input: FetchChangesInput): Promise<WithCredentials<TransactionChanges>> {
    const customerId = this.customerOf(input.credentials);
    const cursor = this.parseCursor(input.cursor);
    const wanted = new Set(input.providerAccountIds);
    if (input.providerAccountIds.some((id) => own(cursor.currencies, id) === undefined)) {
      for (const a of await this.listAccounts(customerId, 'data')) {
        cursor.currencies[String(a.id)] = (a.currency ?? 'USD').toUpperCase();
      }
    }
    const today = todayUtc();
    if (!cursor.window) {
      let from = cursor.through ? addDays(cursor.through, -this.overlapDays) : input.since;
      // Pending transactions are read again until they post or vanish, however old.
      for (const entry of Object.values(cursor.known)) {
        if (entry.endsWith('|P')) from = minDay(from, entry.slice(0, 10));
      }
      cursor.window = { from: minDay(from, today), to: today, start: 1, seen: [] };
    }
    const window = cursor.window;
    const query = new URLSearchParams({
      fromDate: String(epochOf(window.from)),
      toDate: String(epochOf(window.to, true)),
      start: String(window.start),
      limit: String(this.pageSize),
      sort: 'asc',
      includePending: 'true',
    });
    const page = await this.call(
      'data',
      'GET',
      `/aggregation/v3/customers/${encodeURIComponent(customerId)}/transactions?${query.toString()}`,
    );
    const list = Array.isArray(page.body.transactions) ? (page.body.transactions as FinicityTransaction[]) : [];
    const changes: TransactionChanges = { added: [], modified: [], removed: [], nextCursor: '', hasMore: false };
    const seen = new Set(window.seen);
    for (const raw of list) {
      const accountId = String(raw.accountId);
      if (!wanted.has(accountId)) continue;
      const t = this.transaction(raw, accountId, own(cursor.currencies, accountId) ?? 'USD');
      if (seen.has(t.providerTransactionId)) continue;
      seen.add(t.providerTransactionId);
      const sum = digest(t);
      const before = own(cursor.known, t.providerTransactionId);
      if (before === undefined) changes.added.push(t);
      else if (before.split('|')[1] !== sum) changes.modified.push(t);
      cursor.known[t.providerTransactionId] = `${t.bookedOn}|${sum}|${t.pending ? 'P' : 'B'}`;
    }

    if (page.body.moreAvailable === true && list.length > 0) {
      window.start += list.length;
      window.seen = [...seen];
      changes.hasMore = true;
    } else {
      // The window is read whole: what it held before and did not hold now was taken back.
      for (const [id, entry] of Object.entries(cursor.known)) {
        const day = entry.slice(0, 10);
        if (seen.has(id)) continue;
        if (entry.endsWith('|P') || (day >= window.from && day <= window.to)) {
          changes.removed.push(id);
          delete cursor.known[id];
        }
      }
      const keepFrom = addDays(window.to, -this.overlapDays);
      for (const [id, entry] of Object.entries(cursor.known)) {
        if (!entry.endsWith('|P') && entry.slice(0, 10) < keepFrom) delete cursor.known[id];
      }
      cursor.through = window.to;
      cursor.window = undefined;
    }
    changes.nextCursor = JSON.stringify(cursor);
    return { value: changes };
  }

  private transaction(t: FinicityTransaction, accountId: string, currency: string): ProviderTransaction {
    const when = t.transactionDate ?? t.postedDate ?? Math.floor(Date.now() / 1000);
    const merchant = t.categorization?.normalizedPayeeName;
    return {
      providerTransactionId: String(t.id),
      providerAccountId: accountId,
      amount: finicityDecimal(Math.abs(t.amount), currency),
      direction: t.amount < 0 ? 'OUT' : 'IN',
      currency,
      bookedOn: new Date(when * 1000).toISOString().slice(0, 10),
      pending: t.status === 'pending',
      description: t.description ?? t.memo ?? '',
      merchant: merchant || undefined,
    };
  }

  private parseCursor(text: string): SyncCursor {
    if (!text) return { v: 1, currencies: {}, known: {} };
    try {
      const parsed = JSON.parse(text) as SyncCursor;
      if (parsed.v === 1 && typeof parsed.known === 'object' && typeof parsed.currencies === 'object') return parsed;
    } catch {
      // falls through to the refusal below
    }
    throw new ProviderError('INVALID_INPUT', 'not a Finicity sync cursor');
  }

  // --- webhooks and revoking --------------------------------------------------------------------

  verifyWebhook(input: WebhookInput): Promise<WebhookEvent> {
    const refuse = (why: string) => Promise.reject(new ProviderError('UNAUTHENTICATED', `Finicity webhook: ${why}`));
    if (!this.options.webhookSecret) return refuse('no webhook secret is configured');
    const signature = (input.headers['finicity-signature'] ?? '').trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(signature)) return refuse('no Finicity-Signature');
    const body = Buffer.from(input.body);
    const want = createHmac('sha256', this.options.webhookSecret).update(body).digest();
    if (!timingSafeEqual(want, Buffer.from(signature, 'hex'))) return refuse('the signature does not verify');
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return refuse('the body is not JSON');
    }
    // The signed body's own time, when it has one, keeps old deliveries from being replayed later.
    const at = typeof event.eventDate === 'number' ? event.eventDate * 1000 : Date.now();
    if (Math.abs(Date.now() - at) > this.toleranceMs) return refuse('eventDate outside the accepted window');
    const type = typeof event.eventType === 'string' ? event.eventType : '';
    const customerId = event.customerId;
    return Promise.resolve({
      eventId:
        typeof event.eventId === 'string' && event.eventId
          ? event.eventId
          : createHash('sha256').update(body).digest('hex'),
      providerConnectionId: typeof customerId === 'string' || typeof customerId === 'number' ? String(customerId) : '',
      kind: WEBHOOK_KINDS.get(type) ?? 'IGNORED',
      occurredAt: new Date(at),
    });
  }

  async revoke(credentials: ProviderCredentials): Promise<void> {
    try {
      await this.call(
        'data',
        'DELETE',
        `/aggregation/v1/customers/${encodeURIComponent(this.customerOf(credentials))}`,
      );
    } catch (err) {
      if (err instanceof ProviderError && ['REVOKED', 'REAUTH_REQUIRED', 'CONSENT_EXPIRED'].includes(err.kind)) return;
      throw err;
    }
  }
}

function retryAfterMs(header: string | null): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
