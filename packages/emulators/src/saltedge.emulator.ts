// Salt Edge's Account Information API v5, locally, over the shared sandbox bank: App-id / Secret on
// every request and, when the client's public key is given, signed requests (`Expires-at` +
// `Signature`, RSA-SHA256 over "Expires-at|METHOD|URL|body"); customers; connect sessions whose
// connect_url signs the sandbox user in and answers 302 to return_to with connection_id (return_to's
// own query, the app's state, kept); connections (show, refresh, remove), consents, accounts, posted
// transactions paged by from_id / meta.next_id and pending ones at /transactions/pending; Salt Edge's
// error bodies; and callbacks signed with its private key over "callback_url|body".
import {
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomInt,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BankSandbox, type SandboxAccount, type SandboxTransaction } from './bank.sandbox.js';
import { FailureBudget, sendJson, startHttpEmulator, type EmulatorListen } from './http.emulator.js';

/** What the next API call(s) fail with, in Salt Edge's words. */
export type SaltEdgeFailureKind =
  /** 429 TooManyRequests */
  | 'rate_limited'
  /** 500 InternalServerError */
  | 'server_error'
  /** 503 ProviderUnavailable */
  | 'unavailable'
  /** 400 ExpiresAtInvalid: the request's signature ran out (a fresh signature fixes it) */
  | 'signature_expired'
  /** 406 InvalidCredentials: the bank refused the stored login; the user must reconnect */
  | 'login_required'
  /** 406 ConsentExpired: the consent ran out; the user must reconnect */
  | 'consent_expired';

export interface SaltEdgeEmulatorOptions {
  sandbox?: BankSandbox | undefined;
  appId: string;
  secret: string;
  /** The client's public key (PEM): when given, every request must be signed with its private half. */
  clientPublicKey?: string | undefined;
  /** Where callbacks go (signed over this URL); none are sent when absent. */
  callbackUrl?: string | undefined;
  /** The sandbox user the connect page signs in (default user_good). */
  username?: string | undefined;
  /** Consent lifetime (default 90 days). */
  consentDays?: number | undefined;
  /** The largest page /transactions and /accounts serve (default 1000, Salt Edge's own maximum). */
  maxPerPage?: number | undefined;
  listen?: EmulatorListen | undefined;
}

export interface SaltEdgeConnection {
  id: string;
  customerId: string;
  username: string;
  status: 'active' | 'inactive' | 'disabled';
  /** The error class of the last attempt that failed (InvalidCredentials, ConsentExpired, …). */
  failErrorClass?: string | undefined;
  consentExpiresAt: Date;
  createdAt: Date;
  removed: boolean;
  refreshes: number;
}

export interface SaltEdgeRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** The request carried a valid signature. */
  signed: boolean;
}

export interface SaltEdgeSignedCallback {
  /** Lower-cased header names, as a server receives them. */
  headers: Record<string, string>;
  body: string;
  path: string;
}

export type SaltEdgeCallbackType = 'success' | 'fail' | 'notify' | 'destroy';

export interface SaltEdgeEmulator {
  /** The API base, e.g. http://127.0.0.1:port/api/v5 (www.saltedge.com/api/v5's stand-in). */
  url: string;
  sandbox: BankSandbox;
  /** Salt Edge's callback-signing public key (PEM): the client verifies callbacks with it. */
  callbackPublicKey: string;
  readonly requests: SaltEdgeRequest[];
  connection(id: string): SaltEdgeConnection | undefined;
  connections(): SaltEdgeConnection[];
  /** The next `count` API calls fail with `kind` (default unavailable). */
  failNext(count: number, kind?: SaltEdgeFailureKind): void;
  /** The bank refuses the stored login: the connection turns inactive (InvalidCredentials). */
  expireLogin(connectionId?: string): void;
  /** The consent ran out: the connection turns inactive (ConsentExpired). */
  expireConsent(connectionId?: string): void;
  /** The connect page signs this sandbox user in from now on. */
  signInAs(username: string): void;
  /** A callback body in Salt Edge's shape ({ data, meta: { version, time } }). */
  callback(type: SaltEdgeCallbackType, connectionId: string, options?: { at?: Date; errorClass?: string }): unknown;
  /** Signs a callback for `callbackUrl` (the URL Salt Edge calls is part of what it signs). */
  signCallback(callbackUrl: string, payload: unknown): SaltEdgeSignedCallback;
  /** Signs and POSTs a callback to `url`; answers the receiver's status and what was sent. */
  sendCallback(url: string, payload: unknown): Promise<{ status: number; sent: SaltEdgeSignedCallback }>;
  stop(): Promise<void>;
}

