// TrueLayer's Auth and Data API v1, locally, over the shared sandbox bank: the auth link (signs the
// sandbox user in and answers 302 to the redirect URI with code and state, as the sandbox does after
// consent), POST /connect/token (code exchange, rotating refresh tokens), the Data API with bearer
// tokens and TrueLayer's error bodies, credential deletion, and webhooks signed with a Tl-Signature
// (ES512 JWS with detached payload, `jku`/`kid` naming the JWKS served at /.well-known/jwks).
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BankSandbox, type SandboxAccount, type SandboxTransaction, type SandboxUser } from './bank.sandbox.js';
import { FailureBudget, sendJson, startHttpEmulator, type EmulatorListen } from './http.emulator.js';

/** What the next Data API call(s) fail with, in TrueLayer's words. */
export type TrueLayerFailureKind =
  /** 429 provider_too_many_requests */
  | 'rate_limited'
  /** 500 internal_server_error */
  | 'server_error'
  /** 503 provider_error */
  | 'unavailable'
  /** 504 provider_timeout */
  | 'timeout'
  /** 401 unauthorized: the access token is refused (a refresh fixes it) */
  | 'expired_token'
  /** 401 unauthorized, and the refresh that follows answers invalid_grant (the user must log in again) */
  | 'login_required'
  /** 403 sca_exceeded: the consent (the 90-day authentication) ran out */
  | 'consent_expired'
  /** 403 access_denied: the user revoked access */
  | 'revoked';

export interface TrueLayerEmulatorOptions {
  /** The bank the emulator serves (a fresh one with the default user when absent). */
  sandbox?: BankSandbox | undefined;
  clientId: string;
  clientSecret: string;
  /** The sandbox user the auth link signs in (default user_good). */
  username?: string | undefined;
  /** Access token lifetime (default 3600 s, as TrueLayer's). */
  accessTokenTtlSeconds?: number | undefined;
  /** Consent lifetime (default 90 days). */
  consentDays?: number | undefined;
  /** Where the auth and Data API servers listen (default 127.0.0.1 on free ports; a launcher fixes them). */
  authListen?: EmulatorListen | undefined;
  apiListen?: EmulatorListen | undefined;
}

/** One set of credentials (one consent of one user at one provider). */
export interface TrueLayerCredentials {
  credentialsId: string;
  username: string;
  scopes: string[];
  consentCreatedAt: Date;
  consentExpiresAt: Date;
  revoked: boolean;
  /** The provider session ended: refreshes answer invalid_grant until the user links again. */
  loginExpired: boolean;
}

export interface TrueLayerRequest {
  server: 'auth' | 'api';
  method: string;
  path: string;
  /** The query string, without '?'. */
  query: string;
  status: number;
  grantType?: string | undefined;
}

export interface TrueLayerSignedWebhook {
  /** Lower-cased header names, as a server receives them. */
  headers: Record<string, string>;
  body: string;
  path: string;
}

