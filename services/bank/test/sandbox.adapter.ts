// A cursor-based test adapter over the BankSandbox itself (no HTTP): proves the scenario suite
// against a known-good adapter, with the same failure injection and HMAC-signed webhooks an
// emulator offers. Used only by tests while a provider's adapter is not at hand.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { BankSandbox, type SandboxChange } from '@family/emulators';
import type {
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
  WithCredentials,
} from '../src/adapters/bank.adapter.js';
import { ProviderError } from '../src/adapters/provider.error.js';
import type { AdapterScenarioContext, EmulatorControls, InjectedFailure } from './adapter.scenarios.js';

const SECRET = 'sandbox-webhook-secret';
const PAGE = 100;

interface SandboxLink {
  id: string;
  username: string;
  revoked: boolean;
  loginExpired: boolean;
}

const sign = (body: Buffer, at: number) => createHmac('sha256', SECRET).update(`${at}.`).update(body).digest('hex');

export class SandboxBankAdapter implements BankAdapter {
  readonly provider = 'PLAID' as const;
  readonly displayName = 'Sandbox';
  readonly countries = ['US'] as const;
  readonly flow = 'TOKEN_EXCHANGE' as const;
  readonly links = new Map<string, SandboxLink>();
  readonly publicTokens = new Map<string, string>();
  private readonly failures: InjectedFailure[] = [];
  /** Every fetchChanges call (tests of the service count them). */
  calls = 0;
  /** A pause inside every fetchChanges (tests of locking and deadlines). */
  delayMs = 0;

  constructor(readonly sandbox: BankSandbox) {}

