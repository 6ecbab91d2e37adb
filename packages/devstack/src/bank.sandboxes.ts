// The provider sandboxes of a local run: the Plaid and TrueLayer emulators on fixed ports, each over
// its own sandbox bank with a few weeks of ordinary family spending (and a salary, which is not
// spending), plus a small console that does what a provider's sandbox dashboard does: send a webhook
// signed the provider's way, or put a new transaction on the sandbox account.
import {
  BankSandbox,
  defaultUser,
  sendJson,
  startHttpEmulator,
  startPlaidEmulator,
  startSaltEdgeEmulator,
  startTinkEmulator,
  startFinicityEmulator,
  startTrueLayerEmulator,
  type PlaidEmulator,
  type SaltEdgeEmulator,
  type StartedEmulator,
  type TinkEmulator,
  type FinicityEmulator,
  type TrueLayerEmulator,
} from '@family/emulators';

/** Sandbox client credentials: known to the emulators and the bank service of this run only. */
export const SANDBOX_CREDENTIALS = {
  plaid: { clientId: 'sandbox-plaid-client', secret: 'sandbox-plaid-secret' },
  trueLayer: { clientId: 'sandbox-truelayer-client', secret: 'sandbox-truelayer-secret' },
  saltEdge: { appId: 'sandbox-saltedge-app', secret: 'sandbox-saltedge-secret' },
  tink: {
    clientId: 'sandbox-tink-client',
    secret: 'sandbox-tink-secret',
    webhookSecret: 'sandbox-tink-webhook-secret',
  },
  finicity: {
    partnerId: '2445500000000',
    secret: 'sandbox-finicity-secret',
    appKey: 'sandbox-finicity-app-key',
    webhookSecret: 'sandbox-finicity-webhook-secret',
  },
};

type Spending = { daysAgo: number; amount: string; description: string; merchant: string; account: string };

/** A different history per provider, so a family linking both sees two banks, not one twice. */
const SPENDING: Record<'plaid' | 'trueLayer' | 'tink' | 'finicity', Spending[]> = {
  plaid: [
    { daysAgo: 12, amount: '64.20', description: 'Weekly shop', merchant: 'Lidl', account: 'acc_checking' },
    { daysAgo: 9, amount: '18.50', description: 'Cinema tickets', merchant: 'Cineworld', account: 'acc_card' },
    { daysAgo: 6, amount: '7.99', description: 'Music subscription', merchant: 'Spotify', account: 'acc_card' },
    { daysAgo: 4, amount: '42.10', description: 'Fuel', merchant: 'Shell', account: 'acc_checking' },
    { daysAgo: 2, amount: '5.60', description: 'School lunch top-up', merchant: 'ParentPay', account: 'acc_card' },
  ],
  trueLayer: [
    { daysAgo: 11, amount: '38.75', description: 'Groceries', merchant: 'Tesco', account: 'acc_checking' },
    { daysAgo: 8, amount: '12.00', description: 'Swimming lessons', merchant: 'Leisure Centre', account: 'acc_card' },
    { daysAgo: 5, amount: '3.20', description: 'Bus fare', merchant: 'Transport for London', account: 'acc_card' },
    { daysAgo: 3, amount: '26.40', description: 'Takeaway', merchant: 'Deliveroo', account: 'acc_checking' },
  ],
  tink: [
    { daysAgo: 10, amount: '52.80', description: 'Groceries', merchant: 'ICA', account: 'acc_checking' },
    { daysAgo: 7, amount: '14.90', description: 'Library café', merchant: 'Espresso House', account: 'acc_card' },
    { daysAgo: 4, amount: '6.40', description: 'Tram ticket', merchant: 'SL', account: 'acc_card' },
    { daysAgo: 2, amount: '31.25', description: 'Pharmacy', merchant: 'Apotek Hjärtat', account: 'acc_checking' },
  ],
  finicity: [
    { daysAgo: 13, amount: '87.35', description: 'Groceries', merchant: 'Whole Foods', account: 'acc_checking' },
    { daysAgo: 7, amount: '15.49', description: 'Streaming subscription', merchant: 'Netflix', account: 'acc_card' },
    { daysAgo: 4, amount: '9.75', description: 'Ice cream', merchant: 'Baskin-Robbins', account: 'acc_card' },
    { daysAgo: 1, amount: '33.10', description: 'Gas', merchant: 'Chevron', account: 'acc_checking' },
  ],
};

