// Plaid's API, locally, in Plaid's own wire format (so the official `plaid` client works unchanged):
// link tokens (and Hosted Link: the hosted page signs the sandbox user in and sends the browser back
// to completion_redirect_uri; /link/token/get tells the session's result), sandbox public tokens,
// token exchange, accounts, /transactions/sync over the shared sandbox's change list, items, webhook
// verification keys and ES256-signed webhooks, with Plaid's error bodies on demand.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { BankSandbox, type SandboxAccount, type SandboxTransaction, type SandboxUser } from './bank.sandbox.js';
import {
  FailureBudget,
  sendJson,
  startHttpEmulator,
  type EmulatorListen,
  type StartedEmulator,
} from './http.emulator.js';

/** Plaid error codes the emulator can answer with, as Plaid documents them. */
export type PlaidFailureKind =
  | 'RATE_LIMIT_EXCEEDED'
  | 'INTERNAL_SERVER_ERROR'
  | 'INSTITUTION_DOWN'
  | 'ITEM_LOGIN_REQUIRED'
  | 'INVALID_ACCESS_TOKEN'
  | 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION';

export interface PlaidWebhookPayload {
  webhook_type: string;
  webhook_code: string;
  item_id: string;
  [field: string]: unknown;
}

export interface PlaidSignOptions {
  /** Default: now. */
  issuedAt?: Date;
  /** Sign with another key (a forgery); the header still names the served key unless `kid` says otherwise. */
  signingKey?: KeyObject;
  kid?: string;
  /** `none` leaves the token unsigned (a forgery Plaid's verifiers must refuse). */
  alg?: 'ES256' | 'none';
  /** Claim the hash of this body instead of the real one. */
  claimBody?: string | Buffer;
}

export interface PlaidItemState {
  itemId: string;
  accessToken: string;
  username: string;
  institutionId: string;
  webhook: string | null;
  loginRequired: boolean;
  removed: boolean;
  consentExpiresAt: string | null;
}

export interface PlaidControls {
  /** The next `count` API calls (not /sandbox/*) answer this Plaid error (default INTERNAL_SERVER_ERROR). */
  failNext(count: number, kind?: PlaidFailureKind): void;
  /** The item answers ITEM_LOGIN_REQUIRED until it is linked again in update mode (or restoreLogin). */
  requireLogin(itemId: string): void;
  restoreLogin(itemId: string): void;
  /** The next /transactions/sync that continues a pagination loop answers the mutation error. */
  interruptPagination(): void;
  /**
   * Completes Link for a link token as the sandbox user would: a public token (update mode: login
   * restored). A Hosted Link token records the session's result, as its hosted page does.
   */
  completeLink(linkToken: string, login?: { username: string; password: string }): string;
  /** The sandbox user the hosted Link page signs in (default user_good). */
  signInAs(username: string): void;
  /** The next hosted Link page the user opens is left without linking: an exited session, and the way back. */
  exitNextHostedLink(): void;
  /** The `Plaid-Verification` header value for this raw body. */
  signWebhook(body: string | Buffer, options?: PlaidSignOptions): string;
  /** A webhook as Plaid would deliver it, not sent: the raw body and its `Plaid-Verification` header. */
  webhookFor(payload: PlaidWebhookPayload, options?: PlaidSignOptions): { body: string; verification: string };
  /** POSTs a webhook signed Plaid's way; the body is sent exactly as signed. */
  sendWebhook(
    url: string,
    payload: PlaidWebhookPayload,
    options?: PlaidSignOptions,
  ): Promise<{ status: number; body: string; rawBody: string; verification: string }>;
  /** Expires the current webhook key (still served, with expired_at) and signs with a new one. */
  rotateWebhookKey(): string;
  setConsentExpiration(itemId: string, at: Date | null): void;
  item(itemId: string): PlaidItemState | undefined;
  /** Every item linked so far, oldest first (a launcher's sandbox console picks from these). */
  items(): PlaidItemState[];
  /** Every API request that arrived, by path, with the body less client_id/secret. */
  readonly received: { path: string; body: Record<string, unknown> }[];
}

export interface PlaidEmulator extends StartedEmulator {
  readonly sandbox: BankSandbox;
  readonly controls: PlaidControls;
}

export interface PlaidEmulatorOptions {
  sandbox?: BankSandbox;
  clientId: string;
  secret: string;
  /** Default: 127.0.0.1 on a free port (tests); a launcher gives the sandbox a fixed one. */
  listen?: EmulatorListen | undefined;
  /**
   * How /link/token/get reports a linked session: `results` (item_add_results, Plaid's current
   * shape; the default) or the deprecated `on_success` that older Plaid integrations still receive.
   */
  linkSessionShape?: 'results' | 'on_success' | undefined;
}

