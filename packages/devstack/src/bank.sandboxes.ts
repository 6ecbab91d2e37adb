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
  startTrueLayerEmulator,
  type PlaidEmulator,
  type StartedEmulator,
  type TrueLayerEmulator,
} from '@family/emulators';

/** Sandbox client credentials: known to the emulators and the bank service of this run only. */
export const SANDBOX_CREDENTIALS = {
  plaid: { clientId: 'sandbox-plaid-client', secret: 'sandbox-plaid-secret' },
  trueLayer: { clientId: 'sandbox-truelayer-client', secret: 'sandbox-truelayer-secret' },
};

type Spending = { daysAgo: number; amount: string; description: string; merchant: string; account: string };

/** A different history per provider, so a family linking both sees two banks, not one twice. */
const SPENDING: Record<'plaid' | 'trueLayer', Spending[]> = {
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
};

const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** A sandbox bank with the default user (`user_good` / `pass_good`) and some history in `currency`. */
export function seededSandbox(currency: string, provider: 'plaid' | 'trueLayer'): BankSandbox {
  const user = defaultUser(currency);
  if (provider === 'trueLayer') user.institution = { id: 'mock', name: 'Mock UK Bank' };
  const sandbox = new BankSandbox([user]);
  for (const t of SPENDING[provider]) {
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
  console: StartedEmulator;
  stop(): Promise<void>;
}

export async function startBankSandboxes(options: {
  host: string;
  plaidPort: number;
  trueLayerAuthPort: number;
  trueLayerApiPort: number;
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

  const console = await startHttpEmulator(async (req, raw, res) => {
    const path = new URL(req.url ?? '/', 'http://console').pathname;
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const body = parseJson(raw);
    if (!body) return sendJson(res, 400, { error: 'the body must be a JSON object (or empty)' });
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
    const match = /^\/(plaid|truelayer)\/transactions$/.exec(path);
    if (match) {
      // A new purchase on the sandbox account, as if the family had just paid with it.
      const sandbox = match[1] === 'plaid' ? plaid.sandbox : trueLayer.sandbox;
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
    console,
    async stop() {
      await Promise.all([plaid.stop(), trueLayer.stop(), console.stop()]);
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
