// Salt Edge (Account Information API v5) behind the BankAdapter interface, over fetch (Salt Edge has
// no official Node client). Every request carries App-id and Secret and, with a private key, is
// signed: `Expires-at` (epoch seconds) and `Signature` = base64 RSA-SHA256 over
// "Expires-at|METHOD|full URL|body". The API URL is always explicit: nothing defaults to production.
//
// Linking: a customer per member reference (POST /customers, or the existing one on
// DuplicatedCustomer), then POST /connect_sessions/create (or /reconnect for re-auth) with
// `return_connection_id`, so the widget sends the user back to return_to with `connection_id`. Salt
// Edge has no state or code of its own: the adapter writes the link session's state and a `code` into
// return_to's query (and the state onto the connect_url, for the app to read). The code seals the
// customer id (or, for a reconnect, the connection id) with an HMAC keyed by the app secret, so the
// exchange takes only a connection of the customer this link session made: a bare connection id,
// guessed or another family's, is refused.
//
// Syncing: Salt Edge has no change feed. Posted transactions are listed per account by ascending id
// (from_id → meta.next_id, one Salt Edge page per call); pending ones come from /transactions/pending
// and are deleted by Salt Edge once posted (under a new id), so a pending one that vanishes is
// reported removed. The cursor keeps, per account, the id where the last `overlapDays` of bookings
// begin and a digest of every posted transaction from there on: each round re-reads that stretch, so
// corrected bookings come back modified and withdrawn ones removed. A round starts by reading the
// connection (an inactive one needs the user: REAUTH_REQUIRED / CONSENT_EXPIRED) and asking Salt Edge
// to refresh it from the bank when it may (its success callback then asks for another sync).
//
// Amounts are JSON numbers, negative for money out; they are read from the body's text, never as
// floats, and written with the currency's ISO 4217 exponent.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
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

export interface SaltEdgeAdapterOptions {
  /** The API base, e.g. https://www.saltedge.com/api/v5, or an emulator. No default. */
  apiUrl: string;
  appId: string;
  secret: string;
  /** The client's private key (PEM): requests are signed with it (Salt Edge requires it for live apps). */
  privateKey?: string | undefined;
  /** Salt Edge's callback-signing public key (PEM). */
  callbackPublicKey: string;
  /** The callback URL configured at Salt Edge, exactly: it is part of what Salt Edge signs. */
  callbackUrl: string;
  countries?: readonly string[] | undefined;
  /** Transactions per page (Salt Edge allows up to 1000). */
  perPage?: number | undefined;
  /** Days of bookings re-read each round to notice changes and removals (default 7). */
  overlapDays?: number | undefined;
  /** Deadline of each call (default 30 s). */
  timeoutMs?: number | undefined;
  /** How far ahead a request signature is valid (default 60 s; Salt Edge allows up to an hour). */
  signatureTtlSeconds?: number | undefined;
}

/** Where Salt Edge's providers are (it covers far more; these are offered in the provider list). */
const DEFAULT_COUNTRIES = [
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'AT',
  'PT',
  'IE',
  'PL',
  'RO',
  'CZ',
  'HU',
  'SK',
  'BG',
  'GR',
  'SE',
  'DK',
  'FI',
  'NO',
  'LT',
  'LV',
  'EE',
  'UA',
  'MD',
  'CH',
  'TR',
  'US',
  'CA',
  'MX',
  'BR',
  'AU',
  'NZ',
  'ZA',
  'IN',
  'SG',
  'AE',
];

