// The local mode: auth and expense share one embedded PGlite database in one process. A transaction
// there holds the only connection, so a query outside it — or a gRPC call to auth, which needs the
// same connection — while it is open would wait forever. This suite drives every write path on PGlite.
import { expect } from 'chai';
import { openSql, type SqlHandle } from '@family/db';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { newEvent } from '@family/outbox';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { BankProvider } from '@family/contracts/common/v1/common';
import {
  BankTransactionAction,
  BankTransactionStatus,
  BudgetPeriod,
  ExpenseServiceDefinition,
  RecurringFrequency,
  SpendingLimitPeriod,
  SpendingReportGroupBy,
} from '@family/contracts/expense/v1/expense';
import { authConfigSchema, startAuthService, type RunningAuthService } from '@family/auth-service';
import { expenseConfigSchema, startExpenseService, type RunningExpenseService } from '../src/index.js';
import { d, household, SERVICE_CLIENTS, serviceToken, TestClock, type AuthHarness } from './expense.harness.js';
import { testCipherKeys } from '@family/testing';

describe('expense service on embedded PGlite', () => {
  let sql: SqlHandle;
  let auth: RunningAuthService;
  let expense: RunningExpenseService;
  let harness: AuthHarness;
  const clock = new TestClock();

  before(async () => {
    sql = await openSql({});
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
        AUTH_CLIENT_SECRET: 'expense-secret',
        SCHEDULER_INTERVAL_MS: '0',
      }),
      sql,
      logger: silentLogger(),
      now: clock.now,
    });
    const client = createGrpcClient(AuthServiceDefinition, auth.address, { defaultDeadlineMs: 10_000 });
    harness = { service: auth, client, address: auth.address } as unknown as AuthHarness;
  });
  after(async () => {
    await expense.stop();
    await auth.stop();
    await sql.close();
  });

  it('runs every write path, with concurrent requests, without waiting on itself', async () => {
    clock.set('2024-06-15T10:00:00Z');
    const client = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 10_000 });
    const f = await household(harness);
    const { familyId } = f;
    const cats = (await client.listCategories({ familyId, page: { limit: 200 } }, f.asParent)).categories;
    const id = (name: string) => cats.find((c) => c.name === name)!.id;

    const pets = await client.createCategory({ familyId, name: 'Pets' }, f.asParent);
    await client.updateCategory({ familyId, categoryId: pets.category!.id, name: 'Animals' }, f.asParent);
    await client.setFxRate({ familyId, currency: 'USD', rate: '0.9' }, f.asParent);
    await client.createCategorizationRule({ familyId, pattern: 'shell', categoryId: id('Fuel') }, f.asParent);
    await client.createBudget(
      { familyId, name: 'Kids', categoryId: id('Kids'), period: BudgetPeriod.BUDGET_PERIOD_MONTH, amountMinor: 1000 },
      f.asParent,
    );
    await client.putSpendingLimits(
      {
        familyId,
        memberId: f.child.memberId,
        limits: [{ period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_DAY, amountMinor: 500 }],
      },
      f.asParent,
    );

    const created = await Promise.all([
      client.createExpense({ familyId, amountMinor: 900, description: 'Toy', categoryId: id('Toys') }, f.asChild),
      client.createExpense(
        { familyId, amountMinor: 2000, currency: 'USD', description: 'Fuel', merchant: 'Shell' },
        f.asParent,
      ),
      client.createExpense(
        {
          familyId,
          amountMinor: 300,
          description: 'Split',
          splits: [
            { categoryId: id('Cafes'), amountMinor: 100 },
            { categoryId: id('Bakery'), amountMinor: 200 },
          ],
        },
        f.asParent,
      ),
      client.createExpense(
        { familyId, memberId: f.child.memberId, amountMinor: 50, description: 'Gum', merchant: 'Kiosk' },
        f.asParent,
      ),
    ]);
    expect(created[0].expense!.flagged).to.equal(true);
    expect(created[1].expense!.categoryId).to.equal(id('Fuel'));
    const gum = created[3].expense!;
    await Promise.all([
      client.updateExpense({ familyId, expenseId: gum.id, categoryId: id('Pocket money') }, f.asParent),
      client.updateExpense({ familyId, expenseId: created[2].expense!.id, note: 'shared' }, f.asParent),
    ]);
    await client.applyCategorizationRules({ familyId }, f.asParent);

    const csv = await client.importExpensesCsv(
      {
        familyId,
        csv: Buffer.from('date,amount,description,merchant\n2024-06-14,4.00,Snack,Kiosk\n2024-06-13,2.00,Water,\n'),
      },
      f.asParent,
    );
    expect(csv.importedCount).to.equal(2);
    let exported = '';
    for await (const c of client.exportExpensesCsv({ familyId }, f.asParent))
      exported += Buffer.from(c.chunk).toString();
    expect(exported.trim().split('\r\n')).to.have.length(7);

    const asBank = await serviceToken(harness, 'bank', ['expense:import']);
    const tx = (id: string, extra: Record<string, unknown> = {}) => ({
      provider: BankProvider.BANK_PROVIDER_TINK,
      providerTransactionId: id,
      memberId: f.parent.memberId,
      amountMinor: 1234,
      currency: 'EUR',
      occurredOn: d('2024-06-12'),
      description: 'Card',
      status: BankTransactionStatus.BANK_TRANSACTION_STATUS_PENDING,
      ...extra,
    });
    await client.importBankTransactions({ familyId, transactions: [tx('p1'), tx('r1')] }, asBank);
    const bank = await client.importBankTransactions(
      {
        familyId,
        transactions: [
          tx('b1', { pendingTransactionId: 'p1', status: BankTransactionStatus.BANK_TRANSACTION_STATUS_POSTED }),
          tx('r1', { action: BankTransactionAction.BANK_TRANSACTION_ACTION_REMOVED }),
        ],
      },
      asBank,
    );
    expect(bank).to.deep.include({ modified: 1, removed: 1 });

    const rule = await client.createRecurringExpense(
      {
        familyId,
        template: { amountMinor: 100, description: 'Streaming', currency: 'USD' },
        frequency: RecurringFrequency.RECURRING_FREQUENCY_MONTHLY,
        startOn: d('2024-05-31'),
      },
      f.asParent,
    );
    await client.updateRecurringExpense(
      { familyId, recurringExpenseId: rule.recurringExpense!.id, interval: 1 },
      f.asParent,
    );
    expect(await expense.app.scheduler.runOnce(new Date('2024-09-01T10:00:00Z'))).to.equal(3);

    const asGoals = await serviceToken(harness, 'goals', ['events:write']);
    const jar = newEvent({
      source: 'goals',
      familyId,
      payload: {
        $case: 'jarSpent',
        value: {
          ledgerEntryId: '0190a000-0000-7000-8000-0000000000aa',
          memberId: f.child.memberId,
          amount: { amountMinor: 100, currency: 'EUR' },
          description: 'Sweets',
          merchant: '',
          categoryId: '',
          occurredOn: d('2024-06-15'),
        },
      },
    });
    await Promise.all([
      client.handleEvents({ events: [jar] }, asGoals),
      client.handleEvents({ events: [jar] }, asGoals),
    ]);

    const report = await client.getSpendingReport(
      {
        familyId,
        from: d('2024-06-01'),
        to: d('2024-06-30'),
        groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MEMBER,
      },
      f.asParent,
    );
    expect(report.groups.map((g) => g.label)).to.have.members(['Pat', 'Sam']);
    const budgets = await client.listBudgets({ familyId }, f.asParent);
    // Toy 900 + Gum 50 (recategorized) + the Kiosk snack, categorized by the merchant rule that was learned.
    expect(budgets.budgets[0]!.status!.spentMinor).to.equal(1350);
    await client.deleteCategory({ familyId, categoryId: pets.category!.id }, f.asParent);
    await client.deleteExpense({ familyId, expenseId: created[2].expense!.id }, f.asParent);
    const all = await client.listExpenses({ familyId, page: { limit: 200 } }, f.asParent);
    expect(all.expenses).to.have.length(10);
  });
});
