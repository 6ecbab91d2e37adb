// Test harness: the real auth, expense and bank services on port 0, each on a fresh schema, the bank
// service talking to the Plaid emulator through the Plaid adapter (the real `plaid` client), a
// recording event subscriber, and households (a parent, a family, children) made through auth's API.
import { randomBytes } from 'node:crypto';
import { Metadata, createServer, type Server } from 'nice-grpc';
import { Products } from 'plaid';
import { Configuration, PlaidApi } from 'plaid';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { onFreshSchema, openTestSql } from '@family/testing';
import { Role, ExpenseSource, BankProvider } from '@family/contracts/common/v1/common';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { BankServiceDefinition } from '@family/contracts/bank/v1/bank';
import { ExpenseServiceDefinition, type Expense } from '@family/contracts/expense/v1/expense';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import type { Client } from 'nice-grpc';
import { bearer, email, PASSWORD, startTestAuth } from '@family/auth-service/testing';
import { expenseConfigSchema, startExpenseService } from '@family/expense-service';
import { BankSandbox, startPlaidEmulator, type PlaidEmulator } from '@family/emulators';
import { PlaidAdapter } from '../src/adapters/plaid.adapter.js';
import type { BankAdapter } from '../src/adapters/bank.adapter.js';
import { bankConfigSchema, startBankService } from '../src/index.js';

export { bearer, PASSWORD };

export const PLAID_CLIENT_ID = 'bank-tests-client';
export const PLAID_SECRET = 'bank-tests-secret';

export const SERVICE_CLIENTS =
  'bank:bank-secret:auth:read events:write expense:import,expense:expense-secret:auth:read events:write';

export const tokenKey = () => randomBytes(32).toString('base64');

type AuthClient = Client<typeof AuthServiceDefinition>;

export interface Household {
  familyId: string;
  parentToken: string;
  parentMemberId: string;
  kids: { memberId: string; token: string; username: string }[];
}

let counter = 0;

export async function createHousehold(
  authClient: AuthClient,
  input: { kids?: number; currency?: string; name?: string } = {},
): Promise<Household> {
  const parent = await authClient.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
  const created = await authClient.createFamily(
    { name: input.name ?? 'Smiths', currency: input.currency ?? 'USD', timezone: 'America/New_York' },
    bearer(parent.tokens!.accessToken),
  );
  const familyId = created.family!.id;
  const kids: Household['kids'] = [];
  for (let i = 0; i < (input.kids ?? 1); i++) {
    const username = `kid${Date.now().toString(36)}${counter++}${Math.floor(Math.random() * 1e4)}`;
    const child = await authClient.createChild(
      { familyId, displayName: `Kid ${i}`, username, password: 'kids secret pw' },
      bearer(created.accessToken),
    );
    const login = await authClient.login({ login: username, password: 'kids secret pw' });
    kids.push({ memberId: child.member!.id, token: login.tokens!.accessToken, username });
  }
  return { familyId, parentToken: created.accessToken, parentMemberId: created.member!.id, kids };
}

/** A gRPC EventConsumerService that records what the bank service's relay delivers. */
export async function startRecordingSubscriber() {
  const events: DomainEvent[] = [];
  const server: Server = createServer();
  server.add(EventConsumerServiceDefinition, {
    async handleEvents(req) {
      for (const e of req.events) if (!events.some((x) => x.id === e.id)) events.push(e);
      return { accepted: req.events.length };
    },
  });
  const port = await server.listen('127.0.0.1:0');
  return { address: `127.0.0.1:${port}`, events, stop: () => server.shutdown() };
}

export interface BankHarnessOptions {
  env?: Record<string, string>;
  /** Wraps the Plaid adapter (tests that count or slow calls). */
  wrapAdapter?: (adapter: BankAdapter) => BankAdapter;
  sandbox?: BankSandbox;
  /**
   * The expense service and the Plaid sandbox already running in processes of their own (the
   * benchmark's production shape): the harness starts only auth and the bank service. Without the
   * in-process emulator there are no Plaid controls; the sandbox is the default one (its users).
   */
  elsewhere?: {
    plaidUrl: string;
    startExpense(authAddress: string): Promise<{ address: string; stop(): Promise<void> }>;
  };
}