const RATE_LIMITED = new Set(['TooManyRequests', 'RateLimitExceeded', 'ConnectionLimitReached']);
const UNAVAILABLE = new Set([
  'InternalServerError',
  'ProviderUnavailable',
  'ProviderError',
  'ExecutionTimeout',
  'ServiceUnavailable',
  'ExpiresAtInvalid',
  // Our own keys or signature refused: nothing works until the configuration is fixed, so retry later.
  'ClientNotFound',
  'ClientDisabled',
  'ApiKeyNotFound',
  'AppIdNotProvided',
  'SecretNotProvided',
  'InvalidSignature',
  'SignatureNotFound',
  'PublicKeyNotProvided',
]);
const REAUTH = new Set([
  'InvalidCredentials',
  'ConnectionDisabled',
  'ConnectionInactive',
  'InteractiveAdapterTimeout',
  'InteractiveTimeout',
  'WrongInteractiveCredentials',
  'AccountLocked',
  'CustomerLocked',
]);
const CONSENT_EXPIRED = new Set(['ConsentExpired']);
const REVOKED = new Set(['ConsentRevoked', 'ConnectionNotFound']);
/** A connection's failed attempt that clears by itself: its stored data is still read. */
const TRANSIENT_ATTEMPT = new Set(['ProviderUnavailable', 'ProviderError', 'ExecutionTimeout', 'InternalServerError']);
/** PUT /refresh refused only because it is too soon or already running. */
const NOT_REFRESHABLE_NOW = new Set(['ConnectionCannotBeRefreshed', 'ConnectionAlreadyProcessing']);
/** Keys whose JSON numbers are money: read as their literal text. */
const MONEY_KEYS =
  /"(amount|balance|available_amount|credit_limit|original_amount|account_amount)"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

type CallContext = 'link' | 'exchange' | 'data';

interface SeConnection {
  id: string;
  customer_id: string;
  created_at?: string;
  provider_code: string;
  provider_name: string;
  status: 'active' | 'inactive' | 'disabled';
  next_refresh_possible_at?: string | null;
  last_attempt?: { fail_error_class?: string | null; fail_message?: string | null } | null;
}

interface SeAccount {
  id: string;
  name: string;
  nature: string;
  balance: string;
  currency_code: string;
  updated_at?: string;
  extra?: { account_number?: string; iban?: string; available_amount?: string; card_number?: string };
}

interface SeTransaction {
  id: string;
  status?: string;
  made_on: string;
  amount: string;
  currency_code: string;
  description?: string;
  account_id: string;
  duplicated?: boolean;
  extra?: { payee?: string; merchant?: string };
}

interface SePage<T> {
  data: T[];
  meta?: { next_id?: string | null };
}

interface AccountState {
  /** The id the next round re-reads from (the start of the overlap), absent before the first round. */
  from?: string | undefined;
  /** Posted transactions from `from` on: id → "day|digest". */
  kept: Record<string, string>;
  /** Pending transactions last seen: id → digest. */
  pending: Record<string, string>;
}

interface SyncCursor {
  v: 1;
  accounts: Record<string, AccountState>;
  /** Accounts still to read this round, the first one being read. */
  queue: string[];
  /** The account being read: where its next page starts and what it listed so far (id, day, digest). */
  scan?: { account: string; next?: string | undefined; listed: [string, Day, string][] } | undefined;
}

/** An own property of a record parsed from JSON (never one inherited from Object.prototype). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const todayUtc = (): Day => new Date().toISOString().slice(0, 10);

/**
 * A money literal as a positive decimal string with the currency's ISO 4217 decimals ("-12.3" EUR →
 * "12.30"); digits beyond them are kept (the service rounds them once). Exponent notation, which
 * Salt Edge does not send for money, goes through the number with those decimals.
 */
export function saltEdgeDecimal(literal: string, currency: string): string {
  const text = literal.startsWith('-') ? literal.slice(1) : literal;
  let exponent: number | undefined;
  try {
    exponent = exponentOf(currency.toUpperCase());
  } catch {
    exponent = undefined;
  }
  if (/e/i.test(text)) return Number(text).toFixed(exponent ?? 8);
  if (exponent === undefined) return text;
  const [int = '0', fraction = ''] = text.split('.');
  const trimmed = fraction.length > exponent ? fraction.replace(/0+$/, '') : fraction;
  const digits = trimmed.length >= exponent ? trimmed : trimmed.padEnd(exponent, '0');
  return digits ? `${int}.${digits}` : int;
}

function kindOf(nature: string): AccountKind {
  switch (nature) {
    case 'account':
    case 'checking':
    case 'debit_card':
      return 'CHECKING';
    case 'savings':
      return 'SAVINGS';
    case 'card':
    case 'credit':
    case 'credit_card':
      return 'CREDIT_CARD';
    case 'loan':
    case 'mortgage':
      return 'LOAN';
    case 'investment':
      return 'INVESTMENT';
    default:
      return 'OTHER';
  }
}

