// Finicity (Mastercard Open Finance US) locally, over the shared sandbox bank: partner authentication
// (Finicity-App-Key + partner id/secret → a 2-hour token sent as Finicity-App-Token), testing/active
// customers, Connect URL generation and the Connect link itself (signs the sandbox user in and answers
// 302 to the redirect URI with the customer and the consent result, keeping the redirect URI's own
// query such as `state`), accounts, transactions paged by `start`/`limit`/`moreAvailable` with epoch-
// second dates, customer deletion, Finicity-style error bodies ({code, message}) and webhooks signed
// with an HMAC-SHA256 of the body in `Finicity-Signature` (Finicity has no standard webhook signature;
// this is the shared-secret scheme the adapter is configured with).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BankSandbox, type SandboxAccount, type SandboxTransaction, type SandboxUser } from './bank.sandbox.js';
import { FailureBudget, sendJson, startHttpEmulator, type EmulatorListen } from './http.emulator.js';

/** What the next data call(s) fail with, in Finicity's words. */
export type FinicityFailureKind =
  /** 429 with Retry-After */
  | 'rate_limited'
  /** 500 */
  | 'server_error'
  /** 503 */
  | 'unavailable'
  /** 401 code 10022: the partner token is refused (authenticating the partner again fixes it) */
  | 'expired_token'
  /** 400 code 103: the bank refuses the stored login (the user must sign in again through Connect Fix) */
  | 'login_required'
  /** 400 code 947: the bank's OAuth consent for the connection ran out */
  | 'consent_expired';

export interface FinicityEmulatorOptions {
  sandbox?: BankSandbox | undefined;
  partnerId: string;
  partnerSecret: string;
  appKey: string;
  /** The secret `Finicity-Signature` webhooks are signed with. */
  webhookSecret: string;
  /** The sandbox user the Connect link signs in (default user_good). */
  username?: string | undefined;
  /** Partner token lifetime (default 7200 s, as Finicity's). */
  tokenTtlSeconds?: number | undefined;
  listen?: EmulatorListen | undefined;
}

export interface FinicityCustomer {
  id: string;
  username: string;
  type: 'testing' | 'active';
  /** The sandbox user who connected through Connect (undefined until then). */
  sandboxUser?: string | undefined;
  institutionLoginId?: string | undefined;
  consentReceiptId?: string | undefined;
  deleted: boolean;
  loginExpired: boolean;
  consentExpired: boolean;
}

