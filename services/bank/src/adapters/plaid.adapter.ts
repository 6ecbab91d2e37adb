// Plaid behind the BankAdapter interface, through the official `plaid` client: Link tokens (update
// mode for re-auth; Hosted Link when the app gives a redirect URI), public-token exchange (a hosted
// session's public token read with /link/token/get), accounts, /transactions/sync one page per call,
// item removal, and webhooks verified Plaid's way (ES256 JWT in Plaid-Verification, key by kid).
import { createHash, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import {
  Configuration,
  CountryCode,
  PlaidApi,
  Products,
  type AccountBase,
  type LinkTokenCreateRequest,
  type LinkTokenGetSessionsResponse,
  type PlaidError,
  type Transaction,
} from 'plaid';
import { daysBetween } from '@family/service-kit/calendar';
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

export interface PlaidAdapterOptions {
  /** The Plaid environment's URL (sandbox, production or an emulator): always explicit, never defaulted. */
  basePath: string;
  clientId: string;
  secret: string;
  /** The name Link shows the user. */
  clientName: string;
  /** Where Plaid sends this deployment's webhooks (POST /v1/webhooks/plaid). */
  webhookUrl: string;
  /**
   * The OAuth redirect URI registered in the Plaid dashboard, when OAuth institutions are enabled.
   * Plaid refuses unregistered ones, so the link session's own redirectUri is not passed on. Hosted
   * Link sessions leave it out: Plaid's hosted page handles the bank's OAuth redirects itself.
   */
  oauthRedirectUri?: string | undefined;
  /**
   * Hosted Link (default on): a link session with a redirect URI is hosted by Plaid (linkUrl), and
   * Plaid sends the user back to that URI with the state. Off: every session is for Plaid Link.
   */
  hostedLink?: boolean | undefined;
  countries?: readonly string[] | undefined;
  /** Transactions per /transactions/sync page (Plaid allows 1–500). */
  pageSize?: number | undefined;
  /** History Plaid fetches when an item is first linked (Plaid's default is 90 days). */
  historyDays?: number | undefined;
  /** The deadline of every Plaid call. */
  timeoutMs?: number | undefined;
  now?: (() => Date) | undefined;
}

/** Plaid's documented countries for Link. */
const PLAID_COUNTRIES = Object.values(CountryCode) as string[];
const WEBHOOK_WINDOW_S = 5 * 60;
/** How long a fetched verification key is trusted before Plaid is asked again (it may have expired). */
const KEY_CACHE_MS = 3600_000;
const MAX_HISTORY_DAYS = 730;

const REAUTH_CODES = new Set([
  'ITEM_LOGIN_REQUIRED',
  'INVALID_CREDENTIALS',
  'INVALID_MFA',
  'INVALID_UPDATED_USERNAME',
  'INSUFFICIENT_CREDENTIALS',
  'ITEM_LOCKED',
  'MFA_NOT_SUPPORTED',
  'NO_ACCOUNTS',
  'PASSWORD_RESET_REQUIRED',
  'USER_SETUP_REQUIRED',
  'ACCESS_NOT_GRANTED',
]);
/** The item is gone at Plaid (removed, or access withdrawn by the user): only a new link helps. */
const REVOKED_CODES = new Set(['ITEM_NOT_FOUND', 'USER_PERMISSION_REVOKED', 'INVALID_ACCESS_TOKEN']);
/** Plaid or the bank is busy or not ready yet: the same call later will work. */
const UNAVAILABLE_CODES = new Set(['PRODUCT_NOT_READY', 'PLANNED_MAINTENANCE', 'INTERNAL_SERVER_ERROR']);

const ACCOUNT_KINDS: Record<string, AccountKind> = {
  'depository/checking': 'CHECKING',
  'depository/prepaid': 'CHECKING',
  'depository/paypal': 'CHECKING',
  'depository/cash management': 'CHECKING',
  'depository/ebt': 'CHECKING',
  'depository/savings': 'SAVINGS',
  'depository/money market': 'SAVINGS',
  'depository/cd': 'SAVINGS',
  'depository/hsa': 'SAVINGS',
  'depository/cash isa': 'SAVINGS',
  credit: 'CREDIT_CARD',
  loan: 'LOAN',
  investment: 'INVESTMENT',
  brokerage: 'INVESTMENT',
};

interface CachedKey {
  key: KeyObject;
  expiredAt: number | null;
  fetchedAt: number;
}

export class PlaidAdapter implements BankAdapter {
  readonly provider = 'PLAID' as const;
  readonly displayName = 'Plaid';
  readonly flow = 'TOKEN_EXCHANGE' as const;
  readonly hostedLink: boolean;
  readonly countries: readonly string[];
  private readonly client: PlaidApi;
  private readonly pageSize: number;
  private readonly now: () => Date;
  private readonly keys = new Map<string, CachedKey>();

  constructor(private readonly options: PlaidAdapterOptions) {
    if (!options.basePath || !URL.canParse(options.basePath)) {
      throw new Error('the Plaid adapter needs the environment URL (basePath) spelled out');
    }
    this.countries = options.countries ?? ['US', 'CA', 'GB', 'IE', 'FR', 'ES', 'NL', 'DE'];
    this.hostedLink = options.hostedLink ?? true;
    this.pageSize = Math.min(500, Math.max(1, options.pageSize ?? 500));
    this.now = options.now ?? (() => new Date());
    this.client = new PlaidApi(
      new Configuration({
        basePath: options.basePath.replace(/\/+$/, ''),
        baseOptions: {
          headers: { 'PLAID-CLIENT-ID': options.clientId, 'PLAID-SECRET': options.secret },
          timeout: options.timeoutMs ?? 10_000,
        },
      }),
    );
  }

  async createLinkSession(input: LinkSessionInput): Promise<LinkSession> {
    const country = (input.country ?? this.countries[0] ?? 'US').toUpperCase();
    if (!PLAID_COUNTRIES.includes(country)) {
      throw new ProviderError('INVALID_INPUT', `Plaid does not link banks in ${country}`);
    }
    const hosted = this.hostedLink && input.redirectUri !== '';
    const request: LinkTokenCreateRequest = {
      client_name: this.options.clientName,
      language: input.language ?? 'en',
      country_codes: [country as CountryCode],
      user: { client_user_id: input.userRef },
      webhook: this.options.webhookUrl,
      ...(input.reauth
        ? // Update mode: Link repairs the existing item, so no products are named.
          { access_token: input.reauth.accessToken }
        : {
            products: [Products.Transactions],
            transactions: { days_requested: this.options.historyDays ?? 90 },
          }),
      ...(input.institutionId ? { institution_id: input.institutionId } : {}),
      ...(hosted
        ? { hosted_link: hostedLinkFor(input.redirectUri, input.state) }
        : this.options.oauthRedirectUri
          ? { redirect_uri: this.options.oauthRedirectUri }
          : {}),
    };
    const res = await this.call('link/token/create', () => this.client.linkTokenCreate(request));
    if (!hosted) return { linkToken: res.link_token, expiresAt: new Date(res.expiration) };
    if (!res.hosted_link_url) {
      // Our configuration, not the user's: the Plaid client is not enabled for Hosted Link.
      throw new Error('Plaid answered no hosted_link_url (is Hosted Link enabled for this client?)');
    }
    return {
      linkToken: res.link_token,
      linkUrl: res.hosted_link_url,
      hostedSessionRef: res.link_token,
      expiresAt: new Date(res.expiration),
    };
  }

  async exchange(input: ExchangeInput): Promise<ExchangeResult> {
    const publicToken =
      input.publicToken || (input.hostedSessionRef ? await this.hostedPublicToken(input.hostedSessionRef) : '');
    if (!publicToken) throw new ProviderError('INVALID_INPUT', 'Plaid links are exchanged by public token');
    const exchanged = await this.call('item/public_token/exchange', () =>
      this.client.itemPublicTokenExchange({ public_token: publicToken }),
    );
    const credentials: ProviderCredentials = {
      accessToken: exchanged.access_token,
      extra: { itemId: exchanged.item_id },
    };
    // The item exists at Plaid now: a failure reading its details must not lose the access token.
    const { institution, consentExpiresAt } = await this.itemDetails(exchanged.access_token).catch((err: unknown) => {
      if (err instanceof ProviderError) return { institution: { id: '', name: '' }, consentExpiresAt: undefined };
      throw err;
    });
    return {
      credentials,
      providerConnectionId: exchanged.item_id,
      institution,
      ...(consentExpiresAt ? { consentExpiresAt } : {}),
    };
  }

  async accounts(credentials: ProviderCredentials): Promise<WithCredentials<ProviderAccount[]>> {
    const res = await this.call('accounts/get', () =>
      this.client.accountsGet({ access_token: credentials.accessToken }),
    );
    const asOf = this.now();
    return { value: res.accounts.map((a) => toAccount(a, asOf)) };
  }

  /**
   * One /transactions/sync page. Plaid's TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION is thrown as
   * RESTART_PAGINATION: the service restarts its loop from the cursor the loop began with (a page's
   * own cursor is no longer valid then); pages are applied idempotently, so repeats are harmless.
   * Plaid's sync is item-wide: transactions of every account of the item come back, whatever
   * `providerAccountIds` lists, so an account new at the bank is not silently skipped.
   */
  async fetchChanges(input: FetchChangesInput): Promise<WithCredentials<TransactionChanges>> {
    const first = input.cursor === '';
    const today = this.now().toISOString().slice(0, 10);
    const daysRequested = Math.min(MAX_HISTORY_DAYS, Math.max(1, daysBetween(input.since, today) + 1));
    const res = await this.call('transactions/sync', () =>
      this.client.transactionsSync({
        access_token: input.credentials.accessToken,
        count: this.pageSize,
        ...(first ? { options: { days_requested: daysRequested } } : { cursor: input.cursor }),
      }),
    );
    return {
      value: {
        added: res.added.map(toTransaction),
        modified: res.modified.map(toTransaction),
        removed: res.removed.map((r) => r.transaction_id),
        nextCursor: res.next_cursor,
        hasMore: res.has_more,
      },
    };
  }

  async verifyWebhook(input: WebhookInput): Promise<WebhookEvent> {
    const token = input.headers['plaid-verification'];
    if (!token) throw unauthenticated('no Plaid-Verification header');
    const parts = token.split('.');
    if (parts.length !== 3) throw unauthenticated('Plaid-Verification is not a JWT');
    const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
    const header = decodeJson(headerPart);
    // ES256 only: "none", HMAC or RSA algorithms are refused before any key is looked at.
    if (header?.alg !== 'ES256') throw unauthenticated('the webhook JWT is not ES256');
    if (typeof header.kid !== 'string' || !header.kid) throw unauthenticated('the webhook JWT names no key');
    const signature = Buffer.from(signaturePart, 'base64url');
    if (signature.length !== 64) throw unauthenticated('the webhook signature is malformed');

    const key = await this.verificationKey(header.kid);
    const signed = verify(
      'sha256',
      Buffer.from(`${headerPart}.${claimsPart}`),
      { key, dsaEncoding: 'ieee-p1363' },
      signature,
    );
    if (!signed) throw unauthenticated('the webhook signature does not verify');

    const claims = decodeJson(claimsPart) ?? {};
    const iat = claims.iat;
    const nowS = this.now().getTime() / 1000;
    if (typeof iat !== 'number' || Math.abs(nowS - iat) > WEBHOOK_WINDOW_S) {
      throw unauthenticated('the webhook was signed outside the 5-minute window');
    }
    const claimedHash = Buffer.from(typeof claims.request_body_sha256 === 'string' ? claims.request_body_sha256 : '');
    const bodyHash = createHash('sha256').update(input.body).digest('hex');
    const actualHash = Buffer.from(bodyHash);
    if (claimedHash.length !== actualHash.length || !timingSafeEqual(claimedHash, actualHash)) {
      throw unauthenticated('the webhook body does not match its signature');
    }

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.from(input.body).toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ProviderError('INVALID_INPUT', 'the webhook body is not JSON');
    }
    const kind = webhookKind(body);
    const consentExpiresAt =
      kind === 'CONSENT_EXPIRING' && typeof body.consent_expiration_time === 'string'
        ? new Date(body.consent_expiration_time)
        : undefined;
    return {
      // Plaid's webhooks carry no id, and one SYNC_UPDATES_AVAILABLE body is byte for byte the next
      // one's: the body's digest with its signing time names one delivery, so a replayed delivery
      // repeats its id while Plaid's next notice gets a new one.
      eventId: createHash('sha256').update(`${iat}.${bodyHash}`).digest('hex'),
      providerConnectionId: typeof body.item_id === 'string' ? body.item_id : '',
      kind,
      occurredAt: new Date(iat * 1000),
      ...(consentExpiresAt && !Number.isNaN(consentExpiresAt.getTime()) ? { consentExpiresAt } : {}),
    };
  }

  async revoke(credentials: ProviderCredentials): Promise<void> {
    try {
      await this.call('item/remove', () => this.client.itemRemove({ access_token: credentials.accessToken }));
    } catch (err) {
      // Removed before (by us or by the user at Plaid): the link is ended either way.
      if (err instanceof ProviderError && err.kind === 'REVOKED') return;
      throw err;
    }
  }

  /**
   * The public token of a Hosted Link session, as /link/token/get reports it: the newest session's
   * `results.item_add_results`, or the older `on_success` shape. None yet (the user has not linked, or
   * left Link) is LINK_NOT_FINISHED: the caller may come back once the user has.
   */
  private async hostedPublicToken(linkToken: string): Promise<string> {
    const res = await this.call('link/token/get', () => this.client.linkTokenGet({ link_token: linkToken }));
    for (const session of [...(res.link_sessions ?? [])].reverse()) {
      const token = publicTokenOf(session);
      if (token) return token;
    }
    throw new ProviderError('LINK_NOT_FINISHED', 'Plaid link/token/get: the Hosted Link session has no public token');
  }

  /** The institution and consent expiry of a freshly exchanged item. */
  private async itemDetails(
    accessToken: string,
  ): Promise<{ institution: { id: string; name: string }; consentExpiresAt?: Date | undefined }> {
    const { item } = await this.call('item/get', () => this.client.itemGet({ access_token: accessToken }));
    const id = item.institution_id ?? '';
    let name = item.institution_name ?? '';
    if (!name && id) {
      const res = await this.call('institutions/get_by_id', () =>
        this.client.institutionsGetById({
          institution_id: id,
          country_codes: this.countries.filter((c) => PLAID_COUNTRIES.includes(c)) as CountryCode[],
        }),
      );
      name = res.institution.name;
    }
    return {
      institution: { id, name },
      ...(item.consent_expiration_time ? { consentExpiresAt: new Date(item.consent_expiration_time) } : {}),
    };
  }

  private async verificationKey(kid: string): Promise<KeyObject> {
    const nowMs = this.now().getTime();
    let cached = this.keys.get(kid);
    if (!cached || nowMs - cached.fetchedAt > KEY_CACHE_MS) {
      const jwk = await this.call('webhook_verification_key/get', () =>
        this.client.webhookVerificationKeyGet({ key_id: kid }),
      ).then(
        (res) => res.key,
        (err: unknown) => {
          // Plaid does not know the key: a forgery, not an outage.
          if (err instanceof ProviderError && err.kind === 'INVALID_INPUT')
            throw unauthenticated('unknown webhook key');
          throw err;
        },
      );
      if (jwk.alg !== 'ES256' || jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw unauthenticated('not an ES256 key');
      let key: KeyObject;
      try {
        key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
      } catch {
        throw unauthenticated('the webhook key is malformed');
      }
      cached = { key, expiredAt: jwk.expired_at, fetchedAt: nowMs };
      this.keys.set(kid, cached);
    }
    if (cached.expiredAt !== null && cached.expiredAt * 1000 <= nowMs) throw unauthenticated('the webhook key expired');
    return cached.key;
  }

  /** One Plaid call, its failure in the service's words. */
  private async call<T>(what: string, run: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await run()).data;
    } catch (err) {
      throw toProviderError(what, err);
    }
  }
}