interface Customer {
  id: string;
  identifier: string;
  secret: string;
  createdAt: string;
}

interface ConnectSession {
  token: string;
  customerId: string;
  returnTo: string;
  returnConnectionId: boolean;
  /** A reconnect session: the connection it brings back. */
  connectionId?: string | undefined;
  expiresAt: number;
  used: boolean;
}

const FAILURES: Record<SaltEdgeFailureKind, { status: number; errorClass: string; message: string }> = {
  rate_limited: { status: 429, errorClass: 'TooManyRequests', message: 'Too many requests. Try again later.' },
  server_error: { status: 500, errorClass: 'InternalServerError', message: 'Something went wrong.' },
  unavailable: { status: 503, errorClass: 'ProviderUnavailable', message: 'The provider is temporarily unavailable.' },
  signature_expired: { status: 400, errorClass: 'ExpiresAtInvalid', message: 'The Expires-at header has passed.' },
  login_required: { status: 406, errorClass: 'InvalidCredentials', message: 'The login credentials are invalid.' },
  consent_expired: { status: 406, errorClass: 'ConsentExpired', message: 'The consent has expired.' },
};

const SESSION_TTL_MS = 60 * 60_000;
/** Salt Edge accepts an Expires-at at most an hour ahead. */
const MAX_EXPIRES_AHEAD_S = 3600;
const REFRESH_EVERY_MS = 60 * 60_000;
const numericId = () =>
  `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** Salt Edge's account natures for the sandbox's kinds. */
function natureOf(a: SandboxAccount): string {
  switch (a.kind) {
    case 'CHECKING':
      return 'checking';
    case 'SAVINGS':
      return 'savings';
    case 'CREDIT_CARD':
      return 'credit_card';
    case 'LOAN':
      return 'loan';
    case 'INVESTMENT':
      return 'investment';
    default:
      return 'ewallet';
  }
}

/** A decimal string as a JSON number literal, exactly as written ("12.30" stays 12.30 on the wire). */
const rawNumber = (decimal: string, negative = false) => `${negative ? '-' : ''}${decimal}`;

/**
 * JSON with some values written as raw number literals: Salt Edge sends amounts as JSON numbers, and
 * the emulator writes the sandbox's decimal text into the body unchanged (no float round trip).
 */
function jsonWithNumbers(value: unknown): string {
  const numbers: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawNumber) {
      numbers.push(v.text);
      return `\u0000num${numbers.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000num(\d+)\\u0000"/g, (_m, i: string) => numbers[Number(i)]!);
}

class RawNumber {
  constructor(readonly text: string) {}
}