export interface TrueLayerEmulator {
  /** Where the auth link and /connect/token live (auth.truelayer.com's stand-in). */
  authUrl: string;
  /** Where the Data API lives (api.truelayer.com's stand-in). */
  apiUrl: string;
  /** The JWKS webhook signatures name in `jku`. */
  jwksUrl: string;
  sandbox: BankSandbox;
  /** Every request to either server, in arrival order. */
  readonly requests: TrueLayerRequest[];
  credentials(credentialsId: string): TrueLayerCredentials | undefined;
  /** The next `count` Data API calls fail with `kind` (default unavailable). */
  failNext(count: number, kind?: TrueLayerFailureKind): void;
  /** Access tokens issued so far (for one credentials id, or all) are refused from now on. */
  expireAccessToken(credentialsId?: string): void;
  /** The consent ran out: data calls answer sca_exceeded, refreshes invalid_grant. */
  expireConsent(credentialsId?: string): void;
  /** The provider session ended: tokens are refused and refreshes answer invalid_grant. */
  expireLogin(credentialsId?: string): void;
  /** The user revoked access: tokens are refused and refreshes answer invalid_grant (revoked). */
  revoke(credentialsId?: string): void;
  /** The auth link signs this sandbox user in from now on. */
  signInAs(username: string): void;
  /** A new signing key with a new kid (the old one leaves the JWKS). */
  rotateWebhookKey(): void;
  /** A webhook event body in TrueLayer's shape: type, event_id, event_version, credentials_id. */
  event(type: string, credentialsId: string, fields?: Record<string, unknown>): Record<string, unknown>;
  /** Signs a webhook for delivery to `path` (`at` sets its timestamp, to make a stale one). */
  signWebhook(path: string, payload: unknown, options?: { at?: Date }): TrueLayerSignedWebhook;
  /** Signs and POSTs a webhook to `url`; answers the receiver's status and what was sent. */
  sendWebhook(
    url: string,
    payload: unknown,
    options?: { at?: Date },
  ): Promise<{ status: number; sent: TrueLayerSignedWebhook }>;
  stop(): Promise<void>;
}

interface AccessToken {
  credentialsId: string;
  expiresAt: number;
  refused: boolean;
}

interface AuthCode {
  credentialsId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

const FAILURES: Record<TrueLayerFailureKind, { status: number; error: string; description: string }> = {
  rate_limited: {
    status: 429,
    error: 'provider_too_many_requests',
    description: 'The provider rate limit was reached.',
  },
  server_error: { status: 500, error: 'internal_server_error', description: 'Internal server error.' },
  unavailable: { status: 503, error: 'provider_error', description: 'The provider is temporarily unavailable.' },
  timeout: { status: 504, error: 'provider_timeout', description: 'The provider did not answer in time.' },
  expired_token: { status: 401, error: 'unauthorized', description: 'Invalid access token.' },
  login_required: { status: 401, error: 'unauthorized', description: 'Invalid access token.' },
  consent_expired: {
    status: 403,
    error: 'sca_exceeded',
    description: 'The 90 days since the user last authenticated have passed: the user must reconnect.',
  },
  revoked: { status: 403, error: 'access_denied', description: 'The user revoked access to this account.' },
};

const CODE_TTL_MS = 5 * 60_000;
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function tlError(res: ServerResponse, status: number, error: string, description: string, details = {}): void {
  sendJson(res, status, { error, error_description: description, error_details: details });
}

function dayOf(text: string | null): string | undefined | null {
  if (text === null || text === '') return undefined;
  const day = text.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(day)) ? day : null;
}

/** TrueLayer's account types: current accounts are TRANSACTION; cards are served under /cards. */
function accountType(a: SandboxAccount): string {
  return a.kind === 'CHECKING' ? 'TRANSACTION' : a.kind;
}

