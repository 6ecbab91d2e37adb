import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { BankProvider, ExpenseSource } from '@family/contracts/common/v1/common';
import {
  BankTransactionAction,
  BankTransactionStatus,
  FxRateSource,
  type BankTransaction,
} from '@family/contracts/expense/v1/expense';
import {
  d,
  household,
  serviceToken,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

describe('ExpenseService bank import', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  let asBank: Awaited<ReturnType<typeof serviceToken>>;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
    asBank = await serviceToken(auth, 'bank', ['expense:import']);
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });

  const tx = (f: Household, id: string, extra: Partial<BankTransaction> = {}): Partial<BankTransaction> => ({
    provider: BankProvider.BANK_PROVIDER_PLAID,
    providerTransactionId: id,
    accountId: 'acc-1',
    memberId: f.parent.memberId,
    amountMinor: 1000,
    currency: 'EUR',
    occurredOn: d('2024-04-02'),
    description: `Card payment ${id}`,
    merchant: 'Corner Shop',
    status: BankTransactionStatus.BANK_TRANSACTION_STATUS_POSTED,
    action: BankTransactionAction.BANK_TRANSACTION_ACTION_ADDED,
    ...extra,
  });
  const bankExpenses = async (f: Household) =>
    (
      await h.client.listExpenses(
        { familyId: f.familyId, source: ExpenseSource.EXPENSE_SOURCE_BANK, page: { limit: 200 } },
        f.asParent,
      )
    ).expenses;

  it('imports a batch once: sending it again changes nothing', async () => {
    const f = await household(auth);
    const batch = [tx(f, 't1'), tx(f, 't2', { amountMinor: 250 }), tx(f, 'income', { amountMinor: -5000 })];
    const first = await h.client.importBankTransactions({ familyId: f.familyId, transactions: batch }, asBank);
    expect(first).to.deep.equal({ added: 2, modified: 0, removed: 0, unchanged: 0, skipped: 1 });
    const second = await h.client.importBankTransactions({ familyId: f.familyId, transactions: batch }, asBank);
    expect(second).to.deep.equal({ added: 0, modified: 0, removed: 0, unchanged: 2, skipped: 1 });
    const rows = await bankExpenses(f);
    expect(rows.map((e) => [e.bankTransactionId, e.amountMinor, e.bankProvider, e.version]).sort()).to.deep.equal([
      ['t1', 1000, BankProvider.BANK_PROVIDER_PLAID, 1],
      ['t2', 250, BankProvider.BANK_PROVIDER_PLAID, 1],
    ]);
  });

  it('replaces a pending transaction with its posted one in place, updates modified ones and deletes removed ones', async () => {
    const f = await household(auth);
    const toys = (
      await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)
    ).categories.find((c) => c.name === 'Toys')!.id;
    await h.client.importBankTransactions(
      {
        familyId: f.familyId,
        transactions: [
          tx(f, 'p1', { status: BankTransactionStatus.BANK_TRANSACTION_STATUS_PENDING, amountMinor: 900 }),
          tx(f, 'm1'),
          tx(f, 'r1'),
        ],
      },
      asBank,
    );
    const pending = (await bankExpenses(f)).find((e) => e.bankTransactionId === 'p1')!;
    expect(pending.pending).to.equal(true);
    // The user categorizes the pending one; the posted version keeps it.
    await h.client.updateExpense({ familyId: f.familyId, expenseId: pending.id, categoryId: toys }, f.asParent);
    const r = await h.client.importBankTransactions(
      {
        familyId: f.familyId,
        transactions: [
          tx(f, 'posted1', { pendingTransactionId: 'p1', amountMinor: 950 }),
          tx(f, 'm1', {
            action: BankTransactionAction.BANK_TRANSACTION_ACTION_MODIFIED,
            amountMinor: 1100,
            merchant: 'Corner Shop Ltd',
          }),
          tx(f, 'r1', { action: BankTransactionAction.BANK_TRANSACTION_ACTION_REMOVED }),
          tx(f, 'gone', { action: BankTransactionAction.BANK_TRANSACTION_ACTION_REMOVED }),
        ],
      },
      asBank,
    );
    expect(r).to.deep.equal({ added: 0, modified: 2, removed: 1, unchanged: 1, skipped: 0 });
    const rows = await bankExpenses(f);
    expect(rows.map((e) => e.bankTransactionId).sort()).to.deep.equal(['m1', 'posted1']);
    const posted = rows.find((e) => e.bankTransactionId === 'posted1')!;
    expect(posted).to.include({ id: pending.id, pending: false, amountMinor: 950, categoryId: toys, version: 3 });
    expect(rows.find((e) => e.bankTransactionId === 'm1')).to.include({
      amountMinor: 1100,
      merchant: 'Corner Shop Ltd',
    });
    const again = await h.client.importBankTransactions(
      { familyId: f.familyId, transactions: [tx(f, 'posted1', { pendingTransactionId: 'p1', amountMinor: 950 })] },
      asBank,
    );
    expect(again.unchanged).to.equal(1);
  });

  it('categorizes bank expenses with the rules and converts foreign amounts with the family table', async () => {
    const f = await household(auth);
    const fuel = (
      await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)
    ).categories.find((c) => c.name === 'Fuel')!.id;
    await h.client.createCategorizationRule({ familyId: f.familyId, pattern: 'shell', categoryId: fuel }, f.asParent);
    await h.client.setFxRate({ familyId: f.familyId, currency: 'USD', rate: '0.9' }, f.asParent);
    await h.client.importBankTransactions(
      { familyId: f.familyId, transactions: [tx(f, 'u1', { currency: 'USD', amountMinor: 1000, merchant: 'Shell' })] },
      asBank,
    );
    const [e] = await bankExpenses(f);
    expect(e).to.include({ categoryId: fuel, baseAmountMinor: 900, currency: 'USD' });
  });

  it('records a transaction in a currency the family has no rate for, with its rate unavailable', async () => {
    const f = await household(auth);
    // One such transaction used to refuse the whole batch, and with it every later sync of the account.
    const r = await h.client.importBankTransactions(
      {
        familyId: f.familyId,
        transactions: [tx(f, 'y1', { currency: 'JPY', amountMinor: 1500, merchant: 'Konbini' }), tx(f, 'e1')],
      },
      asBank,
    );
    expect(r.added).to.equal(2);
    const byId = new Map((await bankExpenses(f)).map((e) => [e.bankTransactionId, e]));
    expect(byId.get('y1')).to.include({
      currency: 'JPY',
      amountMinor: 1500,
      baseAmountMinor: 1500,
      fxRateSource: FxRateSource.FX_RATE_SOURCE_UNAVAILABLE,
    });
    expect(byId.get('e1')).to.include({ baseAmountMinor: 1000, fxRateSource: FxRateSource.FX_RATE_SOURCE_NONE });
  });

  it('needs the expense:import scope and names bad transactions by index', async () => {
    const f = await household(auth);
    await expectGrpcError(
      h.client.importBankTransactions({ familyId: f.familyId, transactions: [tx(f, 'x')] }, f.asParent),
      Status.PERMISSION_DENIED,
    );
    const wrongScope = await serviceToken(auth, 'goals', ['events:write']);
    await expectGrpcError(
      h.client.importBankTransactions({ familyId: f.familyId, transactions: [tx(f, 'x')] }, wrongScope),
      Status.PERMISSION_DENIED,
      'SCOPE_REQUIRED',
    );
    const bad = await expectGrpcError(
      h.client.importBankTransactions(
        { familyId: f.familyId, transactions: [tx(f, 'ok'), tx(f, '', { memberId: 'x', currency: 'EURO' })] },
        asBank,
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(bad.violations.map((v) => v.field)).to.deep.equal([
      'transactions.1.providerTransactionId',
      'transactions.1.memberId',
      'transactions.1.currency',
    ]);
  });

  it('imports thousands of rows in one call with batched writes', async () => {
    const f = await household(auth);
    const batch = Array.from({ length: 3000 }, (_, i) => tx(f, `bulk-${i}`, { amountMinor: 100 + i }));
    const started = Date.now();
    const r = await h.client.importBankTransactions({ familyId: f.familyId, transactions: batch }, asBank);
    expect(r.added).to.equal(3000);
    expect(Date.now() - started).to.be.lessThan(10_000);
  });
});
