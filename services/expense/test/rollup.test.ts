// The monthly rollup (migrations 0003, 0009) against the expenses themselves: after every kind of
// write, a report read from the rollup must equal the report aggregated from the expenses and splits;
// and two writers of one family's month do not wait for each other before they commit.
import { expect } from 'chai';
import { sql, type Kysely } from 'kysely';
import { newId } from '@family/db';
import type { ExpenseDatabase } from '../src/db/schema.js';
import { BankProvider } from '@family/contracts/common/v1/common';
import {
  BankTransactionAction,
  BankTransactionStatus,
  type BankTransaction,
} from '@family/contracts/expense/v1/expense';
import { ReportsStore, monthSpan, type ReportFilter, type ReportGrouping } from '../src/store/reports.store.js';
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

describe('ExpenseService report rollup', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  let f: Household;
  let ids: Record<string, string>;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
    f = await household(auth);
    const cats = (await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)).categories;
    ids = Object.fromEntries(cats.map((c) => [c.name, c.id]));
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });

  const sorted = (gs: { key: string; total: number; count: number }[]) =>
    [...gs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  /** Every grouping, filter and range shape: rollup (+ edges) equals the expenses alone. */
  async function expectRollupExact(): Promise<void> {
    const db = h.service.app.deps.db;
    const fast = new ReportsStore(db);
    const slow = new ReportsStore(db, false);
    const ranges: [string, string][] = [
      ['2023-01-01', '2025-12-31'], // whole months only
      ['2024-03-01', '2024-03-31'],
      ['2024-02-10', '2024-05-20'], // partial months at both ends
      ['2024-03-01', '2024-04-15'],
      ['2024-02-15', '2024-04-30'],
    ];
    const filters: Partial<ReportFilter>[] = [
      {},
      { memberId: f.child.memberId },
      { memberId: f.parent.memberId },
      { categoryIds: [ids.Dining!, ids.Cafes!, ids.Restaurants!] },
      { categoryIds: [ids.Fuel!], memberId: f.parent.memberId },
    ];
    const groupings: ReportGrouping[] = ['CATEGORY', 'MEMBER', 'MONTH', 'TAG'];
    for (const [from, to] of ranges) {
      for (const extra of filters) {
        const filter: ReportFilter = {
          familyId: f.familyId,
          from,
          to,
          memberId: undefined,
          categoryIds: undefined,
          ...extra,
        };
        for (const by of groupings) {
          const [a, b] = await Promise.all([fast.groups(filter, by), slow.groups(filter, by)]);
          expect(sorted(a), `${by} ${from}..${to} ${JSON.stringify(extra)}`).to.deep.equal(sorted(b));
        }
        expect(await fast.total(filter)).to.equal(await slow.total(filter));
        expect(await fast.topMerchants(filter, 50), `merchants ${from}..${to}`).to.deep.equal(
          await slow.topMerchants(filter, 50),
        );
      }
    }
    // No row is left that the expenses do not account for (rows that net to zero are harmless but
    // must be all zero).
    const merchants = await db
      .selectFrom('expense_monthly_merchants')
      .selectAll()
      .where('family_id', '=', f.familyId)
      .execute();
    for (const r of merchants) expect(r.expenses >= 0, JSON.stringify(r)).to.equal(true);
    const rows = await db
      .selectFrom('expense_monthly_totals')
      .selectAll()
      .where('family_id', '=', f.familyId)
      .execute();
    for (const r of rows) expect(r.lines >= 0 && r.expenses >= 0, JSON.stringify(r)).to.equal(true);
  }

  const create = async (on: string, amountMinor: number, extra: Record<string, unknown> = {}, as = f.asParent) =>
    (
      await h.client.createExpense(
        { familyId: f.familyId, amountMinor, description: 'x', occurredOn: d(on), ...extra },
        as,
      )
    ).expense!;
  const update = (expenseId: string, patch: Record<string, unknown>) =>
    h.client.updateExpense({ familyId: f.familyId, expenseId, ...patch }, f.asParent);

  it('splits a range into whole months and the partial months around them', () => {
    expect(monthSpan('2024-01-01', '2024-12-31')).to.deep.equal({
      months: { from: '2024-01-01', to: '2024-12-31' },
      edges: [],
    });
    expect(monthSpan('2024-02-10', '2024-05-20')).to.deep.equal({
      months: { from: '2024-03-01', to: '2024-04-30' },
      edges: [
        { from: '2024-02-10', to: '2024-02-29' },
        { from: '2024-05-01', to: '2024-05-20' },
      ],
    });
    expect(monthSpan('2024-03-02', '2024-03-30')).to.deep.equal({ edges: [{ from: '2024-03-02', to: '2024-03-30' }] });
  });

  it('stays exact through creates, updates, splits and deletes', async () => {
    await expectRollupExact();
    const plain = await create('2024-03-05', 1000, { categoryId: ids.Cafes, merchant: 'Blue Bottle', tags: ['work'] });
    const none = await create('2024-03-20', 300);
    const kid = await create('2024-03-21', 500, { categoryId: ids.Toys }, f.asChild);
    const usd = await create('2024-04-02', 100, { currency: 'USD', fxRate: '2', categoryId: ids.Restaurants });
    const split = await create('2024-03-31', 2000, {
      merchant: 'Market',
      splits: [
        { categoryId: ids.Cafes, amountMinor: 500 },
        { categoryId: ids.Fuel, amountMinor: 1500 },
      ],
    });
    await create('2024-02-14', 700, { categoryId: ids.Restaurants, tags: ['date'] });
    await expectRollupExact();

    await create('2024-03-06', 1000, { merchant: 'blue bottle' }, f.asChild);
    await update(plain.id, { amountMinor: 1200 });
    await update(none.id, { merchant: 'Market' });
    await update(none.id, { categoryId: ids.Fuel });
    await update(kid.id, { occurredOn: d('2024-05-02') });
    await update(usd.id, { memberId: f.child.memberId, fxRate: '3' });
    await expectRollupExact();

    // A split expense moved to another month and member carries its parts along.
    await update(split.id, { occurredOn: d('2024-02-20') });
    await update(split.id, { memberId: f.child.memberId });
    await expectRollupExact();
    // New parts, then back to one category, then split again.
    await update(split.id, {
      splits: {
        splits: [
          { categoryId: ids.Restaurants, amountMinor: 1200 },
          { categoryId: ids.Toys, amountMinor: 800 },
        ],
      },
    });
    await expectRollupExact();
    await update(split.id, { categoryId: ids.Cafes });
    await expectRollupExact();
    await update(split.id, {
      amountMinor: 3000,
      splits: {
        splits: [
          { categoryId: ids.Fuel, amountMinor: 1000 },
          { categoryId: ids.Cafes, amountMinor: 2000 },
        ],
      },
    });
    await expectRollupExact();

    await h.client.deleteExpense({ familyId: f.familyId, expenseId: plain.id }, f.asParent);
    await h.client.deleteExpense({ familyId: f.familyId, expenseId: split.id }, f.asParent);
    await expectRollupExact();
  });

  it('stays exact through bank import: added, pending to posted, modified and removed', async () => {
    const asBank = await serviceToken(auth, 'bank', ['expense:import']);
    const tx = (id: string, extra: Partial<BankTransaction> = {}): Partial<BankTransaction> => ({
      provider: BankProvider.BANK_PROVIDER_PLAID,
      providerTransactionId: id,
      accountId: 'acc-1',
      memberId: f.parent.memberId,
      amountMinor: 1000,
      currency: 'EUR',
      occurredOn: d('2024-03-29'),
      description: `Card payment ${id}`,
      merchant: 'Corner Shop',
      status: BankTransactionStatus.BANK_TRANSACTION_STATUS_POSTED,
      action: BankTransactionAction.BANK_TRANSACTION_ACTION_ADDED,
      ...extra,
    });
    const bank = (transactions: Partial<BankTransaction>[]) =>
      h.client.importBankTransactions({ familyId: f.familyId, transactions }, asBank);
    await bank([
      tx('p1', { status: BankTransactionStatus.BANK_TRANSACTION_STATUS_PENDING, amountMinor: 900 }),
      tx('m1'),
      tx('r1', { memberId: f.child.memberId }),
    ]);
    await expectRollupExact();
    // Posted a month later than pending, with another amount; modified; removed.
    await bank([
      tx('posted1', { pendingTransactionId: 'p1', amountMinor: 950, occurredOn: d('2024-04-01') }),
      tx('m1', { action: BankTransactionAction.BANK_TRANSACTION_ACTION_MODIFIED, amountMinor: 1100 }),
      tx('r1', { action: BankTransactionAction.BANK_TRANSACTION_ACTION_REMOVED }),
    ]);
    await expectRollupExact();
  });

  it('stays exact through CSV import', async () => {
    const csv = [
      'date,amount,currency,description,category,tags',
      '2024-03-03,12.50,EUR,Coffee,Dining > Cafes,work',
      '2024-04-30,40,EUR,Fuel,Transport > Fuel,',
      '2024-05-01,3,EUR,Gum,,',
      '2023-12-31,99.99,EUR,Party,,',
    ].join('\n');
    const r = await h.client.importExpensesCsv({ familyId: f.familyId, csv: Buffer.from(csv) }, f.asParent);
    expect(r.errors).to.deep.equal([]);
    expect(r.importedCount).to.equal(4);
    await expectRollupExact();
  });

  it('locks no rollup row before commit: two writers of the same month do not wait for each other', async () => {
    const db = h.service.app.deps.db;
    const insert = (trx: Kysely<ExpenseDatabase>, description: string) =>
      trx
        .insertInto('expenses')
        .values({
          id: newId(),
          family_id: f.familyId,
          member_id: f.parent.memberId,
          amount_minor: 700,
          currency: 'EUR',
          base_amount_minor: 700,
          base_currency: 'EUR',
          fx_rate: '1',
          fx_rate_source: 'NONE',
          occurred_on: '2024-06-12',
          description,
          merchant: 'Same Shop',
          split: false,
          tags: [],
          note: '',
          source: 'MANUAL',
          flagged: false,
          flag_reason: '',
          pending: false,
          fingerprint: description,
        })
        .execute();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const first = new Promise<void>((resolve) => (inserted = resolve));
    // The first writer inserts and stays open until the second has inserted and committed; had the
    // insert locked the month's rollup rows, the second would wait on it and give up at its lock timeout.
    const a = db.transaction().execute(async (trx) => {
      await insert(trx, 'first writer');
      inserted();
      await held;
    });
    await first;
    try {
      await db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '10s'`.execute(trx);
        await insert(trx, 'second writer');
      });
    } finally {
      release();
      await a;
    }
    await expectRollupExact();
    const june = await db
      .selectFrom('expense_monthly_merchants')
      .select(['amount', 'expenses'])
      .where('family_id', '=', f.familyId)
      .where('month', '=', '2024-06-01')
      .where('merchant', '=', 'Same Shop')
      .executeTakeFirstOrThrow();
    expect([Number(june.amount), Number(june.expenses)]).to.deep.equal([1400, 2]);
  });
});