/** The Salt Edge sandbox's history (a separate table, so the other providers' entries stay as they are). */
const SALTEDGE_SPENDING: Spending[] = [
  { daysAgo: 14, amount: '45.60', description: 'Supermarket', merchant: 'Carrefour', account: 'acc_checking' },
  { daysAgo: 8, amount: '22.00', description: 'Football club fee', merchant: 'FC Juniors', account: 'acc_card' },
  { daysAgo: 5, amount: '4.80', description: 'Bakery', merchant: 'Paul', account: 'acc_card' },
  { daysAgo: 2, amount: '58.90', description: 'Shoes for school', merchant: 'Decathlon', account: 'acc_checking' },
];

const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** A sandbox bank with the default user (`user_good` / `pass_good`) and some history in `currency`. */
export function seededSandbox(
  currency: string,
  provider: 'plaid' | 'trueLayer' | 'tink' | 'finicity' | 'saltEdge',
): BankSandbox {
  const user = defaultUser(currency);
  if (provider === 'saltEdge') user.institution = { id: 'fakebank_simple_xf', name: 'Fake Bank Simple' };
  if (provider === 'trueLayer') user.institution = { id: 'mock', name: 'Mock UK Bank' };
  if (provider === 'tink') user.institution = { id: 'demobank', name: 'Demo Bank' };
  if (provider === 'finicity') user.institution = { id: '102105', name: 'FinBank Profiles - A' };
  const sandbox = new BankSandbox([user]);
  for (const t of provider === 'saltEdge' ? SALTEDGE_SPENDING : SPENDING[provider]) {
    sandbox.add({
      accountId: t.account,
      amount: t.amount,
      direction: 'OUT',
      currency,
      bookedOn: dayAgo(t.daysAgo),
      pending: false,
      description: t.description,
      merchant: t.merchant,
    });
  }
  sandbox.add({
    accountId: 'acc_checking',
    amount: '2450.00',
    direction: 'IN',
    currency,
    bookedOn: dayAgo(10),
    pending: false,
    description: 'Salary',
  });
  // Still pending: it posts later under a new id, and must not become a second expense.
  sandbox.add({
    accountId: 'acc_card',
    amount: '23.40',
    direction: 'OUT',
    currency,
    bookedOn: dayAgo(0),
    pending: true,
    description: 'Pizza night',
    merchant: 'Domino’s',
  });
  return sandbox;
}

export interface BankSandboxes {
  plaid: PlaidEmulator;
  trueLayer: TrueLayerEmulator;
  tink: TinkEmulator;
  finicity: FinicityEmulator;
  saltEdge: SaltEdgeEmulator;
  console: StartedEmulator;
  stop(): Promise<void>;
}