function digest(t: ProviderTransaction): string {
  return createHash('sha256')
    .update(JSON.stringify([t.amount, t.direction, t.currency, t.bookedOn, t.description, t.merchant ?? '', t.pending]))
    .digest('hex')
    .slice(0, 12);
}

export class SaltEdgeAdapter implements BankAdapter {
  readonly provider = 'SALTEDGE' as const;
  readonly displayName = 'Salt Edge';
  readonly flow = 'REDIRECT' as const;
  readonly countries: readonly string[];
  private readonly apiUrl: string;
  private readonly privateKey: KeyObject | undefined;
  private readonly callbackKey: KeyObject;
  private readonly perPage: number;
  private readonly overlapDays: number;
  private readonly timeoutMs: number;
  private readonly signatureTtl: number;
  /** Customer ids by member reference (Salt Edge's identifier), once known. */
  private readonly customers = new Map<string, string>();

  constructor(private readonly options: SaltEdgeAdapterOptions) {
    if (!options.apiUrl) throw new Error('SaltEdgeAdapter: apiUrl is required (there is no default)');
    if (!options.callbackUrl)
      throw new Error('SaltEdgeAdapter: callbackUrl is required (callbacks are signed over it)');
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.privateKey = options.privateKey ? createPrivateKey(options.privateKey) : undefined;
    this.callbackKey = createPublicKey(options.callbackPublicKey);
    this.countries = options.countries ?? DEFAULT_COUNTRIES;
    this.perPage = options.perPage ?? 1000;
    this.overlapDays = options.overlapDays ?? 7;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.signatureTtl = options.signatureTtlSeconds ?? 60;
  }

  // --- HTTP -------------------------------------------------------------------------------------