export interface FinicityRequest {
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface FinicitySignedWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface FinicityEmulator {
  url: string;
  sandbox: BankSandbox;
  readonly requests: FinicityRequest[];
  /** Successful partner authentications so far. */
  readonly authentications: number;
  customer(customerId: string): FinicityCustomer | undefined;
  customers(): FinicityCustomer[];
  failNext(count: number, kind?: FinicityFailureKind): void;
  /** Partner tokens issued so far are refused from now on (as after their two hours). */
  expireTokens(): void;
  /** The bank refuses the customer's stored login until they connect again (code 103). */
  expireLogin(customerId: string): void;
  /** The customer's OAuth consent ran out (code 947). */
  expireConsent(customerId: string): void;
  signInAs(username: string): void;
  /** A Connect / customer event body in Finicity's shape. */
  event(eventType: string, customerId: string, fields?: Record<string, unknown>): Record<string, unknown>;
  signWebhook(payload: unknown): FinicitySignedWebhook;
  sendWebhook(url: string, payload: unknown): Promise<{ status: number; body: string; sent: FinicitySignedWebhook }>;
  stop(): Promise<void>;
}

const FAILURES: Record<FinicityFailureKind, { status: number; code: number; message: string }> = {
  rate_limited: { status: 429, code: 10100, message: 'Too many requests. Retry later.' },
  server_error: { status: 500, code: 10000, message: 'Internal server error.' },
  unavailable: { status: 503, code: 10002, message: 'Service temporarily unavailable.' },
  expired_token: { status: 401, code: 10022, message: 'Invalid App Token: the token expired or is invalid.' },
  login_required: {
    status: 400,
    code: 103,
    message: 'The login credentials are invalid: the customer must update them through Connect.',
  },
  consent_expired: {
    status: 400,
    code: 947,
    message: 'The token associated with the account at the institution expired: the customer must reconnect.',
  },
};

const epoch = (ms: number) => Math.floor(ms / 1000);
const dayEpoch = (day: string, hour = 12) => epoch(Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`));

function finicityError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { code, message });
}

function accountType(a: SandboxAccount): string {
  switch (a.kind) {
    case 'CHECKING':
      return 'checking';
    case 'SAVINGS':
      return 'savings';
    case 'CREDIT_CARD':
      return 'creditCard';
    case 'LOAN':
      return 'loan';
    case 'INVESTMENT':
      return 'investment';
    default:
      return 'unknown';
  }
}

export async function startFinicityEmulator(options: FinicityEmulatorOptions): Promise<FinicityEmulator> {
  const sandbox = options.sandbox ?? new BankSandbox();
  const ttlMs = (options.tokenTtlSeconds ?? 7200) * 1000;
  let username = options.username ?? 'user_good';
  const requests: FinicityRequest[] = [];
  const failures = new FailureBudget();
  let failureKind: FinicityFailureKind = 'unavailable';
  const tokens = new Map<string, { expiresAt: number; refused: boolean }>();
  const customers = new Map<string, FinicityCustomer>();
  /** Connect links issued: link id → what Connect was generated for. */
  const links = new Map<string, { customerId: string; redirectUri: string; expiresAt: number }>();
  let authentications = 0;
  let nextCustomer = 1_000_000_000 + Math.floor(Math.random() * 1_000_000);

  const server = await startHttpEmulator((req, raw, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const entry: FinicityRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      status: 200,
    };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));

    // The Connect link is what the user's browser opens: no partner headers.
    if (req.method === 'GET' && url.pathname === '/connect') return connect(url, res);

    if (req.headers['finicity-app-key'] !== options.appKey) {
      return finicityError(res, 401, 10001, 'Invalid or missing Finicity-App-Key.');
    }
    const body = parseBody(raw);
    if (req.method === 'POST' && url.pathname === '/aggregation/v2/partners/authentication') {
      if (body?.partnerId !== options.partnerId || body?.partnerSecret !== options.partnerSecret) {
        return finicityError(res, 401, 10023, 'Invalid partner credentials.');
      }
      authentications += 1;
      const token = randomBytes(18).toString('base64url');
      tokens.set(token, { expiresAt: Date.now() + ttlMs, refused: false });
      return sendJson(res, 200, { token });
    }
    const token = tokens.get(String(req.headers['finicity-app-token'] ?? ''));
    if (!token || token.refused || token.expiresAt <= Date.now()) {
      return finicityError(res, 401, FAILURES.expired_token.code, FAILURES.expired_token.message);
    }

    const customerPath = /^\/aggregation\/v[13]\/customers\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (req.method === 'POST' && /^\/aggregation\/v2\/customers\/(testing|active)$/.test(url.pathname)) {
      return createCustomer(url.pathname.endsWith('testing') ? 'testing' : 'active', body, res);
    }
    if (req.method === 'POST' && url.pathname === '/connect/v2/generate') return generate(body, res);
    const institution = /^\/institution\/v2\/institutions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && institution) {
      const user = [...usersWithInstitution()].find((u) => u.institution.id === decodeURIComponent(institution[1]!));
      if (!user) return finicityError(res, 404, 14001, 'Institution not found.');
      return sendJson(res, 200, {
        institution: {
          id: user.institution.id,
          name: user.institution.name,
          transAgg: true,
          oauthEnabled: true,
          address: { country: 'USA' },
        },
      });
    }
    if (customerPath) return customerCall(req, url, customerPath[1]!, customerPath[2] ?? '', res);
    finicityError(res, 404, 10404, `No route ${req.method} ${url.pathname}`);
  }, options.listen);

  function usersWithInstitution(): SandboxUser[] {
    return [...customers.values()]
      .map((c) => (c.sandboxUser ? sandbox.user(c.sandboxUser) : undefined))
      .concat([sandbox.user(username)])
      .filter((u): u is SandboxUser => u !== undefined);
  }

  function createCustomer(type: 'testing' | 'active', body: Record<string, unknown> | undefined, res: ServerResponse) {
    const name = typeof body?.username === 'string' ? body.username : '';
    if (!/^[A-Za-z0-9._@-]{6,255}$/.test(name)) {
      return finicityError(res, 400, 10005, 'username is required: 6 to 255 letters, digits or ._@-');
    }
    if ([...customers.values()].some((c) => c.username === name)) {
      return finicityError(res, 409, 11000, 'A customer with this username already exists.');
    }
    const id = String(nextCustomer++);
    customers.set(id, {
      id,
      username: name,
      type,
      deleted: false,
      loginExpired: false,
      consentExpired: false,
    });
    sendJson(res, 201, { id, username: name, createdDate: String(epoch(Date.now())) });
  }

  function generate(body: Record<string, unknown> | undefined, res: ServerResponse) {
    if (body?.partnerId !== options.partnerId) return finicityError(res, 400, 10005, 'partnerId is missing or wrong.');
    const customer = customers.get(String(body.customerId ?? ''));
    if (!customer || customer.deleted) return finicityError(res, 404, 14020, 'Customer not found.');
    const redirectUri = typeof body.redirectUri === 'string' ? body.redirectUri : '';
    if (!/^https?:\/\//.test(redirectUri)) return finicityError(res, 400, 10005, 'redirectUri must be a URL.');
    const id = randomBytes(16).toString('hex');
    const now = Date.now();
    links.set(id, { customerId: customer.id, redirectUri, expiresAt: now + 7200_000 });
    const link = new URL(`${server.url}/connect`);
    link.searchParams.set('customerId', customer.id);
    link.searchParams.set('origin', 'url');
    link.searchParams.set('partnerId', options.partnerId);
    link.searchParams.set('signature', id);
    link.searchParams.set('timestamp', String(now));
    link.searchParams.set('ttl', String(now + 7200_000));
    sendJson(res, 200, { link: link.toString() });
  }

  function connect(url: URL, res: ServerResponse): void {
    const link = links.get(url.searchParams.get('signature') ?? '');
    if (!link || link.expiresAt <= Date.now() || link.customerId !== url.searchParams.get('customerId')) {
      return finicityError(res, 400, 10050, 'The Connect link is invalid or expired.');
    }
    const customer = customers.get(link.customerId)!;
    const user = sandbox.user(username);
    if (!user || customer.deleted) return finicityError(res, 400, 10050, 'The Connect session cannot start.');
    // The user found the sandbox bank, signed in and consented to share their accounts.
    customer.sandboxUser = user.username;
    customer.institutionLoginId = String(5_000_000_000 + Math.floor(Math.random() * 1_000_000));
    customer.consentReceiptId = randomUUID();
    customer.loginExpired = false;
    customer.consentExpired = false;
    const location = new URL(link.redirectUri);
    location.searchParams.set('customerId', customer.id);
    location.searchParams.set('reason', 'done');
    location.searchParams.set('consentReceiptId', customer.consentReceiptId);
    res.writeHead(302, { location: location.toString(), 'content-length': 0 });
    res.end();
  }

  function customerCall(req: IncomingMessage, url: URL, id: string, rest: string, res: ServerResponse): void {
    const customer = customers.get(decodeURIComponent(id));
    if (!customer || customer.deleted) return finicityError(res, 404, 14020, 'Customer not found.');
    if (req.method === 'DELETE' && rest === '' && url.pathname.startsWith('/aggregation/v1/')) {
      customer.deleted = true;
      res.writeHead(204, { 'content-length': 0 });
      res.end();
      return;
    }
    if (req.method !== 'GET') return finicityError(res, 404, 10404, `No route ${req.method} ${url.pathname}`);
    const failure = failures.take();
    if (failure !== undefined) {
      const f = FAILURES[failureKind];
      if (f.status === 429) res.setHeader('retry-after', '1');
      return finicityError(res, f.status, f.code, f.message);
    }
    if (customer.loginExpired) {
      return finicityError(res, 400, FAILURES.login_required.code, FAILURES.login_required.message);
    }
    if (customer.consentExpired) {
      return finicityError(res, 400, FAILURES.consent_expired.code, FAILURES.consent_expired.message);
    }
    const user = customer.sandboxUser ? sandbox.user(customer.sandboxUser) : undefined;
    if (url.pathname.startsWith('/aggregation/v1/') && rest === '/accounts') {
      return sendJson(res, 200, { accounts: (user?.accounts ?? []).map((a) => renderAccount(a, user!, customer)) });
    }
    if (url.pathname.startsWith('/aggregation/v3/') && rest === '/transactions') {
      return transactions(url, customer, user, res);
    }
    finicityError(res, 404, 10404, `No route ${req.method} ${url.pathname}`);
  }

  function transactions(url: URL, customer: FinicityCustomer, user: SandboxUser | undefined, res: ServerResponse) {
    const q = url.searchParams;
    const from = Number(q.get('fromDate'));
    const to = Number(q.get('toDate'));
    if (!q.get('fromDate') || !q.get('toDate') || !Number.isInteger(from) || !Number.isInteger(to)) {
      return finicityError(res, 400, 10005, 'fromDate and toDate are required, in epoch seconds.');
    }
    if (from > to) return finicityError(res, 400, 10005, 'fromDate must not be after toDate.');
    const start = q.get('start') === null ? 1 : Number(q.get('start'));
    const limit = q.get('limit') === null ? 25 : Number(q.get('limit'));
    if (!Number.isInteger(start) || start < 1) return finicityError(res, 400, 10005, 'start must be 1 or more.');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return finicityError(res, 400, 10005, 'limit must be between 1 and 1000.');
    }
    const includePending = q.get('includePending') === 'true';
    const fromDay = new Date(from * 1000).toISOString().slice(0, 10);
    const toDay = new Date(to * 1000).toISOString().slice(0, 10);
    const all = sandbox
      .list(
        (user?.accounts ?? []).map((a) => a.id),
        { from: fromDay, to: toDay },
      )
      .filter((t) => includePending || !t.pending)
      .filter((t) => dayEpoch(t.bookedOn) >= from && dayEpoch(t.bookedOn) <= to);
    if (q.get('sort') === 'desc') all.reverse();
    const page = all.slice(start - 1, start - 1 + limit);
    sendJson(res, 200, {
      found: all.length,
      displaying: page.length,
      moreAvailable: start - 1 + page.length < all.length,
      fromDate: String(from),
      toDate: String(to),
      sort: q.get('sort') === 'desc' ? 'desc' : 'asc',
      transactions: page.map((t) => renderTransaction(t, customer)),
    });
  }

  function renderAccount(a: SandboxAccount, user: SandboxUser, customer: FinicityCustomer) {
    const now = epoch(Date.now());
    return {
      id: a.id,
      number: `xxxxxx${a.mask}`,
      accountNumberDisplay: a.mask,
      realAccountNumberLast4: a.mask,
      name: a.name,
      balance: Number(a.currentBalance),
      type: accountType(a),
      status: 'active',
      customerId: customer.id,
      institutionId: user.institution.id,
      institutionLoginId: customer.institutionLoginId,
      balanceDate: now,
      aggregationStatusCode: 0,
      aggregationSuccessDate: now,
      createdDate: now,
      lastUpdatedDate: now,
      currency: a.currency,
      detail: { availableBalanceAmount: Number(a.availableBalance), currentBalance: Number(a.currentBalance) },
    };
  }

  function renderTransaction(t: SandboxTransaction, customer: FinicityCustomer) {
    const amount = Number(t.amount);
    const day = dayEpoch(t.bookedOn);
    return {
      id: t.id,
      amount: t.direction === 'OUT' ? -amount : amount,
      accountId: t.accountId,
      customerId: customer.id,
      status: t.pending ? 'pending' : 'active',
      description: t.description,
      memo: t.description,
      type: t.direction === 'OUT' ? 'debit' : 'credit',
      transactionDate: day,
      ...(t.pending ? {} : { postedDate: day }),
      createdDate: day,
      categorization: {
        ...(t.merchant ? { normalizedPayeeName: t.merchant } : {}),
        category: t.direction === 'OUT' ? 'Shopping' : 'Income',
        country: 'USA',
      },
    };
  }

  function signWebhook(payload: unknown): FinicitySignedWebhook {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const signature = createHmac('sha256', options.webhookSecret).update(body).digest('hex');
    return { body, headers: { 'content-type': 'application/json', 'finicity-signature': signature } };
  }

  return {
    url: server.url,
    sandbox,
    requests,
    get authentications() {
      return authentications;
    },
    customer: (id) => customers.get(id),
    customers: () => [...customers.values()],
    failNext(count, kind = 'unavailable') {
      failureKind = kind;
      failures.failNext(count, FAILURES[kind].status);
    },
    expireTokens() {
      for (const t of tokens.values()) t.refused = true;
    },
    expireLogin(id) {
      const c = customers.get(id);
      if (c) c.loginExpired = true;
    },
    expireConsent(id) {
      const c = customers.get(id);
      if (c) c.consentExpired = true;
    },
    signInAs(name) {
      if (!sandbox.user(name)) throw new Error(`no sandbox user ${name}`);
      username = name;
    },
    event: (eventType, customerId, fields = {}) => ({
      eventType,
      eventId: randomUUID(),
      customerId,
      eventDate: epoch(Date.now()),
      payload: {},
      ...fields,
    }),
    signWebhook,
    async sendWebhook(url, payload) {
      const sent = signWebhook(payload);
      const response = await fetch(url, {
        method: 'POST',
        headers: sent.headers,
        body: sent.body,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: await response.text(), sent };
    },
    stop: () => server.stop(),
  };
}

function parseBody(raw: Buffer): Record<string, unknown> | undefined {
  if (raw.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
