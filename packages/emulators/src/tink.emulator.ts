// Tink's API and Tink Link, locally, over the shared sandbox bank: client-credentials tokens, user
// create, delegated authorization grants, the Tink Link URL (signs the sandbox user in at the sandbox
// bank and answers 302 to the redirect URI with code and state, as Tink Link does after consent), the
// code → user token exchange with refresh tokens, /data/v2/accounts and /data/v2/transactions paged by
// pageToken (amounts as unscaledValue + scale strings, BOOKED/PENDING status), user deletion, Tink's
// error bodies, and webhooks signed with `X-Tink-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>`.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BankSandbox, type SandboxAccount, type SandboxTransaction, type SandboxUser } from './bank.sandbox.js';
import { FailureBudget, sendJson, startHttpEmulator, type EmulatorListen } from './http.emulator.js';

/** What the next data call(s) fail with, in Tink's words. */
export type TinkFailureKind =
  /** 429 RATE_LIMIT_EXCEEDED (Retry-After: 1) */
  | 'rate_limited'
  /** 500 INTERNAL_SERVER_ERROR */
  | 'server_error'
  /** 503 SERVICE_UNAVAILABLE */
  | 'unavailable'
  /** 401 TOKEN_EXPIRED: the user access token is refused (a refresh fixes it) */
  | 'expired_token'
  /** 403 CREDENTIALS_AUTHENTICATION_ERROR: the bank wants the user to authenticate again */
  | 'login_required'
  /** 403 CREDENTIALS_SESSION_EXPIRED: the consent (the 90/180-day session) ran out */
  | 'consent_expired';

export interface TinkEmulatorOptions {
  /** The bank the emulator serves (a fresh one with the default user when absent). */
  sandbox?: BankSandbox | undefined;
  clientId: string;
  clientSecret: string;
  /** Signs the webhooks (the secret Tink gives when a webhook endpoint is created). */
  webhookSecret: string;
  /** The sandbox user Tink Link signs in (default user_good). */
  username?: string | undefined;
  /** User access token lifetime (default 7200 s). */
  accessTokenTtlSeconds?: number | undefined;
  /** Consent lifetime (default 90 days). */
  consentDays?: number | undefined;
  /** Largest page of /data/v2/transactions (default 100; Tink's own maximum). */
  maxPageSize?: number | undefined;
  /** Where the API and Tink Link listen (default 127.0.0.1 on a free port; a launcher fixes it). */
  listen?: EmulatorListen | undefined;
}

/** One Tink user of this client: created by user/create, linked to the sandbox bank by Tink Link. */
export interface TinkUser {
  userId: string;
  externalUserId: string;
  market: string;
  locale: string;
  /** The sandbox login Tink Link connected, once the user went through it. */
  username?: string | undefined;
  credentialsId?: string | undefined;
  consentExpiresAt?: Date | undefined;
  deleted: boolean;
  /** The bank wants the user to authenticate again: data calls answer CREDENTIALS_AUTHENTICATION_ERROR. */
  loginExpired: boolean;
}

export interface TinkRequest {
  method: string;
  path: string;
  /** The query string, without '?'. */
  query: string;
  status: number;
  grantType?: string | undefined;
}

export interface TinkSignedWebhook {
  /** Lower-cased header names, as a server receives them. */
  headers: Record<string, string>;
  body: string;
}