  private async call<T>(
    context: CallContext,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    query: Record<string, string | undefined> = {},
    body?: unknown,
  ): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    const url = `${this.apiUrl}${path}${params.size ? `?${params.toString()}` : ''}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send<T>(context, method, url, text);
      } catch (err) {
        // A signature that ran out in flight (a slow network, clock skew): sign afresh once.
        const expired = err instanceof ProviderError && err.details.providerCode === 'ExpiresAtInvalid';
        if (!expired || attempt > 0) throw err;
      }
    }
  }

  private async send<T>(context: CallContext, method: string, url: string, text: string): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/json',
      'app-id': this.options.appId,
      secret: this.options.secret,
    };
    if (this.privateKey) {
      const expiresAt = String(Math.floor(Date.now() / 1000) + this.signatureTtl);
      headers['expires-at'] = expiresAt;
      headers.signature = sign(
        'sha256',
        Buffer.from(`${expiresAt}|${method}|${url}|${text}`),
        this.privateKey,
      ).toString('base64');
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(text ? { body: text } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ProviderError('UNAVAILABLE', `Salt Edge did not answer: ${(err as Error).message}`);
    }
    const raw = await response.text();
    let parsed: unknown;
    try {
      // Money stays text: the literals become strings before JSON.parse sees them.
      parsed = raw ? JSON.parse(raw.replace(MONEY_KEYS, '"$1":"$2"')) : {};
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed !== undefined) return parsed as T;
    const error = (parsed as { error?: { class?: string; message?: string } } | undefined)?.error;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw this.mapError(
      context,
      response.status,
      error?.class,
      error?.message ?? `HTTP ${response.status}`,
      retryAfter,
    );
  }

  private mapError(context: CallContext, status: number, code: string | undefined, message: string, retryAfterS = NaN) {
    let kind: ProviderErrorKind;
    if ((code && RATE_LIMITED.has(code)) || status === 429) kind = 'RATE_LIMITED';
    else if ((code && UNAVAILABLE.has(code)) || status >= 500 || (!code && status !== 404)) kind = 'UNAVAILABLE';
    else if (code && CONSENT_EXPIRED.has(code)) kind = 'CONSENT_EXPIRED';
    else if (code && REAUTH.has(code)) kind = 'REAUTH_REQUIRED';
    // An unknown connection is the caller's mistake while linking, and a removed link afterwards.
    else if (code && REVOKED.has(code)) kind = context === 'data' ? 'REVOKED' : 'INVALID_INPUT';
    else kind = 'INVALID_INPUT';
    return new ProviderError(kind, `Salt Edge: ${message}`, {
      providerCode: code,
      ...(Number.isFinite(retryAfterS) && retryAfterS > 0 ? { retryAfterMs: retryAfterS * 1000 } : {}),
    });
  }

  /** Every page of a listing, following meta.next_id. */
  private async all<T>(context: CallContext, path: string, query: Record<string, string | undefined>): Promise<T[]> {
    const items: T[] = [];
    let from: string | undefined;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = await this.call<SePage<T>>(context, 'GET', path, { ...query, from_id: from });
      items.push(...page.data);
      from = page.meta?.next_id ?? undefined;
      if (!from) return items;
    }
    throw new ProviderError('UNAVAILABLE', `Salt Edge: ${path} does not stop paging`);
  }

  // --- linking ----------------------------------------------------------------------------------

  private async customerFor(userRef: string): Promise<string> {
    const known = this.customers.get(userRef);
    if (known) return known;
    let id: string | undefined;
    try {
      const created = await this.call<{ data: { id: string } }>(
        'link',
        'POST',
        '/customers',
        {},
        {
          data: { identifier: userRef },
        },
      );
      id = created.data.id;
    } catch (err) {
      if (!(err instanceof ProviderError && err.details.providerCode === 'DuplicatedCustomer')) throw err;
      const all = await this.all<{ id: string; identifier: string }>('link', '/customers', {});
      id = all.find((c) => c.identifier === userRef)?.id;
      if (!id) throw new ProviderError('UNAVAILABLE', 'Salt Edge: the duplicated customer is not in the list');
    }
    this.customers.set(userRef, id);
    return id;
  }

  async createLinkSession(input: LinkSessionInput): Promise<LinkSession> {
    const reconnectId = input.reauth?.extra?.connectionId ?? input.reauth?.accessToken;
    const customerId = reconnectId ? undefined : await this.customerFor(input.userRef);
    const returnTo = new URL(input.redirectUri);
    returnTo.searchParams.set('state', input.state);
    returnTo.searchParams.set('code', this.seal(reconnectId ? `c:${reconnectId}` : `u:${customerId!}`));
    const attempt = {
      return_to: returnTo.toString(),
      fetch_scopes: ['accounts', 'transactions'],
      ...(input.language ? { locale: input.language } : {}),
    };
    const consent = { scopes: ['account_details', 'transactions_details'] };
    const session = reconnectId
      ? await this.call<{ data: { connect_url: string; expires_at: string } }>(
          'link',
          'POST',
          '/connect_sessions/reconnect',
          {},
          { data: { connection_id: reconnectId, consent, attempt, return_connection_id: true, daily_refresh: true } },
        )
      : await this.call<{ data: { connect_url: string; expires_at: string } }>(
          'link',
          'POST',
          '/connect_sessions/create',
          {},
          {
            data: {
              customer_id: customerId,
              consent,
              attempt,
              return_connection_id: true,
              daily_refresh: true,
              ...(input.country ? { allowed_countries: [input.country.toUpperCase()] } : {}),
              ...(input.institutionId ? { provider_code: input.institutionId } : {}),
            },
          },
        );
    const linkUrl = new URL(session.data.connect_url);
    linkUrl.searchParams.set('state', input.state);
    const expires = Date.parse(session.data.expires_at);
    return {
      linkUrl: linkUrl.toString(),
      expiresAt: new Date(Number.isNaN(expires) ? Date.now() + 3600_000 : expires),
    };
  }

  /** `value.<HMAC>`: what return_to carries as `code`, so only this adapter's link sessions exchange. */
  private seal(value: string): string {
    return `${value}.${createHmac('sha256', this.options.secret).update(`saltedge-link:${value}`).digest('base64url')}`;
  }

  private unseal(code: string): string | undefined {
    const dot = code.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const value = code.slice(0, dot);
    const want = Buffer.from(this.seal(value));
    const got = Buffer.from(code);
    return want.length === got.length && timingSafeEqual(want, got) ? value : undefined;
  }

  async exchange(input: ExchangeInput): Promise<ExchangeResult> {
    const sealed = this.unseal(input.authorizationCode ?? input.publicToken ?? '');
    if (!sealed) throw new ProviderError('INVALID_INPUT', 'Salt Edge: the code is missing or was not issued here');
    let connection: SeConnection;
    if (sealed.startsWith('c:')) {
      connection = await this.connection('exchange', sealed.slice(2));
    } else {
      // The customer's newest connection: the one the widget just made (a member links one at a time).
      const list = await this.all<SeConnection>('exchange', '/connections', { customer_id: sealed.slice(2) });
      const newest = list.sort((a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? ''))[0];
      if (!newest) throw new ProviderError('INVALID_INPUT', 'Salt Edge: the customer has no connection yet');
      connection = newest;
    }
    const connectionId = connection.id;
    this.requireUsable(connection);
    const consents = await this.call<SePage<{ status?: string; expires_at?: string | null }>>(
      'exchange',
      'GET',
      '/consents',
      {
        connection_id: connectionId,
      },
    );
    const expiresAt = consents.data
      .filter((c) => c.status === undefined || c.status === 'active')
      .map((c) => Date.parse(c.expires_at ?? ''))
      .filter((t) => !Number.isNaN(t))
      .sort((a, b) => a - b)[0];
    return {
      credentials: { accessToken: connectionId, extra: { connectionId, customerId: connection.customer_id } },
      providerConnectionId: connectionId,
      institution: { id: connection.provider_code, name: connection.provider_name },
      ...(expiresAt === undefined ? {} : { consentExpiresAt: new Date(expiresAt) }),
    };
  }

  private async connection(context: CallContext, id: string): Promise<SeConnection> {
    return (await this.call<{ data: SeConnection }>(context, 'GET', `/connections/${encodeURIComponent(id)}`)).data;
  }

  /** An inactive or disabled connection needs the user, unless its last attempt failed only for now. */
  private requireUsable(c: SeConnection): void {
    if (c.status === 'active') return;
    const code = c.last_attempt?.fail_error_class ?? undefined;
    if (c.status === 'inactive' && code && TRANSIENT_ATTEMPT.has(code)) return;
    const kind: ProviderErrorKind =
      code && CONSENT_EXPIRED.has(code) ? 'CONSENT_EXPIRED' : code === 'ConsentRevoked' ? 'REVOKED' : 'REAUTH_REQUIRED';
    throw new ProviderError(
      kind,
      `Salt Edge: the connection is ${c.status}${c.last_attempt?.fail_message ? `: ${c.last_attempt.fail_message}` : ''}`,
      {
        providerCode: code,
      },
    );
  }

  private connectionIdOf(credentials: ProviderCredentials): string {
    return credentials.extra?.connectionId ?? credentials.accessToken;
  }

  // --- data -------------------------------------------------------------------------------------

  async accounts(credentials: ProviderCredentials): Promise<WithCredentials<ProviderAccount[]>> {
    const list = await this.all<SeAccount>('data', '/accounts', { connection_id: this.connectionIdOf(credentials) });
    return {
      value: list.map((a) => {
        const number = a.extra?.account_number ?? a.extra?.iban ?? a.extra?.card_number ?? '';
        const digits = number.replace(/[^0-9A-Za-z]/g, '');
        const signed = (v: string) =>
          v.startsWith('-') ? `-${saltEdgeDecimal(v, a.currency_code)}` : saltEdgeDecimal(v, a.currency_code);
        const updated = Date.parse(a.updated_at ?? '');
        return {
          providerAccountId: a.id,
          name: a.name,
          mask: digits.slice(-4),
          kind: kindOf(a.nature),
          currency: a.currency_code,
          currentBalance: signed(String(a.balance)),
          availableBalance:
            a.extra?.available_amount === undefined ? undefined : signed(String(a.extra.available_amount)),
          balanceAsOf: Number.isNaN(updated) ? new Date() : new Date(updated),
        };
      }),
    };
  }

  async fetchChanges(input: FetchChangesInput): Promise<WithCredentials<TransactionChanges>> {
    const connectionId = this.connectionIdOf(input.credentials);
    const cursor = this.parseCursor(input.cursor);
    const wanted = new Set(input.providerAccountIds);
    cursor.queue = cursor.queue.filter((id) => wanted.has(id));
    if (cursor.scan && !wanted.has(cursor.scan.account)) cursor.scan = undefined;
    const changes: TransactionChanges = { added: [], modified: [], removed: [], nextCursor: '', hasMore: false };

    if (!cursor.scan) {
      if (!cursor.queue.length) {
        await this.startRound(connectionId);
        cursor.queue = [...input.providerAccountIds];
      }
      const account = cursor.queue[0];
      if (account === undefined) {
        changes.nextCursor = JSON.stringify(cursor);
        return { value: changes };
      }
      cursor.scan = { account, next: own(cursor.accounts, account)?.from, listed: [] };
    }
    const scan = cursor.scan;
    const state: AccountState = own(cursor.accounts, scan.account) ?? { kept: {}, pending: {} };

    const page = await this.call<SePage<SeTransaction>>('data', 'GET', '/transactions', {
      connection_id: connectionId,
      account_id: scan.account,
      from_id: scan.next,
      per_page: String(this.perPage),
    });
    for (const raw of page.data) {
      if (raw.duplicated) continue;
      const t = this.transaction(raw, false);
      const sum = digest(t);
      scan.listed.push([t.providerTransactionId, t.bookedOn, sum]);
      const seen = own(state.kept, t.providerTransactionId);
      if (seen === undefined) {
        // Booked under the id it had while pending: the pending one changed into this.
        if (own(state.pending, t.providerTransactionId) !== undefined) changes.modified.push(t);
        else changes.added.push(t);
      } else if (seen.slice(seen.indexOf('|') + 1) !== sum) {
        changes.modified.push(t);
      }
    }
    const next = page.meta?.next_id ?? undefined;
    if (next) {
      scan.next = next;
      changes.hasMore = true;
      changes.nextCursor = JSON.stringify(cursor);
      return { value: changes };
    }

    // The account's last page: pending transactions, then what vanished, then the next overlap.
    const pendingList = await this.all<SeTransaction>('data', '/transactions/pending', {
      connection_id: connectionId,
      account_id: scan.account,
    });
    const postedNow = new Set(scan.listed.map(([id]) => id));
    const pending: Record<string, string> = {};
    for (const raw of pendingList) {
      const t = this.transaction(raw, true);
      const sum = digest(t);
      const seen = own(state.pending, t.providerTransactionId);
      if (seen === undefined) changes.added.push(t);
      else if (seen !== sum) changes.modified.push(t);
      pending[t.providerTransactionId] = sum;
    }
    for (const id of Object.keys(state.pending)) {
      if (!Object.hasOwn(pending, id) && !postedNow.has(id)) changes.removed.push(id);
    }
    for (const id of Object.keys(state.kept)) if (!postedNow.has(id)) changes.removed.push(id);

    const cutoff = addDays(todayUtc(), -this.overlapDays);
    let start = scan.listed.findIndex(([, day]) => day >= cutoff);
    if (start < 0) start = scan.listed.length - 1;
    const keep = start < 0 ? [] : scan.listed.slice(start);
    cursor.accounts[scan.account] = {
      from: keep[0]?.[0] ?? state.from,
      kept: Object.fromEntries(keep.map(([id, day, sum]) => [id, `${day}|${sum}`])),
      pending,
    };
    cursor.queue.shift();
    cursor.scan = undefined;
    changes.hasMore = cursor.queue.length > 0;
    changes.nextCursor = JSON.stringify(cursor);
    return { value: changes };
  }

  /** A round begins: the connection must still be usable; Salt Edge refreshes it when it may. */
  private async startRound(connectionId: string): Promise<void> {
    const connection = await this.connection('data', connectionId);
    this.requireUsable(connection);
    const possibleAt = Date.parse(connection.next_refresh_possible_at ?? '');
    if (connection.status !== 'active' || Number.isNaN(possibleAt) || possibleAt > Date.now()) return;
    try {
      await this.call(
        'data',
        'PUT',
        `/connections/${encodeURIComponent(connectionId)}/refresh`,
        {},
        {
          data: { attempt: { fetch_scopes: ['accounts', 'transactions'] } },
        },
      );
    } catch (err) {
      // Too soon or already refreshing: what Salt Edge holds is read as it is.
      if (!(err instanceof ProviderError && NOT_REFRESHABLE_NOW.has(err.details.providerCode ?? ''))) throw err;
    }
  }

  private transaction(t: SeTransaction, pending: boolean): ProviderTransaction {
    const amount = String(t.amount);
    return {
      providerTransactionId: t.id,
      providerAccountId: t.account_id,
      amount: saltEdgeDecimal(amount, t.currency_code),
      direction: amount.startsWith('-') ? 'OUT' : 'IN',
      currency: t.currency_code,
      bookedOn: t.made_on.slice(0, 10),
      pending: pending || t.status === 'pending',
      description: t.description ?? '',
      merchant: t.extra?.payee || t.extra?.merchant || undefined,
    };
  }

  private parseCursor(text: string): SyncCursor {
    if (!text) return { v: 1, accounts: {}, queue: [] };
    try {
      const parsed = JSON.parse(text) as SyncCursor;
      if (
        parsed.v === 1 &&
        typeof parsed.accounts === 'object' &&
        parsed.accounts !== null &&
        Array.isArray(parsed.queue)
      ) {
        return parsed;
      }
    } catch {
      // falls through to the refusal below
    }
    throw new ProviderError('INVALID_INPUT', 'not a Salt Edge sync cursor');
  }

  // --- callbacks and revoke ---------------------------------------------------------------------

  async verifyWebhook(input: WebhookInput): Promise<WebhookEvent> {
    const refuse = (why: string) => new ProviderError('UNAUTHENTICATED', `Salt Edge callback: ${why}`);
    const signature = input.headers.signature;
    if (!signature) throw refuse('no Signature header');
    const body = Buffer.from(input.body);
    const signed = Buffer.concat([Buffer.from(`${this.options.callbackUrl}|`), body]);
    if (!verify('sha256', signed, this.callbackKey, Buffer.from(signature, 'base64'))) {
      throw refuse('the signature does not verify');
    }
    let payload: { data?: Record<string, unknown>; meta?: { time?: unknown } };
    try {
      payload = JSON.parse(body.toString('utf8')) as typeof payload;
    } catch {
      throw refuse('the body is not JSON');
    }
    const data = payload.data ?? {};
    const time = Date.parse(typeof payload.meta?.time === 'string' ? payload.meta.time : '');
    if (Number.isNaN(time)) throw refuse('no meta.time');
    // Success callbacks ask for a sync; fail callbacks either need the user or clear by themselves;
    // notify callbacks report progress. A destroy callback looks like a success one: the sync that
    // follows finds the connection gone (REVOKED).
    const errorClass = typeof data.error_class === 'string' ? data.error_class : '';
    let kind: WebhookKind;
    if (errorClass)
      kind =
        REAUTH.has(errorClass) || CONSENT_EXPIRED.has(errorClass)
          ? 'REAUTH_REQUIRED'
          : errorClass === 'ConsentRevoked'
            ? 'REVOKED'
            : 'IGNORED';
    else if (typeof data.stage === 'string' && data.stage !== 'finish') kind = 'IGNORED';
    else kind = 'SYNC_AVAILABLE';
    return {
      // Salt Edge callbacks carry no id: the signed body (with its meta.time) is the event.
      eventId: createHash('sha256').update(body).digest('hex'),
      providerConnectionId: typeof data.connection_id === 'string' ? data.connection_id : '',
      kind,
      occurredAt: new Date(time),
    };
  }

  async revoke(credentials: ProviderCredentials): Promise<void> {
    try {
      await this.call('data', 'DELETE', `/connections/${encodeURIComponent(this.connectionIdOf(credentials))}`);
    } catch (err) {
      // Already removed at Salt Edge: the link has ended as far as we are concerned.
      if (err instanceof ProviderError && err.kind === 'REVOKED') return;
      throw err;
    }
  }
}