interface AxiosLikeError {
  isAxiosError: true;
  code?: string;
  message: string;
  response?: { status: number; data?: unknown; headers?: Record<string, unknown> };
}

function toProviderError(what: string, err: unknown): unknown {
  if (!(err as AxiosLikeError | undefined)?.isAxiosError) return err;
  const { response, code, message } = err as AxiosLikeError;
  if (!response) return new ProviderError('UNAVAILABLE', `Plaid ${what}: ${code ?? message}`);
  const body = (response.data ?? {}) as Partial<PlaidError>;
  const errorCode = body.error_code ?? `HTTP_${response.status}`;
  const kind = errorKind(response.status, body.error_type, errorCode);
  const retryAfter = Number(response.headers?.['retry-after']);
  return new ProviderError(kind, `Plaid ${what}: ${errorCode}: ${body.error_message ?? message}`, {
    providerCode: errorCode,
    ...(kind === 'RATE_LIMITED' && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  });
}

/**
 * The `hosted_link` of a link token: Plaid sends the user to the app's redirect URI with the state
 * added (the app owns that URI; Plaid adds nothing). A URI that is not http(s) is an app's own scheme:
 * the app opens the page in an in-app browser session (`is_mobile_app`).
 */
function hostedLinkFor(redirectUri: string, state: string) {
  const back = new URL(redirectUri);
  back.searchParams.set('state', state);
  return {
    completion_redirect_uri: back.toString(),
    ...(back.protocol === 'https:' || back.protocol === 'http:' ? {} : { is_mobile_app: true }),
  };
}

function publicTokenOf(session: LinkTokenGetSessionsResponse): string | undefined {
  const added = session.results?.item_add_results?.find((r) => r.public_token);
  return added?.public_token ?? (session.on_success?.public_token || undefined);
}

function errorKind(status: number, type: string | undefined, code: string): ProviderErrorKind {
  if (code === 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION') return 'RESTART_PAGINATION';
  if (status === 429 || type === 'RATE_LIMIT_EXCEEDED') return 'RATE_LIMITED';
  if (REAUTH_CODES.has(code)) return 'REAUTH_REQUIRED';
  if (REVOKED_CODES.has(code)) return 'REVOKED';
  if (status >= 500 || type === 'API_ERROR' || type === 'INSTITUTION_ERROR' || UNAVAILABLE_CODES.has(code)) {
    return 'UNAVAILABLE';
  }
  return 'INVALID_INPUT';
}

function webhookKind(body: Record<string, unknown>): WebhookKind {
  const code = body.webhook_code;
  switch (body.webhook_type) {
    case 'TRANSACTIONS':
      return code === 'SYNC_UPDATES_AVAILABLE' ? 'SYNC_AVAILABLE' : 'IGNORED';
    case 'ITEM':
      if (code === 'ITEM_LOGIN_REQUIRED' || code === 'ERROR') return 'REAUTH_REQUIRED';
      if (code === 'PENDING_EXPIRATION') return 'CONSENT_EXPIRING';
      if (code === 'USER_PERMISSION_REVOKED') return 'REVOKED';
      return 'IGNORED';
    default:
      return 'IGNORED';
  }
}

function toAccount(a: AccountBase, asOf: Date): ProviderAccount {
  const currency = a.balances.iso_currency_code ?? a.balances.unofficial_currency_code ?? '';
  const updated = a.balances.last_updated_datetime ? new Date(a.balances.last_updated_datetime) : undefined;
  return {
    providerAccountId: a.account_id,
    name: a.name,
    mask: a.mask ?? '',
    kind: ACCOUNT_KINDS[`${a.type}/${a.subtype ?? ''}`] ?? ACCOUNT_KINDS[a.type] ?? 'OTHER',
    currency,
    currentBalance: a.balances.current === null ? undefined : decimal(a.balances.current, currency),
    availableBalance: a.balances.available === null ? undefined : decimal(a.balances.available, currency),
    balanceAsOf: updated && !Number.isNaN(updated.getTime()) ? updated : asOf,
  };
}

/** Plaid's sign convention: a positive amount is money out of the account, a negative one money in. */
function toTransaction(t: Transaction): ProviderTransaction {
  const currency = t.iso_currency_code ?? t.unofficial_currency_code ?? '';
  return {
    providerTransactionId: t.transaction_id,
    providerAccountId: t.account_id,
    amount: decimal(Math.abs(t.amount), currency),
    direction: t.amount > 0 ? 'OUT' : 'IN',
    currency,
    bookedOn: t.date,
    pending: t.pending,
    pendingTransactionId: t.pending_transaction_id ?? undefined,
    description: t.name || t.original_description || t.merchant_name || '',
    merchant: t.merchant_name ?? undefined,
  };
}

/**
 * A Plaid number as a decimal string with the currency's ISO 4217 decimals: Plaid sends at most that
 * many, so rounding to them removes only binary float noise (0.1 + 0.2 → "0.30"). Unofficial
 * currencies (crypto) keep up to 8 decimals.
 */
function decimal(value: number, currency: string): string {
  let exponent: number | undefined;
  try {
    exponent = exponentOf(currency.toUpperCase());
  } catch {
    exponent = undefined;
  }
  if (exponent !== undefined) return value.toFixed(exponent);
  return value.toFixed(8).replace(/\.?0+$/, '');
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function unauthenticated(message: string): ProviderError {
  return new ProviderError('UNAUTHENTICATED', `Plaid webhook: ${message}`);
}