interface PlaidErrorShape {
  status: number;
  error_type: string;
  error_code: string;
  error_message: string;
  display_message: string | null;
}

const ERRORS: Record<PlaidFailureKind | 'ITEM_NOT_FOUND' | 'INVALID_PUBLIC_TOKEN', PlaidErrorShape> = {
  RATE_LIMIT_EXCEEDED: {
    status: 429,
    error_type: 'RATE_LIMIT_EXCEEDED',
    error_code: 'RATE_LIMIT_EXCEEDED',
    error_message: 'rate limit exceeded for attempts to access this item. please try again later',
    display_message: null,
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    error_type: 'API_ERROR',
    error_code: 'INTERNAL_SERVER_ERROR',
    error_message: 'an unexpected error occurred',
    display_message: null,
  },
  INSTITUTION_DOWN: {
    status: 400,
    error_type: 'INSTITUTION_ERROR',
    error_code: 'INSTITUTION_DOWN',
    error_message: 'this institution is not currently responding to this request. please try again soon',
    display_message: 'This financial institution is not currently responding. Please try again later.',
  },
  ITEM_LOGIN_REQUIRED: {
    status: 400,
    error_type: 'ITEM_ERROR',
    error_code: 'ITEM_LOGIN_REQUIRED',
    error_message:
      "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
    display_message: 'The login details of this item have changed. Please log in again.',
  },
  INVALID_ACCESS_TOKEN: {
    status: 400,
    error_type: 'INVALID_INPUT',
    error_code: 'INVALID_ACCESS_TOKEN',
    error_message: 'provided access token is in an invalid format. expected format: access-<environment>-<identifier>',
    display_message: null,
  },
  TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION: {
    status: 400,
    error_type: 'TRANSACTIONS_ERROR',
    error_code: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
    error_message:
      'Underlying transaction data changed since last page was fetched. Please restart pagination from last update.',
    display_message: null,
  },
  ITEM_NOT_FOUND: {
    status: 400,
    error_type: 'INVALID_INPUT',
    error_code: 'ITEM_NOT_FOUND',
    error_message:
      'The Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user.',
    display_message: null,
  },
  INVALID_PUBLIC_TOKEN: {
    status: 400,
    error_type: 'INVALID_INPUT',
    error_code: 'INVALID_PUBLIC_TOKEN',
    error_message:
      'provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged',
    display_message: null,
  },
};

/** A request the emulator refuses: rendered as a Plaid error body. */
class PlaidFailure extends Error {
  constructor(
    readonly shape: PlaidErrorShape,
    message?: string,
  ) {
    super(message ?? shape.error_message);
  }
}

const invalid = (type: string, code: string, message: string) =>
  new PlaidFailure({ status: 400, error_type: type, error_code: code, error_message: message, display_message: null });

interface Item extends PlaidItemState {
  user: SandboxUser;
  products: string[];
  createdAt: string;
}

/** One pass of a user through Link, as /link/token/get reports it (Hosted Link sessions only). */
interface LinkSessionRecord {
  id: string;
  startedAt: string;
  finishedAt: string;
  /** Set when the user linked; unset when they left (an exit). */
  added?: { publicToken: string; item: Item };
}

interface LinkToken {
  token: string;
  webhook: string | null;
  products: string[];
  /** Update mode: the item being re-authenticated. */
  itemId?: string;
  expiresAt: number;
  createdAt: number;
  /** What /link/token/get echoes back as the token's metadata. */
  metadata: { countryCodes: string[]; language: string; clientName: string; redirectUri: string | null };
  /** Hosted Link: where the page sends the user when done. */
  hosted?: { completionRedirectUri: string | null };
  /** The Link sessions of a Hosted Link token, oldest first. */
  sessions: LinkSessionRecord[];
}

/** Where a /transactions/sync client is: changes after `after`, a loop over (after, snap], `offset` into it. */
interface SyncCursor {
  item: string;
  after: number;
  snap?: number;
  offset?: number;
}

type SyncEntry =
  | { kind: 'added' | 'modified'; seq: number; transaction: SandboxTransaction }
  | { kind: 'removed'; seq: number; transactionId: string; accountId: string };

const LINK_TOKEN_TTL_MS = 4 * 3600_000;
/** Plaid's default lifetime of a Hosted Link URL (and so of its link token), and its longest. */
const HOSTED_LINK_TTL_S = 30 * 60;
const HOSTED_LINK_MAX_TTL_S = 21 * 86_400;
const PUBLIC_TOKEN_TTL_MS = 30 * 60_000;