export async function startBankSandboxes(options: {
  host: string;
  plaidPort: number;
  trueLayerAuthPort: number;
  trueLayerApiPort: number;
  tinkPort: number;
  finicityPort: number;
  saltEdgePort: number;
  /** The public half of the key the bank service signs Salt Edge requests with (PEM). */
  saltEdgeClientPublicKey: string;
  consolePort: number;
  currency: string;
  /** Where the BFF takes webhooks, e.g. http://127.0.0.1:8080/v1/webhooks. */
  webhooksUrl: string;
}): Promise<BankSandboxes> {
  const listen = (port: number) => ({ host: options.host, port });
  const plaid = await startPlaidEmulator({
    ...SANDBOX_CREDENTIALS.plaid,
    sandbox: seededSandbox(options.currency, 'plaid'),
    listen: listen(options.plaidPort),
  });
  const trueLayer = await startTrueLayerEmulator({
    clientId: SANDBOX_CREDENTIALS.trueLayer.clientId,
    clientSecret: SANDBOX_CREDENTIALS.trueLayer.secret,
    sandbox: seededSandbox(options.currency, 'trueLayer'),
    authListen: listen(options.trueLayerAuthPort),
    apiListen: listen(options.trueLayerApiPort),
  });
  const tink = await startTinkEmulator({
    clientId: SANDBOX_CREDENTIALS.tink.clientId,
    clientSecret: SANDBOX_CREDENTIALS.tink.secret,
    webhookSecret: SANDBOX_CREDENTIALS.tink.webhookSecret,
    sandbox: seededSandbox(options.currency, 'tink'),
    listen: listen(options.tinkPort),
  });

  const finicity = await startFinicityEmulator({
    partnerId: SANDBOX_CREDENTIALS.finicity.partnerId,
    partnerSecret: SANDBOX_CREDENTIALS.finicity.secret,
    appKey: SANDBOX_CREDENTIALS.finicity.appKey,
    webhookSecret: SANDBOX_CREDENTIALS.finicity.webhookSecret,
    sandbox: seededSandbox(options.currency, 'finicity'),
    listen: listen(options.finicityPort),
  });

  const saltEdge = await startSaltEdgeEmulator({
    ...SANDBOX_CREDENTIALS.saltEdge,
    clientPublicKey: options.saltEdgeClientPublicKey,
    callbackUrl: `${options.webhooksUrl}/saltedge`,
    sandbox: seededSandbox(options.currency, 'saltEdge'),
    listen: listen(options.saltEdgePort),
  });

  const console = await startHttpEmulator(async (req, raw, res) => {
    const path = new URL(req.url ?? '/', 'http://console').pathname;
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const body = parseJson(raw);
    if (!body) return sendJson(res, 400, { error: 'the body must be a JSON object (or empty)' });
    if (path === '/finicity/webhooks') {
      // A Connect / customer event (eventType `done` by default) for every customer who connected (or
      // the one named), signed with Finicity-Signature.
      const eventType = typeof body.eventType === 'string' ? body.eventType : 'done';
      const customers = finicity
        .customers()
        .filter((c) => c.sandboxUser && !c.deleted && (!body.customerId || c.id === body.customerId));
      const sent = [];
      for (const c of customers) {
        const r = await finicity.sendWebhook(`${options.webhooksUrl}/finicity`, finicity.event(eventType, c.id));
        sent.push({ customerId: c.id, status: r.status, answer: answerOf(r.body) });
      }
      return sendJson(res, 200, { sent });
    }
    if (path === '/tink/webhooks') {
      // account-transactions:modified (default) or refresh:finished with a credentials status, for
      // every Tink user who went through Tink Link (or the one named), signed with X-Tink-Signature.
      const event = typeof body.event === 'string' ? body.event : 'account-transactions:modified';
      const status = typeof body.credentialsStatus === 'string' ? body.credentialsStatus : 'UPDATED';
      const users = tink.users().filter((u) => u.username && !u.deleted && (!body.userId || u.userId === body.userId));
      const sent = [];
      for (const u of users) {
        const content = event === 'refresh:finished' ? { credentialsStatus: status } : { account: { id: 'acc_card' } };
        const r = await tink.sendWebhook(`${options.webhooksUrl}/tink`, tink.event(event, u.userId, content));
        sent.push({ userId: u.userId, status: r.status, answer: answerOf(r.body) });
      }
      return sendJson(res, 200, { sent });
    }
    if (path === '/saltedge/callbacks') {
      // A success callback (or `fail` with errorClass, `notify`, `destroy`: body.type) for every live
      // connection (or the one named), signed over "callback_url|body" with Salt Edge's key.
      const type = ['fail', 'notify', 'destroy'].includes(String(body.type)) ? (body.type as 'fail') : 'success';
      const errorClass = typeof body.errorClass === 'string' ? body.errorClass : undefined;
      const live = saltEdge
        .connections()
        .filter((c) => !c.removed && (!body.connectionId || c.id === body.connectionId));
      const sent = [];
      for (const c of live) {
        const r = await saltEdge.sendCallback(
          `${options.webhooksUrl}/saltedge`,
          saltEdge.callback(type, c.id, errorClass ? { errorClass } : {}),
        );
        sent.push({ connectionId: c.id, status: r.status });
      }
      return sendJson(res, 200, { sent });
    }
    if (path === '/plaid/webhooks') {
      // SYNC_UPDATES_AVAILABLE (default), ITEM/ERROR (login required) or PENDING_EXPIRATION, for
      // every linked item (or the one named), signed with the emulator's current key.
      const code = typeof body.code === 'string' ? body.code : 'SYNC_UPDATES_AVAILABLE';
      const type = code === 'SYNC_UPDATES_AVAILABLE' ? 'TRANSACTIONS' : 'ITEM';
      const items = plaid.controls.items().filter((i) => !i.removed && (!body.itemId || i.itemId === body.itemId));
      const sent = [];
      for (const item of items) {
        const extra =
          code === 'SYNC_UPDATES_AVAILABLE' ? { initial_update_complete: true, historical_update_complete: true } : {};
        const r = await plaid.controls.sendWebhook(`${options.webhooksUrl}/plaid`, {
          webhook_type: type,
          webhook_code: code,
          item_id: item.itemId,
          ...extra,
        });
        sent.push({ itemId: item.itemId, status: r.status, answer: answerOf(r.body) });
      }
      return sendJson(res, 200, { sent });
    }
    const match = /^\/(plaid|truelayer|tink|finicity|saltedge)\/transactions$/.exec(path);
    if (match) {
      // A new purchase on the sandbox account, as if the family had just paid with it.
      const sandbox =
        match[1] === 'saltedge'
          ? saltEdge.sandbox
          : match[1] === 'plaid'
            ? plaid.sandbox
            : match[1] === 'tink'
              ? tink.sandbox
              : match[1] === 'finicity'
                ? finicity.sandbox
                : trueLayer.sandbox;
      const amount = typeof body.amount === 'string' ? body.amount : '9.99';
      if (!/^\d+(\.\d{1,2})?$/.test(amount)) return sendJson(res, 400, { error: 'amount must look like "12.50"' });
      const t = sandbox.add({
        accountId: typeof body.accountId === 'string' ? body.accountId : 'acc_card',
        amount,
        direction: body.direction === 'IN' ? 'IN' : 'OUT',
        currency: options.currency,
        bookedOn: dayAgo(0),
        pending: body.pending === true,
        description: typeof body.description === 'string' ? body.description : 'Corner shop',
        merchant: typeof body.merchant === 'string' ? body.merchant : undefined,
      });
      return sendJson(res, 201, t);
    }
    sendJson(res, 404, { error: `No route ${req.method} ${path}` });
  }, listen(options.consolePort));

  return {
    plaid,
    trueLayer,
    tink,
    finicity,
    saltEdge,
    console,
    async stop() {
      await Promise.all([
        plaid.stop(),
        trueLayer.stop(),
        tink.stop(),
        finicity.stop(),
        saltEdge.stop(),
        console.stop(),
      ]);
    },
  };
}

/** The console's request body: empty means no options; anything but a JSON object is refused. */
function parseJson(raw: Buffer): Record<string, unknown> | undefined {
  if (raw.length === 0) return {};
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What the BFF answered, shown to the console's user: JSON when it is JSON, else the text. */
function answerOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