export interface TinkEmulator {
  /** Where the API lives (api.tink.com's stand-in). */
  apiUrl: string;
  /** Where Tink Link lives (link.tink.com's stand-in). */
  linkUrl: string;
  sandbox: BankSandbox;
  readonly requests: TinkRequest[];
  /** The user by Tink user id. */
  user(userId: string): TinkUser | undefined;
  /** Every user created so far. */
  users(): TinkUser[];
  /** The next `count` data calls fail with `kind` (default unavailable). */
  failNext(count: number, kind?: TinkFailureKind): void;
  /** User access tokens issued so far (for one user, or all) are refused from now on. */
  expireAccessToken(userId?: string): void;
  /** The consent ran out: data calls answer CREDENTIALS_SESSION_EXPIRED. */
  expireConsent(userId?: string): void;
  /** The bank session ended: data calls answer CREDENTIALS_AUTHENTICATION_ERROR until linked again. */
  expireLogin(userId?: string): void;
  /** Tink Link signs this sandbox user in from now on. */
  signInAs(username: string): void;
  /** A webhook body in Tink's shape: { context: { userId, externalUserId }, content, event }. */
  event(event: string, userId: string, content?: Record<string, unknown>): Record<string, unknown>;
  /** Signs a webhook body (`at` sets its timestamp, to make a stale one). */
  signWebhook(payload: unknown, options?: { at?: Date }): TinkSignedWebhook;
  /** Signs and POSTs a webhook to `url`; answers the receiver's status and what was sent. */
  sendWebhook(url: string, payload: unknown, options?: { at?: Date }): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

interface Token {
  kind: 'client' | 'user';
  userId?: string | undefined;
  scopes: string[];
  expiresAt: number;
  refused: boolean;
}

interface Code {
  userId: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  /** Delegated codes open Tink Link; user codes are exchanged for a user token. */
  kind: 'delegated' | 'user';
  redirectUri?: string | undefined;
}

const FAILURES: Record<TinkFailureKind, { status: number; code: string; message: string }> = {
  rate_limited: { status: 429, code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests.' },
  server_error: { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' },
  unavailable: { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable.' },
  expired_token: { status: 401, code: 'TOKEN_EXPIRED', message: 'The access token has expired.' },
  login_required: {
    status: 403,
    code: 'CREDENTIALS_AUTHENTICATION_ERROR',
    message: 'The bank requires the user to authenticate again.',
  },
  consent_expired: {
    status: 403,
    code: 'CREDENTIALS_SESSION_EXPIRED',
    message: 'The consent has expired: the user must reconnect.',
  },
};

const CODE_TTL_MS = 10 * 60_000;
const CLIENT_TOKEN_TTL_MS = 1800_000;

function tinkError(res: ServerResponse, status: number, errorCode: string, errorMessage: string): void {
  sendJson(res, status, { errorMessage, errorCode, errorId: randomUUID() });
}

/** "12.34" OUT → { unscaledValue: "-1234", scale: "2" }: exact, by string. */
export function tinkAmount(amount: string, negative: boolean): { unscaledValue: string; scale: string } {
  const [int, fraction = ''] = amount.replace(/^-/, '').split('.') as [string, string?];
  const digits = `${int}${fraction}`.replace(/^0+(?=\d)/, '');
  const zero = /^0*$/.test(digits);
  return { unscaledValue: `${negative && !zero ? '-' : ''}${digits}`, scale: String(fraction.length) };
}

function accountType(a: SandboxAccount): string {
  return a.kind === 'OTHER' ? 'OTHER' : a.kind;
}

export async function startTinkEmulator(options: TinkEmulatorOptions): Promise<TinkEmulator> {
  const sandbox = options.sandbox ?? new BankSandbox();
  const accessTtlMs = (options.accessTokenTtlSeconds ?? 7200) * 1000;
  const consentMs = (options.consentDays ?? 90) * 86_400_000;
  const maxPageSize = options.maxPageSize ?? 100;
  let username = options.username ?? 'user_good';

  const requests: TinkRequest[] = [];
  const failures = new FailureBudget();
  let failureKind: TinkFailureKind = 'unavailable';
  const users = new Map<string, TinkUser>();
  const tokens = new Map<string, Token>();
  const codes = new Map<string, Code>();
  /** Refresh token → user id. */
  const refreshTokens = new Map<string, string>();

  function issue(kind: Token['kind'], scopes: string[], userId?: string) {
    const accessToken = randomBytes(24).toString('base64url');
    const ttl = kind === 'client' ? CLIENT_TOKEN_TTL_MS : accessTtlMs;
    tokens.set(accessToken, { kind, userId, scopes, expiresAt: Date.now() + ttl, refused: false });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: Math.floor(ttl / 1000),
      scope: scopes.join(','),
    };
    if (kind === 'user') {
      const refresh = randomBytes(24).toString('base64url');
      refreshTokens.set(refresh, userId!);
      body.refresh_token = refresh;
      body.id_hint = users.get(userId!)?.externalUserId;
    }
    return body;
  }

  function bearer(req: IncomingMessage): Token | undefined {
    const h = req.headers.authorization;
    const t = h?.startsWith('Bearer ') ? tokens.get(h.slice(7)) : undefined;
    return t && !t.refused && t.expiresAt > Date.now() ? t : undefined;
  }

  const server = await startHttpEmulator((req, raw, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const entry: TinkRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      status: 200,
    };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const route = `${req.method} ${url.pathname}`;

    if (route === 'GET /link/1.0/transactions/connect-accounts') return tinkLink(url, res);
    if (route === 'POST /api/v1/oauth/token') {
      const form = new URLSearchParams(raw.toString('utf8'));
      entry.grantType = form.get('grant_type') ?? undefined;
      return token(form, res);
    }
    const token_ = bearer(req);
    if (!token_) return tinkError(res, 401, 'TOKEN_INVALID', 'The access token is missing, invalid or expired.');

    if (route === 'POST /api/v1/user/create') {
      if (token_.kind !== 'client' || !token_.scopes.includes('user:create')) {
        return tinkError(res, 403, 'SCOPE_MISSING', 'The token lacks the scope user:create.');
      }
      let body: { external_user_id?: unknown; market?: unknown; locale?: unknown };
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        return tinkError(res, 400, 'REQUEST_INVALID', 'The body must be JSON.');
      }
      if (typeof body.market !== 'string' || !/^[A-Z]{2}$/.test(body.market)) {
        return tinkError(res, 400, 'REQUEST_INVALID', 'market must be an ISO 3166-1 alpha-2 code.');
      }
      const externalUserId = typeof body.external_user_id === 'string' ? body.external_user_id : '';
      if ([...users.values()].some((u) => !u.deleted && u.externalUserId === externalUserId && externalUserId)) {
        return tinkError(res, 409, 'USER_ALREADY_EXISTS', 'A user with this external_user_id already exists.');
      }
      const userId = randomBytes(16).toString('hex');
      users.set(userId, {
        userId,
        externalUserId,
        market: body.market,
        locale: typeof body.locale === 'string' ? body.locale : 'en_US',
        deleted: false,
        loginExpired: false,
      });
      return sendJson(res, 200, { external_user_id: externalUserId, user_id: userId });
    }
    if (route === 'POST /api/v1/oauth/authorization-grant/delegate') {
      if (token_.kind !== 'client' || !token_.scopes.includes('authorization:grant')) {
        return tinkError(res, 403, 'SCOPE_MISSING', 'The token lacks the scope authorization:grant.');
      }
      const form = new URLSearchParams(raw.toString('utf8'));
      const user = userOf(form);
      if (!user) return tinkError(res, 404, 'USER_NOT_FOUND', 'No such user.');
      if (form.get('actor_client_id') === null || !form.get('id_hint')) {
        return tinkError(res, 400, 'REQUEST_INVALID', 'actor_client_id and id_hint are required.');
      }
      const code = randomBytes(20).toString('hex');
      const scopes = (form.get('scope') ?? '').split(',').filter(Boolean);
      codes.set(code, {
        userId: user.userId,
        scopes,
        expiresAt: Date.now() + CODE_TTL_MS,
        used: false,
        kind: 'delegated',
      });
      return sendJson(res, 200, { code });
    }

    // Everything below acts for one user with a user token.
    if (token_.kind !== 'user') return tinkError(res, 403, 'SCOPE_MISSING', 'A user access token is required.');
    const user = users.get(token_.userId!)!;
    if (user.deleted) return tinkError(res, 401, 'TOKEN_INVALID', 'The user no longer exists.');
    if (route === 'DELETE /api/v1/user') {
      user.deleted = true;
      for (const t of tokens.values()) if (t.userId === user.userId) t.refused = true;
      res.writeHead(204).end();
      return;
    }
    if (failures.take() !== undefined) {
      const f = FAILURES[failureKind];
      if (f.status === 429) res.setHeader('retry-after', '1');
      return tinkError(res, f.status, f.code, f.message);
    }
    if (user.loginExpired) {
      return tinkError(res, 403, FAILURES.login_required.code, FAILURES.login_required.message);
    }
    if (user.consentExpiresAt && user.consentExpiresAt.getTime() <= Date.now()) {
      return tinkError(res, 403, FAILURES.consent_expired.code, FAILURES.consent_expired.message);
    }
    const bank = user.username ? sandbox.user(user.username) : undefined;
    if (route === 'GET /api/v1/user') {
      return sendJson(res, 200, {
        id: user.userId,
        externalUserId: user.externalUserId,
        profile: { market: user.market, locale: user.locale },
      });
    }
    if (route === 'GET /api/v1/credentials/list') {
      return sendJson(res, 200, {
        credentials: bank
          ? [
              {
                id: user.credentialsId,
                providerName: providerName(bank, user.market),
                status: 'UPDATED',
                statusUpdated: Date.now(),
                updated: Date.now(),
                sessionExpiryDate: user.consentExpiresAt?.getTime() ?? null,
                userId: user.userId,
              },
            ]
          : [],
      });
    }
    const provider = /^GET \/api\/v1\/providers\/([A-Z]{2})\/([^/]+)$/.exec(route);
    if (provider) {
      const found = [...new Set([username, user.username])]
        .map((name) => (name ? sandbox.user(name) : undefined))
        .find((u) => u && providerName(u, provider[1]!) === decodeURIComponent(provider[2]!));
      if (!found) return tinkError(res, 404, 'PROVIDER_NOT_FOUND', 'No such provider.');
      return sendJson(res, 200, {
        providers: [
          {
            name: providerName(found, provider[1]!),
            displayName: found.institution.name,
            market: provider[1],
            financialInstitutionId: found.institution.id,
            financialInstitutionName: found.institution.name,
            type: 'BANK',
            status: 'ENABLED',
          },
        ],
      });
    }
    if (route === 'GET /data/v2/accounts') {
      return sendJson(res, 200, {
        accounts: (bank?.accounts ?? []).map((a) => renderAccount(a, bank!)),
        nextPageToken: '',
      });
    }
    if (route === 'GET /data/v2/transactions') return transactions(url, bank, res);
    tinkError(res, 404, 'NOT_FOUND', `No route ${route}`);
  }, options.listen);

  function userOf(form: URLSearchParams): TinkUser | undefined {
    const byId = form.get('user_id');
    const byExternal = form.get('external_user_id');
    return [...users.values()].find(
      (u) => !u.deleted && ((byId && u.userId === byId) || (byExternal && u.externalUserId === byExternal)),
    );
  }

  function providerName(u: SandboxUser, market: string): string {
    return `${market.toLowerCase()}-${u.institution.id}-sandbox`;
  }

  function tinkLink(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== options.clientId) return tinkError(res, 400, 'CLIENT_INVALID', 'Unknown client_id.');
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) {
      return tinkError(res, 400, 'REQUEST_INVALID', 'redirect_uri is missing or not an absolute URL.');
    }
    const delegated = codes.get(q.get('authorization_code') ?? '');
    if (!delegated || delegated.kind !== 'delegated' || delegated.used || delegated.expiresAt <= Date.now()) {
      return tinkError(res, 400, 'AUTHORIZATION_CODE_INVALID', 'The authorization_code is invalid or expired.');
    }
    const user = users.get(delegated.userId);
    const bank = sandbox.user(username);
    if (!user || user.deleted || !bank) return tinkError(res, 400, 'REQUEST_INVALID', 'No user to connect.');
    delegated.used = true;
    // The user consents at the sandbox bank: credentials for it, and a code for the user's token.
    user.username = bank.username;
    user.credentialsId = randomBytes(16).toString('hex');
    user.consentExpiresAt = new Date(Date.now() + consentMs);
    user.loginExpired = false;
    const code = randomBytes(20).toString('hex');
    codes.set(code, {
      userId: user.userId,
      scopes: [
        'accounts:read',
        'balances:read',
        'transactions:read',
        'credentials:read',
        'user:read',
        'user:delete',
        'provider-consents:read',
      ],
      expiresAt: Date.now() + CODE_TTL_MS,
      used: false,
      kind: 'user',
      redirectUri,
    });
    const location = new URL(redirectUri);
    location.searchParams.set('code', code);
    location.searchParams.set('credentials_id', user.credentialsId);
    const state = q.get('state');
    if (state !== null) location.searchParams.set('state', state);
    res.writeHead(302, { location: location.toString(), 'content-length': 0 });
    res.end();
  }

  function token(form: URLSearchParams, res: ServerResponse): void {
    if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
      return tinkError(res, 401, 'CLIENT_INVALID', 'The client_id or client_secret is invalid.');
    }
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') {
      const scopes = (form.get('scope') ?? '').split(',').filter(Boolean);
      return sendJson(res, 200, issue('client', scopes));
    }
    if (grant === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code || code.kind !== 'user' || code.used || code.expiresAt <= Date.now()) {
        return tinkError(res, 400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
      }
      code.used = true;
      return sendJson(res, 200, issue('user', code.scopes, code.userId));
    }
    if (grant === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const userId = refreshTokens.get(presented);
      const user = userId ? users.get(userId) : undefined;
      if (!user || user.deleted) return tinkError(res, 400, 'invalid_grant', 'The refresh token is invalid.');
      const scopes = [...tokens.values()].find((t) => t.userId === userId)?.scopes ?? [];
      return sendJson(res, 200, { ...issue('user', scopes, user.userId), refresh_token: presented });
    }
    tinkError(res, 400, 'unsupported_grant_type', `grant_type ${grant ?? '(missing)'} is not supported.`);
  }

  function transactions(url: URL, bank: SandboxUser | undefined, res: ServerResponse): void {
    const q = url.searchParams;
    const own = (bank?.accounts ?? []).map((a) => a.id);
    const asked = q.getAll('accountIdIn');
    const accountIds = asked.length ? asked.filter((id) => own.includes(id)) : own;
    const statuses = q.getAll('statusIn');
    const from = q.get('bookedDateGte') ?? undefined;
    const to = q.get('bookedDateLte') ?? undefined;
    for (const day of [from, to]) {
      if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
        return tinkError(res, 400, 'REQUEST_INVALID', 'bookedDateGte and bookedDateLte are ISO dates.');
      }
    }
    const size = Number(q.get('pageSize') ?? maxPageSize);
    if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
      return tinkError(res, 400, 'REQUEST_INVALID', `pageSize must be 1..${maxPageSize}.`);
    }
    const all = sandbox
      .list(accountIds, { ...(from ? { from } : {}), ...(to ? { to } : {}) })
      .filter((t) => !statuses.length || statuses.includes(t.pending ? 'PENDING' : 'BOOKED'))
      .reverse(); // newest first, as Tink lists them
    let offset = 0;
    const pageToken = q.get('pageToken');
    if (pageToken) {
      const parsed = Number(
        Buffer.from(pageToken, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      );
      if (!Number.isInteger(parsed) || parsed < 0) return tinkError(res, 400, 'REQUEST_INVALID', 'Bad pageToken.');
      offset = parsed;
    }
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? Buffer.from(`offset:${offset + size}`).toString('base64url') : '';
    sendJson(res, 200, { transactions: page.map(renderTransaction), nextPageToken: next });
  }

  function renderAccount(a: SandboxAccount, bank: SandboxUser) {
    const money = (value: string) => ({ value: tinkAmount(value, false), currencyCode: a.currency });
    return {
      id: a.id,
      name: a.name,
      type: accountType(a),
      balances: { booked: { amount: money(a.currentBalance) }, available: { amount: money(a.availableBalance) } },
      identifiers: {
        iban: { iban: `SE00500000000000000${a.mask}`, bban: `500000000000000${a.mask}` },
        financialInstitution: { accountNumber: `1234${a.mask}` },
      },
      dates: { lastRefreshed: new Date().toISOString() },
      financialInstitutionId: bank.institution.id,
      customerSegment: 'PERSONAL',
    };
  }

  function renderTransaction(t: SandboxTransaction) {
    return {
      id: t.id,
      accountId: t.accountId,
      amount: { value: tinkAmount(t.amount, t.direction === 'OUT'), currencyCode: t.currency },
      descriptions: { original: t.description, display: t.description },
      dates: { booked: t.bookedOn, value: t.bookedOn },
      identifiers: { providerTransactionId: `bank-${t.pendingTransactionId ?? t.id}` },
      types: { type: 'DEFAULT' },
      status: t.pending ? 'PENDING' : 'BOOKED',
      providerMutability: t.pending ? 'MUTABLE' : 'MUTABILITY_UNDEFINED',
      ...(t.merchant ? { merchantInformation: { merchantName: t.merchant } } : {}),
    };
  }

  function each(userId: string | undefined, change: (u: TinkUser) => void): void {
    for (const u of users.values()) if (!userId || u.userId === userId) change(u);
  }

  function signWebhook(payload: unknown, at = new Date()): TinkSignedWebhook {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const t = String(Math.floor(at.getTime() / 1000));
    const v1 = createHmac('sha256', options.webhookSecret).update(`${t}.${body}`).digest('hex');
    return { body, headers: { 'content-type': 'application/json', 'x-tink-signature': `t=${t},v1=${v1}` } };
  }

  return {
    apiUrl: server.url,
    linkUrl: `${server.url}/link`,
    sandbox,
    requests,
    user: (id) => users.get(id),
    users: () => [...users.values()],
    failNext(count, kind = 'unavailable') {
      failureKind = kind;
      failures.failNext(count, FAILURES[kind].status);
    },
    expireAccessToken(userId) {
      for (const t of tokens.values()) if (t.kind === 'user' && (!userId || t.userId === userId)) t.refused = true;
    },
    expireConsent: (id) => each(id, (u) => (u.consentExpiresAt = new Date(Date.now() - 1000))),
    expireLogin: (id) => each(id, (u) => (u.loginExpired = true)),
    signInAs(name) {
      if (!sandbox.user(name)) throw new Error(`no sandbox user ${name}`);
      username = name;
    },
    event: (event, userId, content = {}) => ({
      context: { userId, externalUserId: users.get(userId)?.externalUserId ?? '' },
      content: { id: randomUUID(), ...content },
      event,
    }),
    signWebhook: (payload, o = {}) => signWebhook(payload, o.at),
    async sendWebhook(url, payload, o = {}) {
      const sent = signWebhook(payload, o.at);
      const response = await fetch(url, {
        method: 'POST',
        headers: sent.headers,
        body: sent.body,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: await response.text() };
    },
    stop: () => server.stop(),
  };
}
