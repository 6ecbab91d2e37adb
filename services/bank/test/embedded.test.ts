// The local mode: auth, expense and bank share one embedded PGlite database in one process, whose
// single connection a transaction holds; linking, syncing (with the scheduler and relay running),
// a webhook and an account update must never wait on a query outside their transaction.
import { expect } from 'chai';
import { Products, Configuration, PlaidApi } from 'plaid';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { BankProvider, ExpenseSource } from '@family/contracts/common/v1/common';
import { BankServiceDefinition, SyncState } from '@family/contracts/bank/v1/bank';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { openSql, type SqlHandle } from '@family/db';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { waitFor, testCipherKeys } from '@family/testing';
import { startPlaidEmulator, type PlaidEmulator } from '@family/emulators';
import { authConfigSchema, startAuthService, type RunningAuthService } from '@family/auth-service';
import { expenseConfigSchema, startExpenseService, type RunningExpenseService } from '@family/expense-service';
import { bankConfigSchema, startBankService, type RunningBankService } from '../src/index.js';
import { bearer, createHousehold, PLAID_CLIENT_ID, PLAID_SECRET, SERVICE_CLIENTS, tokenKey } from './bank.harness.js';

describe('bank service on embedded PGlite', function () {
  this.timeout(60_000);
  let sql: SqlHandle;
  let auth: RunningAuthService;
  let expense: RunningExpenseService;
  let bank: RunningBankService;
  let plaid: PlaidEmulator;

  before(async () => {
    sql = await openSql({});
    plaid = await startPlaidEmulator({ clientId: PLAID_CLIENT_ID, secret: PLAID_SECRET });
    auth = await startAuthService({
      config: authConfigSchema.parse({
        SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
        AUTH_GRPC_HOST: '127.0.0.1',
        AUTH_GRPC_PORT: '0',
        AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS,
      }),
      sql,
      logger: silentLogger(),
    });
    expense = await startExpenseService({
      config: expenseConfigSchema.parse({
        EXPENSE_GRPC_HOST: '127.0.0.1',
        EXPENSE_GRPC_PORT: '0',
        AUTH_GRPC_URL: auth.address,
        AUTH_CLIENT_ID: 'expense',
        AUTH_CLIENT_SECRET: 'expense-secret',
        SCHEDULER_INTERVAL_MS: '0',
      }),
      sql,
      logger: silentLogger(),
    });
    bank = await startBankService({
      config: bankConfigSchema.parse({
        BANK_GRPC_HOST: '127.0.0.1',
        BANK_GRPC_PORT: '0',
        AUTH_GRPC_URL: auth.address,
        AUTH_CLIENT_SECRET: 'bank-secret',
        EXPENSE_GRPC_URL: expense.address,
        BANK_TOKEN_KEYS: `k1:${tokenKey()}`,
        PLAID_BASE_URL: plaid.url,
        PLAID_CLIENT_ID,
        PLAID_SECRET,
        BANK_SCHEDULER_POLL_MS: '20',
        OUTBOX_POLL_MS: '20',
      }),
      sql,
      logger: silentLogger(),
    });
  });
  after(async () => {
    await bank?.stop();
    await expense?.stop();
    await auth?.stop();
    await plaid?.stop();
    await sql?.close();
  });

  it('links, syncs into expenses, takes a webhook and an account update', async () => {
    const authClient = createGrpcClient(AuthServiceDefinition, auth.address, { defaultDeadlineMs: 20_000 });
    const client = createGrpcClient(BankServiceDefinition, bank.address, { defaultDeadlineMs: 20_000 });
    const expenses = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 20_000 });
    const f = await createHousehold(authClient);
    plaid.sandbox.add({
      accountId: 'acc_checking',
      amount: '12.34',
      direction: 'OUT',
      currency: 'USD',
      bookedOn: new Date().toISOString().slice(0, 10),
      pending: false,
      description: 'Embedded groceries',
    });
    const session = await client.createLinkSession(
      { familyId: f.familyId, provider: BankProvider.BANK_PROVIDER_PLAID },
      bearer(f.parentToken),
    );
    const api = new PlaidApi(
      new Configuration({
        basePath: plaid.url,
        baseOptions: { headers: { 'PLAID-CLIENT-ID': PLAID_CLIENT_ID, 'PLAID-SECRET': PLAID_SECRET } },
      }),
    );
    const { data } = await api.sandboxPublicTokenCreate({
      institution_id: 'ins_sandbox',
      initial_products: [Products.Transactions],
    });
    const linked = await client.createConnection(
      {
        familyId: f.familyId,
        provider: BankProvider.BANK_PROVIDER_PLAID,
        publicToken: data.public_token,
        state: session.session!.state,
      },
      bearer(f.parentToken),
    );
    const connectionId = linked.connection!.id;
    const status = await waitFor(
      async () => {
        const s = (await client.getSyncStatus({ familyId: f.familyId, connectionId }, bearer(f.parentToken))).sync;
        return s?.state === SyncState.SYNC_STATE_SUCCEEDED || s?.state === SyncState.SYNC_STATE_FAILED ? s : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(status.state, status.errorMessage).to.equal(SyncState.SYNC_STATE_SUCCEEDED);
    const listed = await expenses.listExpenses(
      { familyId: f.familyId, source: ExpenseSource.EXPENSE_SOURCE_BANK },
      bearer(f.parentToken),
    );
    expect(listed.expenses.map((e) => e.description)).to.include('Embedded groceries');

    const { body, verification } = plaid.controls.webhookFor({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: plaid.controls.items().at(-1)!.itemId,
    });
    const hook = await client.handleWebhook({
      provider: BankProvider.BANK_PROVIDER_PLAID,
      body: Buffer.from(body),
      headers: { 'plaid-verification': verification },
      path: '/v1/webhooks/plaid',
    });
    expect(hook.accepted).to.equal(true);
    const [sync, update] = await Promise.all([
      client.syncConnection({ familyId: f.familyId, connectionId }, bearer(f.parentToken)),
      client.updateAccount(
        { familyId: f.familyId, accountId: linked.accounts[0]!.id, name: 'Ours' },
        bearer(f.parentToken),
      ),
    ]);
    expect(sync.sync?.id).to.be.a('string');
    expect(update.account?.name).to.equal('Ours');
  });
});
