// A large CSV import on Postgres does not block other families: while its job's transaction is
// writing, another family's read is answered (it completes before the import job does).
import { expect } from 'chai';
import { waitFor } from '@family/testing';
import { CsvImportStatus } from '@family/contracts/expense/v1/expense';
import {
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
} from './expense.harness.js';

describe('ExpenseService CSV import and other families', () => {
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

  it("answers another family's read while a 20,000-row import is being written", async function () {
    this.timeout(120_000);
    if (h.sql.kind !== 'pg') throw new Error('this suite runs on Postgres');
    const { pool } = h.sql;
    const importing = await household(auth);
    const bystander = await household(auth);
    await h.client.createExpense(
      {
        familyId: bystander.familyId,
        amountMinor: 300,
        description: 'Bread',
        occurredOn: { year: 2024, month: 3, day: 1 },
      },
      bystander.asParent,
    );
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `2024-02-${String((i % 28) + 1).padStart(2, '0')},1.25,Row ${i}`,
    );
    const csv = Buffer.from(`date,amount,description\n${rows.join('\n')}\n`);

    // More than 2,000 rows: the call answers with a job, which the service's worker writes.
    const submitted = await h.client.importExpensesCsv(
      { familyId: importing.familyId, csv },
      { ...importing.asParent, deadline: new Date(Date.now() + 100_000) },
    );
    const importId = submitted.job!.id;
    const status = async () =>
      (await h.client.getCsvImport({ familyId: importing.familyId, importId }, importing.asParent)).import!;
    let importDone = false;
    const imported = waitFor(
      async () => {
        const job = await status();
        return job.status === CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED ||
          job.status === CsvImportStatus.CSV_IMPORT_STATUS_FAILED
          ? job
          : undefined;
      },
      { timeoutMs: 100_000, intervalMs: 50, what: 'the import job' },
    ).finally(() => {
      importDone = true;
    });
    // The import is inside its transaction once it holds a write lock on the expenses table.
    await waitFor(
      async () =>
        importDone ||
        (
          await pool.query(
            `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relname = 'expenses' AND l.mode = 'RowExclusiveLock' AND l.granted`,
            [h.schema],
          )
        ).rowCount! > 0,
      { timeoutMs: 60_000, intervalMs: 5, what: 'the import writing' },
    );
    expect(importDone, 'the import was still running when the bystander asked').to.equal(false);
    const read = await h.client.listExpenses({ familyId: bystander.familyId }, bystander.asParent);
    expect(read.expenses.map((e) => e.description)).to.deep.equal(['Bread']);
    expect(importDone, 'the read was answered before the import finished').to.equal(false);
    expect((await status()).status, 'the job was still writing').to.equal(CsvImportStatus.CSV_IMPORT_STATUS_RUNNING);
    expect((await imported).importedCount).to.equal(20_000);
  });
});