export async function startTrueLayerEmulator(options: TrueLayerEmulatorOptions): Promise<TrueLayerEmulator> {
  const sandbox = options.sandbox ?? new BankSandbox();
  const accessTtlMs = (options.accessTokenTtlSeconds ?? 3600) * 1000;
  const consentMs = (options.consentDays ?? 90) * 86_400_000;
  let username = options.username ?? 'user_good';

  const requests: TrueLayerRequest[] = [];
  const failures = new FailureBudget();
  let failureKind: TrueLayerFailureKind = 'unavailable';
  const links = new Map<string, TrueLayerCredentials & { refreshFailures: number }>();
  const codes = new Map<string, AuthCode>();
  const accessTokens = new Map<string, AccessToken>();
  /** Refresh token → credentials id; a used (rotated) one is deleted. */
  const refreshTokens = new Map<string, string>();

  // Access tokens are JWTs, as TrueLayer's: the client library reads `exp` before every call.
  const tokenKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let webhookKey: { kid: string; privateKey: KeyObject; jwk: Record<string, unknown> } = newWebhookKey();

  function newWebhookKey() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    const kid = randomUUID();
    return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES512', use: 'sig' } };
  }

  function issueTokens(credentialsId: string) {
    const link = links.get(credentialsId)!;
    const now = Date.now();
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'emulator' }));
    const claims = b64url(
      JSON.stringify({
        iss: auth.url,
        nbf: Math.floor(now / 1000),
        iat: Math.floor(now / 1000),
        exp: Math.floor((now + accessTtlMs) / 1000),
        aud: ['data_api', 'info_api'],
        client_id: options.clientId,
        sub: createHash('sha256').update(credentialsId).digest('hex').slice(0, 32),
        jti: randomUUID(),
        scope: link.scopes,
        connector_id: sandbox.user(link.username)?.institution.id,
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), tokenKey).toString('base64url');
    const accessToken = `${header}.${claims}.${signature}`;
    accessTokens.set(accessToken, { credentialsId, expiresAt: now + accessTtlMs, refused: false });
    const refreshToken = randomBytes(32).toString('hex');
    refreshTokens.set(refreshToken, credentialsId);
    return {
      access_token: accessToken,
      expires_in: Math.floor(accessTtlMs / 1000),
      token_type: 'Bearer',
      refresh_token: refreshToken,
      scope: link.scopes.join(' '),
    };
  }

  function record(server: TrueLayerRequest['server'], req: IncomingMessage, url: URL, res: ServerResponse) {
    const entry: TrueLayerRequest = {
      server,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      status: 200,
    };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    return entry;
  }

  // --- auth server: the auth link, /connect/token, /api/delete, /api/providers, the JWKS ---------
  const auth = await startHttpEmulator((req, raw, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const entry = record('auth', req, url, res);

    if (req.method === 'GET' && url.pathname === '/') return authLink(url, res);
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks') {
      return sendJson(res, 200, { keys: [webhookKey.jwk] });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/api/providers')) {
      const seen = new Map<string, SandboxUser['institution']>();
      for (const name of [username]) {
        const u = sandbox.user(name);
        if (u) seen.set(u.institution.id, u.institution);
      }
      return sendJson(
        res,
        200,
        [...seen.values()].map((i) => ({
          provider_id: i.id,
          display_name: i.name,
          logo_url: `${auth.url}/logos/${i.id}.svg`,
          scopes: ['info', 'accounts', 'balance', 'transactions', 'cards', 'offline_access'],
        })),
      );
    }
    if (req.method === 'POST' && url.pathname === '/connect/token') {
      const form = new URLSearchParams(raw.toString('utf8'));
      entry.grantType = form.get('grant_type') ?? undefined;
      return token(form, res);
    }
    if (req.method === 'DELETE' && url.pathname === '/api/delete') {
      const bearer = bearerOf(req);
      const at = bearer ? accessTokens.get(bearer) : undefined;
      if (!at || at.refused || at.expiresAt <= Date.now())
        return tlError(res, 401, 'unauthorized', 'Invalid access token.');
      revokeLink(at.credentialsId);
      return sendJson(res, 200, { success: true });
    }
    tlError(res, 404, 'not_found', `No route ${req.method} ${url.pathname}`);
  }, options.authListen);

  function authLink(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== options.clientId) return tlError(res, 400, 'invalid_client', 'Unknown client_id.');
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) {
      return tlError(res, 400, 'invalid_request', 'redirect_uri is missing or not an absolute URL.');
    }
    if (q.get('response_type') !== 'code') {
      return tlError(res, 400, 'unsupported_response_type', 'response_type must be code.');
    }
    const scopes = (q.get('scope') ?? '').split(/[ +]/).filter(Boolean);
    if (!scopes.length) return tlError(res, 400, 'invalid_scope', 'At least one scope is required.');
    const user = sandbox.user(username);
    if (!user) return tlError(res, 400, 'invalid_request', `No sandbox user ${username}.`);

    // The user consents at the sandbox bank: new credentials, and a single-use code for them.
    const now = Date.now();
    const credentialsId = randomBytes(16).toString('base64url');
    links.set(credentialsId, {
      credentialsId,
      username: user.username,
      scopes,
      consentCreatedAt: new Date(now),
      consentExpiresAt: new Date(now + consentMs),
      revoked: false,
      loginExpired: false,
      refreshFailures: 0,
    });
    const code = randomBytes(24).toString('hex');
    codes.set(code, { credentialsId, redirectUri, expiresAt: now + CODE_TTL_MS, used: false });

    const back: Record<string, string> = { code, scope: scopes.join(' ') };
    const state = q.get('state');
    if (state !== null) back.state = state;
    if (q.get('response_mode') === 'form_post') {
      const inputs = Object.entries(back)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
        .join('');
      const html = `<!doctype html><form method="post" action="${escapeHtml(redirectUri)}">${inputs}</form><script>document.forms[0].submit()</script>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    const location = new URL(redirectUri);
    for (const [k, v] of Object.entries(back)) location.searchParams.set(k, v);
    res.writeHead(302, { location: location.toString(), 'content-length': 0 });
    res.end();
  }

  function token(form: URLSearchParams, res: ServerResponse): void {
    if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
      return tlError(res, 400, 'invalid_client', 'The client_id or client_secret is invalid.');
    }
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code || code.used || code.expiresAt <= Date.now() || code.redirectUri !== form.get('redirect_uri')) {
        return tlError(
          res,
          400,
          'invalid_grant',
          'The authorization code is invalid, expired, already used, or was issued for another redirect_uri.',
        );
      }
      code.used = true;
      return sendJson(res, 200, issueTokens(code.credentialsId));
    }
    if (grant === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const credentialsId = refreshTokens.get(presented);
      const link = credentialsId ? links.get(credentialsId) : undefined;
      if (!link) return tlError(res, 400, 'invalid_grant', 'The refresh token is invalid or was already used.');
      if (link.revoked) return tlError(res, 400, 'invalid_grant', 'The refresh token was revoked by the user.');
      if (link.consentExpiresAt.getTime() <= Date.now()) {
        return tlError(res, 400, 'invalid_grant', 'The consent expired: the user must reconnect.');
      }
      if (link.loginExpired || link.refreshFailures > 0) {
        if (link.refreshFailures > 0) link.refreshFailures -= 1;
        return tlError(res, 400, 'invalid_grant', 'The provider session ended: the user must authenticate again.');
      }
      refreshTokens.delete(presented); // refresh tokens rotate: each one works once
      return sendJson(res, 200, issueTokens(link.credentialsId));
    }
    tlError(res, 400, 'unsupported_grant_type', `grant_type ${grant ?? '(missing)'} is not supported.`);
  }

  // --- api server: the Data API -------------------------------------------------------------
  const api = await startHttpEmulator((req, _raw, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    record('api', req, url, res);
    if (req.method !== 'GET' || !url.pathname.startsWith('/data/v1/')) {
      return tlError(res, 404, 'not_found', `No route ${req.method} ${url.pathname}`);
    }
    const bearer = bearerOf(req);
    const at = bearer ? accessTokens.get(bearer) : undefined;
    if (!at || at.refused || at.expiresAt <= Date.now())
      return tlError(res, 401, 'unauthorized', 'Invalid access token.');
    const link = links.get(at.credentialsId)!;
    if (link.revoked || link.loginExpired) return tlError(res, 401, 'unauthorized', 'Invalid access token.');
    if (failures.take() !== undefined) {
      const f = FAILURES[failureKind];
      if (failureKind === 'login_required') link.refreshFailures += 1;
      if (f.status === 429) res.setHeader('retry-after', '1');
      return tlError(res, f.status, f.error, f.description);
    }
    if (link.consentExpiresAt.getTime() <= Date.now()) {
      return tlError(res, 403, FAILURES.consent_expired.error, FAILURES.consent_expired.description);
    }
    const user = sandbox.user(link.username)!;
    data(url, user, link, res);
  }, options.apiListen);

  function data(url: URL, user: SandboxUser, link: TrueLayerCredentials, res: ServerResponse): void {
    const ok = (results: unknown[]) => sendJson(res, 200, { results, status: 'Succeeded' });
    const parts = url.pathname.slice('/data/v1/'.length).split('/').map(decodeURIComponent);
    const [collection, id, sub, subsub] = parts;
    if (collection === 'me' && parts.length === 1) {
      return ok([
        {
          client_id: options.clientId,
          credentials_id: link.credentialsId,
          consent_status: 'Authorised',
          consent_created_at: link.consentCreatedAt.toISOString(),
          consent_expires_at: link.consentExpiresAt.toISOString(),
          provider: provider(user),
          scopes: link.scopes,
        },
      ]);
    }
    if (collection === 'info' && parts.length === 1) {
      return ok([{ full_name: 'Sandbox User', update_timestamp: new Date().toISOString() }]);
    }
    if (collection !== 'accounts' && collection !== 'cards') return tlError(res, 404, 'not_found', 'No such endpoint.');
    const cards = collection === 'cards';
    const mine = user.accounts.filter((a) => (a.kind === 'CREDIT_CARD') === cards);
    if (id === undefined) return ok(mine.map((a) => renderAccount(a, user, cards)));
    const account = mine.find((a) => a.id === id);
    if (!account) return tlError(res, 404, 'account_not_found', `Account ${id} was not found.`);
    if (sub === undefined) return ok([renderAccount(account, user, cards)]);
    if (sub === 'balance' && subsub === undefined) return ok([renderBalance(account, cards)]);
    if (sub === 'transactions' && subsub === 'pending' && parts.length === 4) {
      return ok(sandbox.list([account.id], { pending: true }).map(renderTransaction));
    }
    if (sub === 'transactions' && subsub === undefined) {
      const from = dayOf(url.searchParams.get('from'));
      const to = dayOf(url.searchParams.get('to'));
      if (from === null || to === null) return tlError(res, 400, 'validation_error', 'from and to must be ISO dates.');
      if (from && to && from > to) return tlError(res, 400, 'invalid_date_range', 'from must not be after to.');
      const window = { pending: false, ...(from ? { from } : {}), ...(to ? { to } : {}) };
      return ok(sandbox.list([account.id], window).map(renderTransaction));
    }
    tlError(res, 404, 'not_found', 'No such endpoint.');
  }

  function provider(user: SandboxUser) {
    return {
      display_name: user.institution.name,
      logo_uri: `${auth.url}/logos/${user.institution.id}.svg`,
      provider_id: user.institution.id,
    };
  }

  function renderAccount(a: SandboxAccount, user: SandboxUser, card: boolean) {
    const common = {
      account_id: a.id,
      currency: a.currency,
      display_name: a.name,
      provider: provider(user),
      update_timestamp: new Date().toISOString(),
    };
    if (card) {
      return {
        ...common,
        card_network: 'VISA',
        card_type: 'CREDIT',
        partial_card_number: a.mask,
        name_on_card: 'SANDBOX USER',
      };
    }
    return {
      ...common,
      account_type: accountType(a),
      account_number: {
        iban: `GB00SNDB00000012${a.mask}`,
        number: `1234${a.mask}`,
        sort_code: '00-00-00',
        swift_bic: 'SNDBGB00',
      },
    };
  }

  function renderBalance(a: SandboxAccount, card: boolean) {
    const common = {
      currency: a.currency,
      available: Number(a.availableBalance),
      current: Number(a.currentBalance),
      update_timestamp: new Date().toISOString(),
    };
    return card
      ? { ...common, credit_limit: Number(a.currentBalance) + Number(a.availableBalance) }
      : { ...common, overdraft: 0 };
  }

  function renderTransaction(t: SandboxTransaction) {
    const amount = Number(t.amount);
    // The bank's own id stays with a transaction from pending to booked (TrueLayer's id does not).
    const bankId = `bank-${t.pendingTransactionId ?? t.id}`;
    return {
      transaction_id: t.id,
      timestamp: `${t.bookedOn}T00:00:00+00:00`,
      description: t.description,
      amount: t.direction === 'OUT' ? -amount : amount,
      currency: t.currency,
      transaction_type: t.direction === 'OUT' ? 'DEBIT' : 'CREDIT',
      transaction_category: t.direction === 'OUT' ? 'PURCHASE' : 'CREDIT',
      transaction_classification: [],
      ...(t.merchant ? { merchant_name: t.merchant } : {}),
      provider_transaction_id: bankId,
      normalised_provider_transaction_id: `txn-${bankId}`,
      meta: { provider_transaction_category: t.direction === 'OUT' ? 'DEB' : 'CRE', provider_transaction_id: bankId },
    };
  }

  function bearerOf(req: IncomingMessage): string | undefined {
    const h = req.headers.authorization;
    return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
  }

  function each(credentialsId: string | undefined, change: (link: TrueLayerCredentials) => void): void {
    for (const link of links.values()) if (!credentialsId || link.credentialsId === credentialsId) change(link);
  }

  function refuseTokens(credentialsId: string | undefined): void {
    for (const at of accessTokens.values()) if (!credentialsId || at.credentialsId === credentialsId) at.refused = true;
  }

  function revokeLink(credentialsId: string | undefined): void {
    each(credentialsId, (l) => (l.revoked = true));
    refuseTokens(credentialsId);
  }

  function signWebhook(path: string, payload: unknown, at = new Date()): TrueLayerSignedWebhook {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const header = {
      alg: 'ES512',
      kid: webhookKey.kid,
      jku: `${auth.url}/.well-known/jwks`,
      tl_version: '2',
      tl_headers: 'X-Tl-Webhook-Timestamp',
    };
    const signedPayload = `POST ${path}\nX-Tl-Webhook-Timestamp: ${timestamp}\n${body}`;
    const protectedHeader = b64url(JSON.stringify(header));
    const signature = sign('sha512', Buffer.from(`${protectedHeader}.${b64url(signedPayload)}`), {
      key: webhookKey.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return {
      path,
      body,
      headers: {
        'content-type': 'application/json',
        'x-tl-webhook-timestamp': timestamp,
        'tl-signature': `${protectedHeader}..${signature.toString('base64url')}`,
      },
    };
  }

  return {
    authUrl: auth.url,
    apiUrl: api.url,
    jwksUrl: `${auth.url}/.well-known/jwks`,
    sandbox,
    requests,
    credentials: (id) => links.get(id),
    failNext(count, kind = 'unavailable') {
      failureKind = kind;
      failures.failNext(count, FAILURES[kind].status);
    },
    expireAccessToken: (id) => refuseTokens(id),
    expireConsent: (id) => each(id, (l) => (l.consentExpiresAt = new Date(Date.now() - 1000))),
    expireLogin(id) {
      each(id, (l) => (l.loginExpired = true));
      refuseTokens(id);
    },
    revoke: (id) => revokeLink(id),
    signInAs(name) {
      if (!sandbox.user(name)) throw new Error(`no sandbox user ${name}`);
      username = name;
    },
    rotateWebhookKey() {
      webhookKey = newWebhookKey();
    },
    event: (type, credentialsId, fields = {}) => ({
      type,
      event_id: randomUUID(),
      event_version: 1,
      credentials_id: credentialsId,
      ...fields,
    }),
    signWebhook: (path, payload, o = {}) => signWebhook(path, payload, o.at),
    async sendWebhook(url, payload, o = {}) {
      const sent = signWebhook(new URL(url).pathname, payload, o.at);
      const response = await fetch(url, {
        method: 'POST',
        headers: sent.headers,
        body: sent.body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return { status: response.status, sent };
    },
    async stop() {
      await Promise.all([auth.stop(), api.stop()]);
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