export async function startSaltEdgeEmulator(options: SaltEdgeEmulatorOptions): Promise<SaltEdgeEmulator> {
  const sandbox = options.sandbox ?? new BankSandbox();
  const consentMs = (options.consentDays ?? 90) * 86_400_000;
  const maxPerPage = options.maxPerPage ?? 1000;
  const clientKey: KeyObject | undefined = options.clientPublicKey
    ? createPublicKey(options.clientPublicKey)
    : undefined;
  const callbackKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const callbackPublicKey = callbackKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  let username = options.username ?? 'user_good';

  const requests: SaltEdgeRequest[] = [];
  const failures = new FailureBudget();
  let failureKind: SaltEdgeFailureKind = 'unavailable';
  const customers = new Map<string, Customer>();
  const sessions = new Map<string, ConnectSession>();
  const connections = new Map<string, SaltEdgeConnection>();

  function seError(res: ServerResponse, status: number, errorClass: string, message: string, url?: URL): void {
    sendJson(res, status, {
      error: {
        class: errorClass,
        message,
        documentation_url: 'https://docs.saltedge.com/account_information/v5/#errors',
      },
      request: { format: 'json', url: url?.toString() ?? '' },
    });
  }

  function send(res: ServerResponse, body: unknown): void {
    const text = jsonWithNumbers(body);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** Checks App-id / Secret and, when the client's key is known, the request signature. */
  function authenticate(req: IncomingMessage, raw: Buffer, url: URL, res: ServerResponse, entry: SaltEdgeRequest) {
    if (req.headers['app-id'] !== options.appId || req.headers.secret !== options.secret) {
      seError(res, 401, 'ClientNotFound', 'The App-id or Secret is not valid.', url);
      return false;
    }
    if (!clientKey) return true;
    const expiresAt = String(req.headers['expires-at'] ?? '');
    const signature = String(req.headers.signature ?? '');
    if (!signature) {
      seError(res, 400, 'SignatureNotFound', 'The Signature header is missing.', url);
      return false;
    }
    const seconds = Number(expiresAt);
    const now = Date.now() / 1000;
    if (!/^\d+$/.test(expiresAt) || seconds <= now || seconds > now + MAX_EXPIRES_AHEAD_S + 60) {
      seError(res, 400, 'ExpiresAtInvalid', 'Expires-at is missing, in the past or more than an hour ahead.', url);
      return false;
    }
    const full = `http://${req.headers.host ?? ''}${req.url ?? ''}`;
    const signed = Buffer.concat([Buffer.from(`${expiresAt}|${req.method ?? 'GET'}|${full}|`), raw]);
    if (!verify('sha256', signed, clientKey, Buffer.from(signature, 'base64'))) {
      seError(res, 401, 'InvalidSignature', 'The Signature does not match the request.', url);
      return false;
    }
    entry.signed = true;
    return true;
  }

  const server = await startHttpEmulator(async (req, raw, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const entry: SaltEdgeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      status: 200,
      signed: false,
    };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));

    // The connect page is the user's browser, not the API: no keys, no signature.
    if (req.method === 'GET' && url.pathname === '/connect') return connectPage(url, res);
    if (!url.pathname.startsWith('/api/v5/')) return seError(res, 404, 'RouteNotFound', 'No such route.', url);
    if (!authenticate(req, raw, url, res, entry)) return;
    const failed = failures.take();
    if (failed !== undefined) {
      const f = FAILURES[failureKind];
      return seError(res, f.status, f.errorClass, f.message, url);
    }
    let body: { data?: Record<string, unknown> } = {};
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        return seError(res, 400, 'WrongRequestFormat', 'The request body is not JSON.', url);
      }
    }
    const data = body.data ?? {};
    const path = url.pathname.slice('/api/v5'.length);
    const q = url.searchParams;

    if (req.method === 'POST' && path === '/customers') return createCustomer(data, res, url);
    if (req.method === 'GET' && path === '/customers') {
      const all = [...customers.values()].map(customerJson);
      return send(res, page(all, q.get('from_id'), q.get('per_page')));
    }
    if (req.method === 'POST' && (path === '/connect_sessions/create' || path === '/connect_sessions/reconnect')) {
      return createSession(data, path.endsWith('reconnect'), res, url);
    }
    if (req.method === 'GET' && path === '/connections') {
      const customerId = q.get('customer_id') ?? '';
      if (!customers.has(customerId)) {
        return seError(res, 404, 'CustomerNotFound', `Customer with id: '${customerId}' was not found.`, url);
      }
      const list = [...connections.values()].filter((c) => c.customerId === customerId && !c.removed);
      return send(res, page(list.map(connectionJson), q.get('from_id'), q.get('per_page')));
    }
    const one = /^\/connections\/([^/]+)(\/refresh)?$/.exec(path);
    if (one) {
      const connection = connections.get(one[1]!);
      if (!connection || connection.removed) {
        return seError(res, 404, 'ConnectionNotFound', `Connection with id: '${one[1]}' was not found.`, url);
      }
      if (req.method === 'GET' && !one[2]) return send(res, { data: connectionJson(connection) });
      if (req.method === 'PUT' && one[2]) return refresh(connection, res, url);
      if (req.method === 'DELETE' && !one[2]) {
        connection.removed = true;
        void deliver('destroy', connection.id);
        return send(res, { data: { id: connection.id, removed: true } });
      }
    }
    if (req.method === 'GET' && (path === '/consents' || path === '/accounts' || path.startsWith('/transactions'))) {
      const connection = connections.get(q.get('connection_id') ?? '');
      if (!connection || connection.removed) {
        return seError(
          res,
          404,
          'ConnectionNotFound',
          `Connection with id: '${q.get('connection_id')}' was not found.`,
          url,
        );
      }
      const user = sandbox.user(connection.username)!;
      if (path === '/consents') {
        return send(res, {
          data: [
            {
              id: `${connection.id}1`,
              connection_id: connection.id,
              status: connection.consentExpiresAt.getTime() > Date.now() ? 'active' : 'expired',
              scopes: ['account_details', 'transactions_details'],
              expires_at: connection.consentExpiresAt.toISOString(),
            },
          ],
          meta: { next_id: null, next_page: null },
        });
      }
      if (path === '/accounts') {
        const accounts = user.accounts.map((a) => accountJson(a, connection.id));
        return send(res, page(accounts, q.get('from_id'), q.get('per_page')));
      }
      const accountId = q.get('account_id');
      if (accountId && !user.accounts.some((a) => a.id === accountId)) {
        return seError(res, 404, 'AccountNotFound', `Account with id: '${accountId}' was not found.`, url);
      }
      const accountIds = accountId ? [accountId] : user.accounts.map((a) => a.id);
      if (path === '/transactions/pending') {
        return send(
          res,
          page(sandbox.list(accountIds, { pending: true }).map(transactionJson), q.get('from_id'), q.get('per_page')),
        );
      }
      if (path === '/transactions') {
        const { list, position } = postedInOrder(accountIds);
        return send(res, page(list.map(transactionJson), q.get('from_id'), q.get('per_page'), position));
      }
    }
    seError(res, 404, 'RouteNotFound', `No route ${req.method} ${url.pathname}`, url);
  }, options.listen);
  const apiUrl = `${server.url}/api/v5`;

  /**
   * Where each transaction stands in Salt Edge's id order: ids grow as Salt Edge stores records, so a
   * posted transaction's place is when it was first posted (a removed one keeps its place, as from_id
   * compares ids rather than looking one up).
   */
  function positions(accountIds: string[]): Map<string, number> {
    const position = new Map<string, number>();
    for (const c of sandbox.changesSince(accountIds, 0)) {
      if (c.kind !== 'removed' && !c.transaction.pending && !position.has(c.transaction.id)) {
        position.set(c.transaction.id, c.seq);
      }
    }
    return position;
  }

  function postedInOrder(accountIds: string[]): { list: SandboxTransaction[]; position: Map<string, number> } {
    const position = positions(accountIds);
    const list = sandbox
      .list(accountIds, { pending: false })
      .sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
    return { list, position };
  }

  /** One page from `fromId` (inclusive: ids ≥ from_id, as Salt Edge's), with meta.next_id of the next. */
  function page<T extends { id: string }>(
    all: T[],
    fromId: string | null,
    perPage: string | null,
    position?: Map<string, number>,
  ) {
    const size = Math.min(Math.max(Number(perPage) || maxPerPage, 1), maxPerPage);
    let start = 0;
    if (fromId) {
      const at = position?.get(fromId);
      start =
        at !== undefined
          ? all.findIndex((x) => (position!.get(x.id) ?? 0) >= at)
          : all.findIndex((x) => x.id === fromId);
      if (start < 0) start = all.length;
    }
    const data = all.slice(start, start + size);
    const next = all[start + size];
    return {
      data,
      meta: {
        next_id: next?.id ?? null,
        next_page: next ? `${new URL(apiUrl).pathname}?from_id=${next.id}` : null,
      },
    };
  }

  function createCustomer(data: Record<string, unknown>, res: ServerResponse, url: URL) {
    const identifier = data.identifier;
    if (typeof identifier !== 'string' || !identifier) {
      return seError(res, 400, 'WrongRequestFormat', 'data.identifier is required.', url);
    }
    if ([...customers.values()].some((c) => c.identifier === identifier)) {
      return seError(res, 409, 'DuplicatedCustomer', 'A customer with this identifier already exists.', url);
    }
    const customer: Customer = {
      id: numericId(),
      identifier,
      secret: randomBytes(32).toString('base64url'),
      createdAt: new Date().toISOString(),
    };
    customers.set(customer.id, customer);
    send(res, { data: customerJson(customer) });
  }

  function createSession(data: Record<string, unknown>, reconnect: boolean, res: ServerResponse, url: URL) {
    const attempt = (data.attempt ?? {}) as Record<string, unknown>;
    const returnTo = attempt.return_to;
    if (typeof returnTo !== 'string' || !/^https?:\/\//.test(returnTo)) {
      return seError(res, 400, 'WrongRequestFormat', 'data.attempt.return_to must be an absolute URL.', url);
    }
    const consent = (data.consent ?? {}) as Record<string, unknown>;
    if (!Array.isArray(consent.scopes) || consent.scopes.length === 0) {
      return seError(res, 400, 'WrongRequestFormat', 'data.consent.scopes is required.', url);
    }
    let customerId: string;
    let connectionId: string | undefined;
    if (reconnect) {
      const connection = connections.get(String(data.connection_id ?? ''));
      if (!connection || connection.removed) {
        return seError(
          res,
          404,
          'ConnectionNotFound',
          `Connection with id: '${String(data.connection_id)}' was not found.`,
          url,
        );
      }
      customerId = connection.customerId;
      connectionId = connection.id;
    } else {
      customerId = String(data.customer_id ?? '');
      if (!customers.has(customerId)) {
        return seError(res, 404, 'CustomerNotFound', `Customer with id: '${customerId}' was not found.`, url);
      }
    }
    const token = randomBytes(24).toString('hex');
    const expiresAt = Date.now() + SESSION_TTL_MS;
    sessions.set(token, {
      token,
      customerId,
      returnTo,
      returnConnectionId: data.return_connection_id === true,
      connectionId,
      expiresAt,
      used: false,
    });
    send(res, {
      data: { expires_at: new Date(expiresAt).toISOString(), connect_url: `${server.url}/connect?token=${token}` },
    });
  }

  /** The user connects at the sandbox bank, then the browser goes back to return_to. */
  function connectPage(url: URL, res: ServerResponse) {
    const session = sessions.get(url.searchParams.get('token') ?? '');
    if (!session || session.used || session.expiresAt <= Date.now()) {
      return seError(res, 404, 'ConnectSessionNotFound', 'The connect session is unknown, used or expired.', url);
    }
    const user = sandbox.user(username);
    if (!user) return seError(res, 400, 'InvalidCredentials', `No sandbox user ${username}.`, url);
    session.used = true;
    const now = Date.now();
    let connection = session.connectionId ? connections.get(session.connectionId) : undefined;
    if (connection) {
      Object.assign(connection, {
        status: 'active',
        failErrorClass: undefined,
        username: user.username,
        consentExpiresAt: new Date(now + consentMs),
      });
    } else {
      connection = {
        id: numericId(),
        customerId: session.customerId,
        username: user.username,
        status: 'active',
        consentExpiresAt: new Date(now + consentMs),
        createdAt: new Date(now),
        removed: false,
        refreshes: 0,
      };
      connections.set(connection.id, connection);
    }
    const location = new URL(session.returnTo);
    if (session.returnConnectionId) location.searchParams.set('connection_id', connection.id);
    res.writeHead(302, { location: location.toString(), 'content-length': 0 });
    res.end();
    void deliver('success', connection.id);
  }

  function refresh(connection: SaltEdgeConnection, res: ServerResponse, url: URL) {
    if (connection.status !== 'active') {
      return seError(
        res,
        406,
        connection.failErrorClass ?? 'ConnectionDisabled',
        'The connection cannot be refreshed: the user must reconnect.',
        url,
      );
    }
    connection.refreshes += 1;
    send(res, { data: connectionJson(connection) });
    void deliver('success', connection.id);
  }

  function customerJson(c: Customer) {
    return { id: c.id, identifier: c.identifier, secret: c.secret, created_at: c.createdAt, updated_at: c.createdAt };
  }

  function connectionJson(c: SaltEdgeConnection) {
    const user = sandbox.user(c.username)!;
    const now = new Date().toISOString();
    const next = new Date(Date.now() + (c.refreshes ? REFRESH_EVERY_MS : 0)).toISOString();
    return {
      id: c.id,
      customer_id: c.customerId,
      provider_code: user.institution.id,
      provider_name: user.institution.name,
      country_code: 'XF',
      status: c.status,
      daily_refresh: true,
      created_at: c.createdAt.toISOString(),
      updated_at: now,
      last_success_at: now,
      next_refresh_possible_at: next,
      last_attempt: {
        id: `${c.id}7`,
        finished: true,
        success: c.status === 'active',
        fail_error_class: c.failErrorClass ?? null,
        fail_message: c.failErrorClass
          ? FAILURES[c.failErrorClass === 'ConsentExpired' ? 'consent_expired' : 'login_required'].message
          : null,
        created_at: now,
        updated_at: now,
      },
    };
  }

  function accountJson(a: SandboxAccount, connectionId: string) {
    return {
      id: a.id,
      name: a.name,
      nature: natureOf(a),
      balance: new RawNumber(rawNumber(a.currentBalance)),
      currency_code: a.currency,
      connection_id: connectionId,
      extra: {
        account_number: `********${a.mask}`,
        available_amount: new RawNumber(rawNumber(a.availableBalance)),
      },
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
  }

  function transactionJson(t: SandboxTransaction) {
    return {
      id: t.id,
      duplicated: false,
      mode: 'normal',
      status: t.pending ? 'pending' : 'posted',
      made_on: t.bookedOn,
      amount: new RawNumber(rawNumber(t.amount, t.direction === 'OUT')),
      currency_code: t.currency,
      description: t.description,
      category: 'uncategorized',
      account_id: t.accountId,
      extra: t.merchant ? { payee: t.merchant } : {},
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
  }

  function callback(type: SaltEdgeCallbackType, connectionId: string, o: { at?: Date; errorClass?: string } = {}) {
    const c = connections.get(connectionId);
    const base = { connection_id: connectionId, customer_id: c?.customerId ?? '' };
    const data =
      type === 'success'
        ? { ...base, custom_fields: {} }
        : type === 'fail'
          ? {
              ...base,
              custom_fields: {},
              error_class: o.errorClass ?? 'InvalidCredentials',
              error_message: 'The login credentials are invalid.',
            }
          : type === 'notify'
            ? { ...base, custom_fields: {}, stage: 'fetching_transactions' }
            : base;
    return { data, meta: { version: '5', time: (o.at ?? new Date()).toISOString() } };
  }

  function signCallback(callbackUrl: string, payload: unknown): SaltEdgeSignedCallback {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const signature = sign('sha256', Buffer.from(`${callbackUrl}|${body}`), callbackKeys.privateKey).toString('base64');
    return { headers: { 'content-type': 'application/json', signature }, body, path: new URL(callbackUrl).pathname };
  }

  async function sendCallback(url: string, payload: unknown) {
    const sent = signCallback(url, payload);
    const response = await fetch(url, {
      method: 'POST',
      headers: sent.headers,
      body: sent.body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return { status: response.status, sent };
  }

  /** Delivers a callback to the configured URL, as Salt Edge does after an attempt; failures only drop it. */
  async function deliver(type: SaltEdgeCallbackType, connectionId: string): Promise<void> {
    if (!options.callbackUrl) return;
    try {
      await sendCallback(options.callbackUrl, callback(type, connectionId));
    } catch {
      // Salt Edge retries undelivered callbacks later; the sandbox just drops them.
    }
  }

  const select = (id?: string) => [...connections.values()].filter((c) => id === undefined || c.id === id);

  return {
    url: apiUrl,
    sandbox,
    callbackPublicKey,
    requests,
    connection: (id) => connections.get(id),
    connections: () => [...connections.values()],
    failNext(count, kind = 'unavailable') {
      failureKind = kind;
      failures.failNext(count);
    },
    expireLogin(id) {
      for (const c of select(id)) Object.assign(c, { status: 'inactive', failErrorClass: 'InvalidCredentials' });
    },
    expireConsent(id) {
      for (const c of select(id)) {
        Object.assign(c, { status: 'inactive', failErrorClass: 'ConsentExpired', consentExpiresAt: new Date() });
      }
    },
    signInAs(name) {
      username = name;
    },
    callback,
    signCallback,
    sendCallback,
    stop: () => server.stop(),
  };
}