export async function startBankHarness(options: BankHarnessOptions = {}) {
  const auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS });
  const { elsewhere } = options;
  const expense = elsewhere
    ? await elsewhere.startExpense(auth.service.address).then((service) => ({ service, stop: () => service.stop() }))
    : await onFreshSchema('expense', async ({ sql, schema }) => {
        const config = expenseConfigSchema.parse({
          DB_SCHEMA: schema,
          EXPENSE_GRPC_HOST: '127.0.0.1',
          EXPENSE_GRPC_PORT: '0',
          AUTH_GRPC_URL: auth.service.address,
          AUTH_CLIENT_ID: 'expense',
          AUTH_CLIENT_SECRET: 'expense-secret',
          SCHEDULER_INTERVAL_MS: '0',
        });
        const service = await startExpenseService({ config, sql, logger: silentLogger() });
        return { service, stop: () => service.stop() };
      });
  const plaid = elsewhere
    ? { url: elsewhere.plaidUrl, sandbox: new BankSandbox(), stop: async () => undefined }
    : await startPlaidEmulator({
        clientId: PLAID_CLIENT_ID,
        secret: PLAID_SECRET,
        ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      });
  const subscriber = await startRecordingSubscriber();
  const adapter = (): BankAdapter => {
    const real = new PlaidAdapter({
      basePath: plaid.url,
      clientId: PLAID_CLIENT_ID,
      secret: PLAID_SECRET,
      clientName: 'Family Expenses',
      webhookUrl: 'http://127.0.0.1:9/v1/webhooks/plaid',
      countries: ['US'],
      // As the service's own adapter would be configured (configuredAdapters).
      pageSize: options.env?.PLAID_PAGE_SIZE ? Number(options.env.PLAID_PAGE_SIZE) : undefined,
    });
    return options.wrapAdapter ? options.wrapAdapter(real) : real;
  };
  const keys = `k1:${tokenKey()}`;
  const bankEnv = (schema: string) => ({
    DB_SCHEMA: schema,
    BANK_GRPC_HOST: '127.0.0.1',
    BANK_GRPC_PORT: '0',
    AUTH_GRPC_URL: auth.service.address,
    AUTH_CLIENT_SECRET: 'bank-secret',
    EXPENSE_GRPC_URL: expense.service.address,
    BANK_TOKEN_KEYS: keys,
    PLAID_BASE_URL: plaid.url,
    PLAID_CLIENT_ID,
    PLAID_SECRET,
    BANK_SCHEDULER_POLL_MS: '0',
    BANK_RETRY_BASE_MS: '60000',
    EVENT_SUBSCRIBERS: `notification=${subscriber.address}`,
    OUTBOX_POLL_MS: '50',
    ...options.env,
  });
  const bank = await onFreshSchema('bank', async ({ sql, schema }) => {
    const config = bankConfigSchema.parse(bankEnv(schema));
    const service = await startBankService({ config, sql, logger: silentLogger(), adapters: [adapter()] });
    return { service, config, stop: () => service.stop() };
  });

  /** A second replica of the bank service on the same schema (its own connections and lease owner). */
  async function replica(env: Record<string, string> = {}) {
    const sql = await openTestSql();
    const config = bankConfigSchema.parse({ ...bankEnv(bank.schema), ...env });
    const service = await startBankService({ config, sql, logger: silentLogger(), adapters: [adapter()] });
    return {
      service,
      client: createGrpcClient(BankServiceDefinition, service.address, { defaultDeadlineMs: 30_000 }),
      async stop() {
        await service.stop();
        await sql.close();
      },
    };
  }

  const client = createGrpcClient(BankServiceDefinition, bank.service.address, { defaultDeadlineMs: 30_000 });
  const expenses = createGrpcClient(ExpenseServiceDefinition, expense.service.address, { defaultDeadlineMs: 30_000 });
  const plaidApi = new PlaidApi(
    new Configuration({
      basePath: plaid.url,
      baseOptions: { headers: { 'PLAID-CLIENT-ID': PLAID_CLIENT_ID, 'PLAID-SECRET': PLAID_SECRET } },
    }),
  );

  /** Links the Plaid sandbox user as the household's parent: link session → public token → connection. */
  async function link(h: Household, username = 'user_good', token = h.parentToken) {
    const session = await client.createLinkSession(
      { familyId: h.familyId, provider: BankProvider.BANK_PROVIDER_PLAID, redirectUri: 'https://app.example/bank' },
      bearer(token),
    );
    const user = plaid.sandbox.user(username)!;
    const { data } = await plaidApi.sandboxPublicTokenCreate({
      institution_id: user.institution.id,
      initial_products: [Products.Transactions],
      options: { override_username: username, override_password: user.password },
    });
    return client.createConnection(
      {
        familyId: h.familyId,
        provider: BankProvider.BANK_PROVIDER_PLAID,
        publicToken: data.public_token,
        state: session.session!.state,
      },
      bearer(token),
    );
  }

  /** Every BANK expense of the family, as its parent sees them. */
  async function bankExpenses(h: Household): Promise<Expense[]> {
    const all: Expense[] = [];
    let cursor = '';
    do {
      const r = await expenses.listExpenses(
        { familyId: h.familyId, source: ExpenseSource.EXPENSE_SOURCE_BANK, page: { limit: 200, cursor } },
        bearer(h.parentToken),
      );
      all.push(...r.expenses);
      cursor = r.page?.nextCursor ?? '';
    } while (cursor);
    return all;
  }

  /** A second parent who joined the family by invite. */
  async function coParent(h: Household): Promise<{ memberId: string; token: string }> {
    const invite = await auth.client.createInvite(
      { familyId: h.familyId, role: Role.ROLE_PARENT, ttlSeconds: 0 },
      bearer(h.parentToken),
    );
    const user = await auth.client.register({ email: email(), password: PASSWORD, displayName: 'Alex' });
    const joined = await auth.client.acceptInvite({ code: invite.invite!.code }, bearer(user.tokens!.accessToken));
    return { memberId: joined.member!.id, token: joined.accessToken };
  }

  return {
    auth,
    expense,
    bank,
    plaid: plaid as PlaidEmulator,
    sandbox: plaid.sandbox,
    subscriber,
    client,
    expenses,
    link,
    bankExpenses,
    coParent,
    replica,
    household: (input: { kids?: number; currency?: string; name?: string } = {}) => createHousehold(auth.client, input),
    /** Waits for the connection's running sync (if any) on the harness's service. */
    idle: () => bank.service.runner.drain(),
    async stop() {
      await bank.stop();
      await subscriber.stop();
      await plaid.stop();
      await expense.stop();
      await auth.stop();
    },
  };
}

export type BankHarness = Awaited<ReturnType<typeof startBankHarness>>;

/** Metadata without a token. */
export function anonymous(): { metadata: Metadata } {
  return { metadata: new Metadata() };
}
