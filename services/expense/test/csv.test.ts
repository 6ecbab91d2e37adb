import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import {
  d,
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

describe('ExpenseService CSV export and import', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });

  const exportCsv = async (f: Household, req: Record<string, unknown> = {}, as = f.asParent) => {
    const chunks: Buffer[] = [];
    let filename = '';
    for await (const c of h.client.exportExpensesCsv({ familyId: f.familyId, ...req }, as)) {
      chunks.push(Buffer.from(c.chunk));
      if (c.filename) filename = c.filename;
    }
    return { text: Buffer.concat(chunks).toString('utf8'), filename, chunks: chunks.length };
  };
  const snapshot = async (f: Household) =>
    (await h.client.listExpenses({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)).expenses
      .map((e) => ({
        memberId: e.memberId,
        amountMinor: e.amountMinor,
        currency: e.currency,
        baseAmountMinor: e.baseAmountMinor,
        occurredOn: e.occurredOn,
        description: e.description,
        merchant: e.merchant,
        categoryId: e.categoryId,
        tags: e.tags,
        note: e.note,
        splits: e.splits,
      }))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

  it('round-trips: an export deleted and re-imported restores the same expenses, and a second import finds only duplicates', async () => {
    const f = await household(auth);
    const cats = (await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)).categories;
    const id = (name: string) => cats.find((c) => c.name === name)!.id;
    await h.client.createExpense(
      {
        familyId: f.familyId,
        amountMinor: 1234,
        description: 'Lunch, "the good one"',
        merchant: '=cmd()',
        categoryId: id('Cafes'),
        tags: ['work', 'team lunch'],
        note: 'line one\nline two',
        occurredOn: d('2024-03-01'),
      },
      f.asParent,
    );
    await h.client.createExpense(
      {
        familyId: f.familyId,
        amountMinor: 1500,
        currency: 'JPY',
        fxRate: '0.0061',
        description: 'Ramen',
        occurredOn: d('2024-03-02'),
      },
      f.asParent,
    );
    await h.client.createExpense(
      {
        familyId: f.familyId,
        memberId: f.child.memberId,
        amountMinor: 2000,
        description: 'Split',
        occurredOn: d('2024-03-03'),
        splits: [
          { categoryId: id('Toys'), amountMinor: 1500 },
          { categoryId: id('Books & supplies'), amountMinor: 500 },
        ],
      },
      f.asParent,
    );
    await h.client.createExpense(
      { familyId: f.familyId, amountMinor: 100, description: 'Twin', occurredOn: d('2024-03-04') },
      f.asParent,
    );
    await h.client.createExpense(
      { familyId: f.familyId, amountMinor: 100, description: 'Twin', occurredOn: d('2024-03-04') },
      f.asParent,
    );
    const before = await snapshot(f);
    const file = await exportCsv(f);
    expect(file.filename).to.match(/^expenses-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.text.split('\r\n')[0]).to.equal(
      'date,amount,currency,base_amount,base_currency,description,merchant,category,tags,note,member_id,source,flagged,id,splits',
    );
    expect(file.text).to.include("'=cmd()");
    expect(file.text).to.include('12.34,EUR');

    const again = await h.client.importExpensesCsv({ familyId: f.familyId, csv: Buffer.from(file.text) }, f.asParent);
    expect(again).to.deep.include({ importedCount: 0, duplicatesSkipped: 5, errors: [] });

    for (const e of (await h.client.listExpenses({ familyId: f.familyId }, f.asParent)).expenses) {
      await h.client.deleteExpense({ familyId: f.familyId, expenseId: e.id }, f.asParent);
    }
    const restored = await h.client.importExpensesCsv(
      { familyId: f.familyId, csv: Buffer.from(file.text) },
      f.asParent,
    );
    expect(restored).to.deep.include({ importedCount: 5, duplicatesSkipped: 0, errors: [] });
    expect(await snapshot(f)).to.deep.equal(before);
  });

  it('rejects a bad file whole, naming the line and column of every bad row', async () => {
    const f = await household(auth);
    const csv = [
      'date,amount,currency,description,category,member_id',
      '2024-03-01,12.50,EUR,Fine,,',
      '2024-02-30,12.50,EUR,Bad date,,',
      '2024-03-01,12.505,EUR,Too precise,,',
      '2024-03-01,5,XXX,,Nope,',
      `2024-03-01,5,EUR,Stranger,,${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`,
      '"2024-03-01",7,GBP,No rate,,',
    ].join('\n');
    const r = await h.client.importExpensesCsv({ familyId: f.familyId, csv: Buffer.from(csv) }, f.asParent);
    expect(r.importedCount).to.equal(0);
    expect(r.errors.map((e) => [e.line, e.field])).to.deep.equal([
      [3, 'date'],
      [4, 'amount'],
      [5, 'currency'],
      [5, 'amount'],
      [5, 'category'],
      [5, 'description'],
      [6, 'member_id'],
      [7, 'base_amount'],
    ]);
    expect((await h.client.listExpenses({ familyId: f.familyId }, f.asParent)).expenses).to.have.length(0);
    const missing = await h.client.importExpensesCsv(
      { familyId: f.familyId, csv: Buffer.from('date,amount\n2024-01-01,1') },
      f.asParent,
    );
    expect(missing.errors).to.deep.equal([{ line: 1, field: 'description', message: 'column is missing' }]);
    const broken = await h.client.importExpensesCsv(
      { familyId: f.familyId, csv: Buffer.from('date,amount,description\n2024-01-01,1,"open') },
      f.asParent,
    );
    expect(broken.errors.map((e) => e.line)).to.deep.equal([2]);
  });

  it("imports a child's own file only for themselves, and a dry run writes nothing", async () => {
    const f = await household(auth);
    const csv = `date,amount,description,member_id\n2024-03-01,1.00,Gum,\n2024-03-01,1.00,Gum,${f.parent.memberId}\n`;
    const r = await h.client.importExpensesCsv({ familyId: f.familyId, csv: Buffer.from(csv) }, f.asChild);
    expect(r.errors.map((e) => [e.line, e.field])).to.deep.equal([[3, 'member_id']]);
    const dry = await h.client.importExpensesCsv(
      { familyId: f.familyId, csv: Buffer.from('date,amount,description\n2024-03-01,1.00,Gum\n'), dryRun: true },
      f.asChild,
    );
    expect(dry).to.deep.include({ importedCount: 1, errors: [] });
    expect((await h.client.listExpenses({ familyId: f.familyId }, f.asChild)).expenses).to.have.length(0);
    const ok = await h.client.importExpensesCsv(
      { familyId: f.familyId, csv: Buffer.from('date,amount,description\n2024-03-01,1.00,Gum\n') },
      f.asChild,
    );
    expect(ok.importedCount).to.equal(1);
    const mine = await exportCsv(f, {}, f.asChild);
    expect(mine.text.trim().split('\r\n')).to.have.length(2);
  });

  it('streams a large export in several chunks and hides other families', async () => {
    const f = await household(auth);
    const rows = Array.from(
      { length: 1500 },
      (_, i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')},1.${String(i % 100).padStart(2, '0')},Item ${i}`,
    );
    await h.client.importExpensesCsv(
      { familyId: f.familyId, csv: Buffer.from(`date,amount,description\n${rows.join('\n')}`) },
      f.asParent,
    );
    const file = await exportCsv(f, { from: d('2024-01-01'), to: d('2024-01-31') });
    expect(file.chunks).to.be.greaterThan(2);
    expect(file.text.trim().split('\r\n')).to.have.length(1501);
    const other = await household(auth);
    await expectGrpcError(exportCsv(f, {}, other.asParent), Status.NOT_FOUND);
    await expectGrpcError(
      h.client.importExpensesCsv({ familyId: f.familyId, csv: Buffer.from('x') }, other.asParent),
      Status.NOT_FOUND,
    );
  });
});