const requestId = () => randomBytes(8).toString('hex').slice(0, 15);
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startPlaidEmulator(options: PlaidEmulatorOptions): Promise<PlaidEmulator> {
  const sandbox = options.sandbox ?? new BankSandbox();
  const failures = new FailureBudget();
  let failureKind: PlaidFailureKind = 'INTERNAL_SERVER_ERROR';
  let interruptNextPage = false;
  const received: PlaidControls['received'] = [];
  const items = new Map<string, Item>();
  const byAccessToken = new Map<string, Item>();
  const linkTokens = new Map<string, LinkToken>();
  /** Hosted Link page id → its link token. */
  const hostedLinks = new Map<string, string>();
  let hostedUsername = 'user_good';
  let exitNextHosted = false;
  let selfUrl = '';
  const publicTokens = new Map<string, { item: Item; expiresAt: number }>();
  const keys: { kid: string; privateKey: KeyObject; jwk: Record<string, unknown> }[] = [];
  let syncCache: { key: string; entries: SyncEntry[] } | undefined;

  const newKey = () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomBytes(16).toString('hex');
    const { x, y } = publicKey.export({ format: 'jwk' });
    const jwk = {
      alg: 'ES256',
      crv: 'P-256',
      kid,
      kty: 'EC',
      use: 'sig',
      x,
      y,
      created_at: Math.floor(Date.now() / 1000),
      expired_at: null as number | null,
    };
    keys.push({ kid, privateKey, jwk });
    return kid;
  };
  newKey();
  const currentKey = () => keys[keys.length - 1]!;

  const createItem = (user: SandboxUser, webhook: string | null, products: string[]): Item => {
    const itemId = randomBytes(18).toString('base64url');
    const item: Item = {
      itemId,
      accessToken: `access-sandbox-${randomUUID()}`,
      username: user.username,
      institutionId: user.institution.id,
      webhook,
      loginRequired: false,
      removed: false,
      consentExpiresAt: null,
      user,
      products,
      createdAt: new Date().toISOString(),
    };
    items.set(itemId, item);
    byAccessToken.set(item.accessToken, item);
    return item;
  };

  const issuePublicToken = (item: Item) => {
    const token = `public-sandbox-${randomUUID()}`;
    publicTokens.set(token, { item, expiresAt: Date.now() + PUBLIC_TOKEN_TTL_MS });
    return token;
  };

  const login = (username: string, password: string, institutionId?: string): SandboxUser => {
    const user = sandbox.user(username);
    if (!user || user.password !== password) {
      throw new PlaidFailure({
        status: 400,
        error_type: 'ITEM_ERROR',
        error_code: 'INVALID_CREDENTIALS',
        error_message: 'the provided credentials were not correct',
        display_message: 'The provided credentials were not correct. Please try again.',
      });
    }
    if (institutionId && user.institution.id !== institutionId) {
      throw invalid('INVALID_INPUT', 'INVALID_INSTITUTION', `invalid institution_id provided: ${institutionId}`);
    }
    return user;
  };

  const itemFor = (body: Record<string, unknown>, opts: { allowLoginRequired?: boolean } = {}): Item => {
    const token = body.access_token;
    if (typeof token !== 'string' || !token) {
      throw invalid('INVALID_REQUEST', 'MISSING_FIELDS', 'the following required fields are missing: access_token');
    }
    const item = byAccessToken.get(token);
    if (!item) throw new PlaidFailure(ERRORS.INVALID_ACCESS_TOKEN);
    if (item.removed) throw new PlaidFailure(ERRORS.ITEM_NOT_FOUND);
    if (item.loginRequired && !opts.allowLoginRequired) throw new PlaidFailure(ERRORS.ITEM_LOGIN_REQUIRED);
    return item;
  };

  const renderItem = (item: Item) => ({
    item_id: item.itemId,
    institution_id: item.institutionId,
    institution_name: item.user.institution.name,
    webhook: item.webhook,
    auth_method: null,
    error: item.loginRequired ? errorBody(ERRORS.ITEM_LOGIN_REQUIRED) : null,
    available_products: ['balance', 'auth', 'identity'],
    billed_products: item.products,
    products: item.products,
    consented_products: item.products,
    consent_expiration_time: item.consentExpiresAt,
    update_type: 'background',
    created_at: item.createdAt,
  });

  const signWebhook = (body: string | Buffer, opts: PlaidSignOptions = {}): string => {
    const key = currentKey();
    const alg = opts.alg ?? 'ES256';
    const header = b64url(JSON.stringify({ alg, kid: opts.kid ?? key.kid, typ: 'JWT' }));
    const claims = b64url(
      JSON.stringify({
        iat: Math.floor((opts.issuedAt ?? new Date()).getTime() / 1000),
        request_body_sha256: createHash('sha256')
          .update(opts.claimBody ?? body)
          .digest('hex'),
      }),
    );
    if (alg === 'none') return `${header}.${claims}.`;
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
      key: opts.signingKey ?? key.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${header}.${claims}.${b64url(signature)}`;
  };

  const webhookFor: PlaidControls['webhookFor'] = (payload, opts) => {
    // Plaid sends its webhook bodies pretty-printed; the signature covers exactly these bytes.
    const body = JSON.stringify({ environment: 'sandbox', ...payload }, null, 2);
    return { body, verification: signWebhook(body, opts) };
  };

  const sendWebhook: PlaidControls['sendWebhook'] = async (url, payload, opts) => {
    const { body: rawBody, verification } = webhookFor(payload, opts);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'plaid-verification': verification },
      body: rawBody,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text(), rawBody, verification };
  };

  /** The net changes of (after, snap] for an item, one entry per transaction, in the order of their last change. */
  const syncEntries = (item: Item, after: number, snap: number): SyncEntry[] => {
    const key = `${item.itemId}:${after}:${snap}`;
    if (syncCache?.key === key) return syncCache.entries;
    const accountIds = item.user.accounts.map((a) => a.id);
    const byId = new Map<string, { existedBefore: boolean; last: SyncEntry }>();
    for (const change of sandbox.changesSince(accountIds, after)) {
      if (change.seq > snap) break;
      const id = change.kind === 'removed' ? change.transactionId : change.transaction.id;
      const seen = byId.get(id);
      const last: SyncEntry =
        change.kind === 'removed'
          ? { kind: 'removed', seq: change.seq, transactionId: id, accountId: change.accountId }
          : { kind: change.kind, seq: change.seq, transaction: change.transaction };
      if (seen) {
        byId.delete(id); // re-inserted below so the map stays ordered by last change
        byId.set(id, { existedBefore: seen.existedBefore, last });
      } else byId.set(id, { existedBefore: change.kind !== 'added', last });
    }
    const entries: SyncEntry[] = [];
    for (const { existedBefore, last } of byId.values()) {
      if (last.kind === 'removed') {
        if (existedBefore) entries.push(last);
      } else entries.push({ ...last, kind: existedBefore ? 'modified' : 'added' });
    }
    syncCache = { key, entries };
    return entries;
  };

  const encodeCursor = (c: SyncCursor) => b64url(JSON.stringify(c));
  const decodeCursor = (text: string, item: Item): SyncCursor => {
    if (!text) return { item: item.itemId, after: 0 };
    try {
      const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as SyncCursor;
      if (c.item === item.itemId && Number.isInteger(c.after)) return c;
    } catch {
      // falls through to the refusal below
    }
    throw invalid('INVALID_REQUEST', 'INVALID_FIELD', 'cursor is not valid for this item');
  };

  const routes: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    '/link/token/create': (body) => {
      const user = body.user as { client_user_id?: unknown } | undefined;
      if (typeof user?.client_user_id !== 'string' || !user.client_user_id) {
        throw invalid(
          'INVALID_REQUEST',
          'MISSING_FIELDS',
          'the following required fields are missing: user.client_user_id',
        );
      }
      if (typeof body.client_name !== 'string' || !Array.isArray(body.country_codes) || !body.language) {
        throw invalid('INVALID_REQUEST', 'MISSING_FIELDS', 'client_name, country_codes and language are required');
      }
      const updating = typeof body.access_token === 'string' ? itemFor(body, { allowLoginRequired: true }) : undefined;
      const products = Array.isArray(body.products) ? (body.products as string[]) : [];
      if (!updating && products.length === 0) {
        throw invalid('INVALID_REQUEST', 'MISSING_FIELDS', 'products are required unless access_token is given');
      }
      const hosted = hostedLinkOptions(body.hosted_link);
      const token = `link-sandbox-${randomUUID()}`;
      const now = Date.now();
      // A Hosted Link token ends with its URL (30 minutes unless url_lifetime_seconds says otherwise).
      const expiresAt = now + (hosted ? hosted.lifetimeSeconds * 1000 : LINK_TOKEN_TTL_MS);
      const hostedId = hosted ? randomBytes(18).toString('base64url') : undefined;
      linkTokens.set(token, {
        token,
        webhook: typeof body.webhook === 'string' ? body.webhook : null,
        products,
        ...(updating ? { itemId: updating.itemId } : {}),
        expiresAt,
        createdAt: now,
        metadata: {
          countryCodes: body.country_codes as string[],
          language: String(body.language),
          clientName: body.client_name,
          redirectUri: typeof body.redirect_uri === 'string' ? body.redirect_uri : null,
        },
        ...(hosted ? { hosted: { completionRedirectUri: hosted.completionRedirectUri } } : {}),
        sessions: [],
      });
      if (hostedId) hostedLinks.set(hostedId, token);
      if (updating && typeof body.webhook === 'string') updating.webhook = body.webhook;
      return {
        link_token: token,
        expiration: plaidTime(expiresAt),
        ...(hostedId ? { hosted_link_url: `${selfUrl}/hl/${hostedId}` } : {}),
      };
    },

    '/link/token/get': (body) => {
      const link = linkTokens.get(typeof body.link_token === 'string' ? body.link_token : '');
      if (!link) throw invalid('INVALID_INPUT', 'INVALID_LINK_TOKEN', 'provided link token is in an invalid format');
      return {
        link_token: link.token,
        created_at: plaidTime(link.createdAt),
        expiration: plaidTime(link.expiresAt),
        metadata: {
          initial_products: link.products,
          webhook: link.webhook,
          country_codes: link.metadata.countryCodes,
          language: link.metadata.language,
          redirect_uri: link.metadata.redirectUri,
          client_name: link.metadata.clientName,
        },
        ...(link.hosted
          ? { link_sessions: link.sessions.map((x) => renderLinkSession(x, options.linkSessionShape ?? 'results')) }
          : {}),
      };
    },

    '/sandbox/public_token/create': (body) => {
      const institutionId = body.institution_id;
      const products = body.initial_products;
      if (typeof institutionId !== 'string' || !Array.isArray(products) || products.length === 0) {
        throw invalid(
          'INVALID_REQUEST',
          'MISSING_FIELDS',
          'the following required fields are missing: institution_id, initial_products',
        );
      }
      const opts = (body.options ?? {}) as { webhook?: string; override_username?: string; override_password?: string };
      const user = login(opts.override_username ?? 'user_good', opts.override_password ?? 'pass_good', institutionId);
      const item = createItem(user, opts.webhook ?? null, products as string[]);
      return { public_token: issuePublicToken(item) };
    },

    '/item/public_token/exchange': (body) => {
      const token = typeof body.public_token === 'string' ? body.public_token : '';
      const issued = publicTokens.get(token);
      if (!issued || issued.expiresAt < Date.now()) throw new PlaidFailure(ERRORS.INVALID_PUBLIC_TOKEN);
      publicTokens.delete(token); // single use
      return { access_token: issued.item.accessToken, item_id: issued.item.itemId };
    },

    '/accounts/get': (body) => {
      const item = itemFor(body);
      return { accounts: item.user.accounts.map(renderAccount), item: renderItem(item) };
    },

    '/transactions/sync': (body) => {
      const item = itemFor(body);
      const count = body.count === undefined ? 100 : Number(body.count);
      if (!Number.isInteger(count) || count < 1 || count > 500) {
        throw invalid('INVALID_REQUEST', 'INVALID_FIELD', 'count must be an integer between 1 and 500');
      }
      const cursor = decodeCursor(typeof body.cursor === 'string' ? body.cursor : '', item);
      if (cursor.snap !== undefined) {
        const accountIds = item.user.accounts.map((a) => a.id);
        const mutated = sandbox.head > cursor.snap && sandbox.changesSince(accountIds, cursor.snap).length > 0;
        if (mutated || interruptNextPage) {
          interruptNextPage = false;
          throw new PlaidFailure(ERRORS.TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION);
        }
      }
      const snap = cursor.snap ?? sandbox.head;
      const offset = cursor.offset ?? 0;
      const entries = syncEntries(item, cursor.after, snap);
      const page = entries.slice(offset, offset + count);
      const hasMore = offset + count < entries.length;
      const next: SyncCursor = hasMore
        ? { item: item.itemId, after: cursor.after, snap, offset: offset + count }
        : { item: item.itemId, after: snap };
      return {
        transactions_update_status: 'HISTORICAL_UPDATE_COMPLETE',
        accounts: item.user.accounts.map(renderAccount),
        added: page.flatMap((e) => (e.kind === 'added' ? [renderTransaction(e.transaction)] : [])),
        modified: page.flatMap((e) => (e.kind === 'modified' ? [renderTransaction(e.transaction)] : [])),
        removed: page.flatMap((e) =>
          e.kind === 'removed' ? [{ transaction_id: e.transactionId, account_id: e.accountId }] : [],
        ),
        next_cursor: encodeCursor(next),
        has_more: hasMore,
      };
    },

    '/item/get': (body) => {
      const item = itemFor(body, { allowLoginRequired: true });
      return { item: renderItem(item), status: null };
    },

    '/item/remove': (body) => {
      const item = itemFor(body, { allowLoginRequired: true });
      item.removed = true;
      return {};
    },

    '/institutions/get_by_id': (body) => {
      const institution = [...items.values(), { user: sandbox.user('user_good') }]
        .map((i) => i.user?.institution)
        .find((i) => i?.id === body.institution_id);
      if (!institution) {
        throw invalid(
          'INVALID_INPUT',
          'INVALID_INSTITUTION',
          `invalid institution_id provided: ${String(body.institution_id)}`,
        );
      }
      return {
        institution: {
          institution_id: institution.id,
          name: institution.name,
          products: ['transactions', 'auth', 'balance', 'identity'],
          country_codes: Array.isArray(body.country_codes) ? body.country_codes : ['US'],
          routing_numbers: [],
          oauth: false,
        },
      };
    },

    '/webhook_verification_key/get': (body) => {
      const key = keys.find((k) => k.kid === body.key_id);
      if (!key) {
        throw invalid('INVALID_INPUT', 'INVALID_WEBHOOK_VERIFICATION_KEY_ID', 'invalid key_id provided');
      }
      return { key: key.jwk };
    },

    '/sandbox/item/reset_login': (body) => {
      itemFor(body, { allowLoginRequired: true }).loginRequired = true;
      return { reset_login: true };
    },

    '/sandbox/item/fire_webhook': (body) => {
      const item = itemFor(body, { allowLoginRequired: true });
      const code = typeof body.webhook_code === 'string' ? body.webhook_code : '';
      if (!item.webhook) throw invalid('INVALID_INPUT', 'SANDBOX_WEBHOOK_INVALID', 'the item has no webhook');
      const type =
        typeof body.webhook_type === 'string'
          ? body.webhook_type
          : code === 'SYNC_UPDATES_AVAILABLE'
            ? 'TRANSACTIONS'
            : 'ITEM';
      const extra: Record<string, unknown> =
        code === 'SYNC_UPDATES_AVAILABLE'
          ? { initial_update_complete: true, historical_update_complete: true }
          : code === 'ERROR'
            ? { error: errorBody(ERRORS.ITEM_LOGIN_REQUIRED) }
            : code === 'PENDING_EXPIRATION'
              ? {
                  consent_expiration_time: item.consentExpiresAt ?? new Date(Date.now() + 7 * 86_400_000).toISOString(),
                }
              : {};
      // Fired after the answer, as Plaid does; a receiver that is down is the test's business.
      setImmediate(() => {
        sendWebhook(item.webhook!, { webhook_type: type, webhook_code: code, item_id: item.itemId, ...extra }).catch(
          () => undefined,
        );
      });
      return { webhook_fired: true };
    },
  };

  /** The user goes through Link for this token: an item (update mode: the same one, login restored) and a public token. */
  const linkAs = (link: LinkToken, credentials: { username: string; password: string }): string => {
    let item: Item;
    if (link.itemId) {
      item = requireItem(link.itemId);
      login(credentials.username, credentials.password, item.institutionId);
      item.loginRequired = false;
    } else {
      item = createItem(login(credentials.username, credentials.password), link.webhook, link.products);
    }
    const publicToken = issuePublicToken(item);
    if (link.hosted) recordSession(link, { publicToken, item });
    return publicToken;
  };

  const recordSession = (link: LinkToken, added?: LinkSessionRecord['added']) => {
    const at = new Date().toISOString();
    link.sessions.push({ id: randomUUID(), startedAt: at, finishedAt: at, ...(added ? { added } : {}) });
  };

  /**
   * The hosted Link page: the sandbox user signs in and links (or leaves, after exitNextHostedLink),
   * and the browser goes to completion_redirect_uri. Opening it again after linking only sends the
   * user back (a reload does not link a second item); after leaving, the user can try again.
   */
  const hostedLinkPage = (id: string, res: ServerResponse) => {
    const link = linkTokens.get(hostedLinks.get(id) ?? '');
    if (!link || link.expiresAt < Date.now()) {
      sendError(res, invalid('INVALID_INPUT', 'INVALID_LINK_TOKEN', 'this Link session has expired'));
      return;
    }
    if (!link.sessions.some((session) => session.added)) {
      if (exitNextHosted) {
        exitNextHosted = false;
        recordSession(link);
      } else {
        const user = sandbox.user(hostedUsername);
        if (!user) throw new Error(`no sandbox user ${hostedUsername}`);
        linkAs(link, user);
      }
    }
    const back = link.hosted?.completionRedirectUri;
    if (back) {
      res.writeHead(302, { location: back, 'content-length': 0 });
      res.end();
      return;
    }
    const page = '<!doctype html><title>Plaid</title><p>All done. You can close this window.</p>';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
    res.end(page);
  };

  const started = await startHttpEmulator((req, raw, res) => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const hostedPage = /^\/hl\/([A-Za-z0-9_-]+)$/.exec(path);
    if (req.method === 'GET' && hostedPage) {
      hostedLinkPage(hostedPage[1]!, res);
      return;
    }
    const route = routes[path];
    if (req.method !== 'POST' || !route) {
      sendError(res, invalid('INVALID_REQUEST', 'NOT_FOUND', `unknown route ${req.method} ${path}`), 404);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      sendError(res, invalid('INVALID_REQUEST', 'INVALID_BODY', 'body could not be parsed as JSON'));
      return;
    }
    const { client_id: bodyClientId, secret: bodySecret, ...rest } = body;
    received.push({ path, body: rest });
    // Plaid takes the keys in the body or in the PLAID-CLIENT-ID / PLAID-SECRET headers.
    const clientId = bodyClientId ?? req.headers['plaid-client-id'];
    const secret = bodySecret ?? req.headers['plaid-secret'];
    if (!clientId || !secret) {
      sendError(
        res,
        invalid('INVALID_REQUEST', 'MISSING_FIELDS', 'the following required fields are missing: client_id, secret'),
      );
      return;
    }
    if (clientId !== options.clientId || secret !== options.secret) {
      sendError(res, invalid('INVALID_INPUT', 'INVALID_API_KEYS', 'invalid client_id or secret provided'));
      return;
    }
    if (!path.startsWith('/sandbox/')) {
      const failedWith = failures.take();
      if (failedWith) {
        sendError(res, new PlaidFailure(ERRORS[failureKind]));
        return;
      }
    }
    try {
      sendJson(res, 200, { ...route(rest), request_id: requestId() });
    } catch (err) {
      if (err instanceof PlaidFailure) sendError(res, err);
      else throw err;
    }
  }, options.listen);
  selfUrl = started.url;

  const requireItem = (itemId: string): Item => {
    const item = items.get(itemId);
    if (!item) throw new Error(`no emulated Plaid item ${itemId}`);
    return item;
  };

  const controls: PlaidControls = {
    failNext(count, kind = 'INTERNAL_SERVER_ERROR') {
      failureKind = kind;
      failures.failNext(count, ERRORS[kind].status);
    },
    requireLogin: (itemId) => void (requireItem(itemId).loginRequired = true),
    restoreLogin: (itemId) => void (requireItem(itemId).loginRequired = false),
    interruptPagination: () => void (interruptNextPage = true),
    completeLink(linkToken, credentials = { username: 'user_good', password: 'pass_good' }) {
      const link = linkTokens.get(linkToken);
      if (!link || link.expiresAt < Date.now()) throw new Error('unknown or expired link token');
      return linkAs(link, credentials);
    },
    signInAs(name) {
      if (!sandbox.user(name)) throw new Error(`no sandbox user ${name}`);
      hostedUsername = name;
    },
    exitNextHostedLink: () => void (exitNextHosted = true),
    signWebhook,
    webhookFor,
    sendWebhook,
    rotateWebhookKey() {
      currentKey().jwk.expired_at = Math.floor(Date.now() / 1000);
      return newKey();
    },
    setConsentExpiration: (itemId, at) => void (requireItem(itemId).consentExpiresAt = at ? at.toISOString() : null),
    item(itemId) {
      const item = items.get(itemId);
      if (!item) return undefined;
      const { user: _user, products: _products, createdAt: _createdAt, ...state } = item;
      return { ...state };
    },
    items() {
      return [...items.keys()].map((id) => controls.item(id)!);
    },
    received,
  };

  return { ...started, sandbox, controls };
}

/** Plaid's ISO 8601 instants, to the second. */
const plaidTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** The `hosted_link` object of /link/token/create (it may be empty), or undefined when not sent. */
function hostedLinkOptions(
  value: unknown,
): { completionRedirectUri: string | null; lifetimeSeconds: number } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw invalid('INVALID_REQUEST', 'INVALID_FIELD', 'hosted_link must be an object');
  const o = value as { completion_redirect_uri?: unknown; url_lifetime_seconds?: unknown; is_mobile_app?: unknown };
  const uri = o.completion_redirect_uri;
  if (uri !== undefined && (typeof uri !== 'string' || !URL.canParse(uri))) {
    throw invalid('INVALID_REQUEST', 'INVALID_FIELD', 'hosted_link.completion_redirect_uri must be a URI');
  }
  const lifetime = o.url_lifetime_seconds ?? HOSTED_LINK_TTL_S;
  if (!Number.isInteger(lifetime) || (lifetime as number) < 1 || (lifetime as number) > HOSTED_LINK_MAX_TTL_S) {
    throw invalid('INVALID_REQUEST', 'INVALID_FIELD', 'hosted_link.url_lifetime_seconds must be between 1 and 21 days');
  }
  if (o.is_mobile_app !== undefined && typeof o.is_mobile_app !== 'boolean') {
    throw invalid('INVALID_REQUEST', 'INVALID_FIELD', 'hosted_link.is_mobile_app must be a boolean');
  }
  return { completionRedirectUri: typeof uri === 'string' ? uri : null, lifetimeSeconds: lifetime as number };
}

/** A Link session as /link/token/get reports it: `results` (or the older `on_success`), or `exit`. */
function renderLinkSession(s: LinkSessionRecord, shape: 'results' | 'on_success') {
  const added = s.added;
  const institution = added
    ? { name: added.item.user.institution.name, institution_id: added.item.institutionId }
    : null;
  const accounts = added
    ? added.item.user.accounts.map((a) => {
        const { type, subtype } = ACCOUNT_TYPES[a.kind];
        return { id: a.id, name: a.name, mask: a.mask, type, subtype, verification_status: null };
      })
    : [];
  const exit = added ? null : { error: null, metadata: { institution: null, status: null, link_session_id: s.id } };
  return {
    link_session_id: s.id,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    results:
      added && shape === 'results'
        ? {
            item_add_results: [{ public_token: added.publicToken, accounts, institution }],
            cra_item_add_results: [],
            cra_update_results: [],
            bank_income_results: [],
            payroll_income_results: [],
            document_income_results: null,
          }
        : null,
    on_success:
      added && shape === 'on_success'
        ? { public_token: added.publicToken, metadata: { institution, accounts, link_session_id: s.id } }
        : null,
    exit,
    on_exit: exit,
    events: [],
  };
}

function errorBody(shape: PlaidErrorShape) {
  const { status: _status, ...fields } = shape;
  return {
    ...fields,
    request_id: requestId(),
    causes: [],
    status: shape.status,
    documentation_url: '',
    suggested_action: null,
  };
}

function sendError(res: ServerResponse, failure: PlaidFailure, status = failure.shape.status): void {
  sendJson(res, status, { ...errorBody(failure.shape), error_message: failure.message, status });
}

const ACCOUNT_TYPES: Record<SandboxAccount['kind'], { type: string; subtype: string }> = {
  CHECKING: { type: 'depository', subtype: 'checking' },
  SAVINGS: { type: 'depository', subtype: 'savings' },
  CREDIT_CARD: { type: 'credit', subtype: 'credit card' },
  LOAN: { type: 'loan', subtype: 'mortgage' },
  INVESTMENT: { type: 'investment', subtype: 'brokerage' },
  OTHER: { type: 'other', subtype: 'other' },
};

function renderAccount(a: SandboxAccount) {
  const current = Number(a.currentBalance);
  const available = Number(a.availableBalance);
  return {
    account_id: a.id,
    balances: {
      available,
      current,
      // A card's limit is what is owed plus what is still available.
      limit: a.kind === 'CREDIT_CARD' ? Math.round((current + available) * 100) / 100 : null,
      iso_currency_code: a.currency,
      unofficial_currency_code: null,
    },
    mask: a.mask,
    name: a.name,
    official_name: a.name,
    ...ACCOUNT_TYPES[a.kind],
  };
}

/** Plaid's sign convention: positive amounts are money out of the account, negative money in. */
function renderTransaction(t: SandboxTransaction) {
  const amount = Number(t.amount);
  return {
    account_id: t.accountId,
    account_owner: null,
    amount: t.direction === 'OUT' ? amount : -amount,
    iso_currency_code: t.currency,
    unofficial_currency_code: null,
    category: null,
    category_id: null,
    check_number: null,
    date: t.bookedOn,
    authorized_date: t.bookedOn,
    authorized_datetime: null,
    datetime: null,
    location: {
      address: null,
      city: null,
      region: null,
      postal_code: null,
      country: null,
      lat: null,
      lon: null,
      store_number: null,
    },
    merchant_name: t.merchant ?? null,
    name: t.description,
    payment_channel: 'in store',
    payment_meta: {
      by_order_of: null,
      payee: null,
      payer: null,
      payment_method: null,
      payment_processor: null,
      ppd_id: null,
      reason: null,
      reference_number: null,
    },
    pending: t.pending,
    pending_transaction_id: t.pendingTransactionId ?? null,
    transaction_code: null,
    transaction_id: t.id,
    transaction_type: 'place',
    logo_url: null,
    website: null,
  };
}