  failNext(failure: InjectedFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  async createLinkSession(input: LinkSessionInput): Promise<LinkSession> {
    return { linkToken: `link-sandbox-${input.state}`, expiresAt: new Date(Date.now() + 4 * 3600_000) };
  }

  /** What the app's widget would hand back after the user logged in. */
  publicTokenFor(username = 'user_good'): string {
    const token = `public-sandbox-${randomUUID()}`;
    this.publicTokens.set(token, username);
    return token;
  }

  async exchange(input: ExchangeInput): Promise<ExchangeResult> {
    const username = input.publicToken && this.publicTokens.get(input.publicToken);
    if (!username)
      throw new ProviderError('INVALID_INPUT', 'unknown public token', { providerCode: 'INVALID_PUBLIC_TOKEN' });
    this.publicTokens.delete(input.publicToken!);
    const id = `item-${randomUUID()}`;
    this.links.set(id, { id, username, revoked: false, loginExpired: false });
    const user = this.sandbox.user(username)!;
    return {
      credentials: { accessToken: `access-sandbox-${id}`, extra: { itemId: id } },
      providerConnectionId: id,
      institution: user.institution,
    };
  }

  async accounts(credentials: ProviderCredentials): Promise<WithCredentials<ProviderAccount[]>> {
    const link = this.linkOf(credentials);
    const user = this.sandbox.user(link.username)!;
    return {
      value: user.accounts.map((a) => ({
        providerAccountId: a.id,
        name: a.name,
        mask: a.mask,
        kind: a.kind,
        currency: a.currency,
        currentBalance: a.currentBalance,
        availableBalance: a.availableBalance,
        balanceAsOf: new Date(),
      })),
    };
  }

  async fetchChanges(input: FetchChangesInput): Promise<WithCredentials<TransactionChanges>> {
    this.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const failure = this.failures.shift();
    if (failure === 'RATE_LIMITED') throw new ProviderError('RATE_LIMITED', '429', { retryAfterMs: 10 });
    if (failure === 'UNAVAILABLE') throw new ProviderError('UNAVAILABLE', '503');
    if (failure === 'LOGIN_REQUIRED') throw new ProviderError('REAUTH_REQUIRED', 'login required');
    if (failure === 'CONSENT_EXPIRED') throw new ProviderError('CONSENT_EXPIRED', 'consent expired');
    const link = this.linkOf(input.credentials);
    if (link.loginExpired) throw new ProviderError('REAUTH_REQUIRED', 'login required');
    const after = input.cursor ? Number(input.cursor) : 0;
    const changes = this.sandbox.changesSince(input.providerAccountIds, after).slice(0, PAGE);
    const last = changes.at(-1)?.seq ?? after;
    const more = this.sandbox.changesSince(input.providerAccountIds, last).length > 0;
    const added: ProviderTransaction[] = [];
    const modified: ProviderTransaction[] = [];
    const removed: string[] = [];
    for (const c of changes) {
      if (c.kind === 'removed') removed.push(c.transactionId);
      else (c.kind === 'added' ? added : modified).push(toProvider(c));
    }
    return { value: { added, modified, removed, nextCursor: String(last), hasMore: more } };
  }

  async verifyWebhook(input: WebhookInput): Promise<WebhookEvent> {
    const header = input.headers['x-sandbox-signature'] ?? '';
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    if (!m) throw new ProviderError('UNAUTHENTICATED', 'missing signature');
    const body = Buffer.from(input.body);
    const want = Buffer.from(sign(body, Number(m[1])), 'hex');
    if (!timingSafeEqual(want, Buffer.from(m[2]!, 'hex'))) throw new ProviderError('UNAUTHENTICATED', 'bad signature');
    const parsed = JSON.parse(body.toString('utf8')) as { id: string; kind: string; link: string };
    return {
      eventId: parsed.id,
      providerConnectionId: parsed.link,
      kind:
        parsed.kind === 'SYNC_AVAILABLE'
          ? 'SYNC_AVAILABLE'
          : parsed.kind === 'REAUTH_REQUIRED'
            ? 'REAUTH_REQUIRED'
            : 'IGNORED',
      occurredAt: new Date(Number(m[1])),
    };
  }

  async revoke(credentials: ProviderCredentials): Promise<void> {
    const link = this.links.get(credentials.extra?.itemId ?? '');
    if (link) link.revoked = true;
  }

  controls(): EmulatorControls {
    return {
      failNext: (f, n) => this.failNext(f, n),
      expireLogin: (id) => {
        const link = this.links.get(id);
        if (link) link.loginExpired = true;
      },
      webhook: async (kind, id, options) => {
        const at = (options?.at ?? new Date()).getTime();
        const body = Buffer.from(JSON.stringify({ id: randomUUID(), kind, link: id }));
        return { body, headers: { 'x-sandbox-signature': `t=${at},v1=${sign(body, at)}` }, path: '/v1/webhooks/plaid' };
      },
    };
  }

  private linkOf(credentials: ProviderCredentials): SandboxLink {
    const link = this.links.get(credentials.extra?.itemId ?? '');
    if (!link || credentials.accessToken !== `access-sandbox-${link.id}`)
      throw new ProviderError('REAUTH_REQUIRED', 'unknown access token');
    if (link.revoked) throw new ProviderError('REVOKED', 'item revoked');
    return link;
  }
}

function toProvider(c: Extract<SandboxChange, { transaction: unknown }>): ProviderTransaction {
  const t = c.transaction;
  return {
    providerTransactionId: t.id,
    providerAccountId: t.accountId,
    amount: t.amount,
    direction: t.direction,
    currency: t.currency,
    bookedOn: t.bookedOn,
    pending: t.pending,
    pendingTransactionId: t.pendingTransactionId,
    description: t.description,
    merchant: t.merchant,
  };
}

/** The scenario context over a fresh sandbox. */
export function sandboxScenarioContext(sandbox = new BankSandbox()): AdapterScenarioContext & {
  adapter: SandboxBankAdapter;
} {
  const adapter = new SandboxBankAdapter(sandbox);
  return {
    adapter,
    sandbox,
    controls: adapter.controls(),
    linkUser: async (_s, _i, username) => ({
      publicToken: adapter.publicTokenFor(username),
      redirectUri: _i.redirectUri,
    }),
    stop: async () => {},
  };
}
