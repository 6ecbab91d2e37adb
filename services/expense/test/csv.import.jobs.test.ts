// CSV imports larger than the call's threshold run as jobs: the call answers with a QUEUED job (or a
// FAILED one with every row error), the service's worker writes the whole file or nothing, a job is
// seen only within its family (a child only their own), two replicas never write one job twice, and
// a job left RUNNING by a replica that died is taken over once its lease has run out.
import { expect } from 'chai';
import { newId } from '@family/db';
import { silentLogger } from '@family/logger';
import { waitFor } from '@family/testing';
import { CsvImportStatus, type CsvImport } from '@family/contracts/expense/v1/expense';
import { startExpenseService } from '../src/index.js';
import {
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

const SYNC_ROWS = 100;

function csvOf(rows: number, bad: (i: number) => boolean = () => false): Buffer {
  const lines = Array.from(
    { length: rows },
    (_, i) => `2024-02-${String((i % 28) + 1).padStart(2, '0')},${bad(i) ? 'lots' : '1.25'},Row ${i}`,
  );
  return Buffer.from(`date,amount,description\n${lines.join('\n')}\n`);
}

describe('ExpenseService CSV import jobs', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth, {
      CSV_IMPORT_SYNC_ROWS: String(SYNC_ROWS),
      CSV_IMPORT_POLL_MS: '0',
      CSV_IMPORT_LEASE_MS: '60000',
    });
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });

  async function expenseCount(familyId: string): Promise<number> {
    if (h.sql.kind !== 'pg') throw new Error('this suite runs on Postgres');
    const r = await h.sql.pool.query(`SELECT count(*)::int AS n FROM "${h.schema}".expenses WHERE family_id = $1`, [
      familyId,
    ]);
    return r.rows[0].n as number;
  }

  async function finished(f: Household, importId: string): Promise<CsvImport> {
    let job: CsvImport | undefined;
    await waitFor(
      async () => {
        job = (await h.client.getCsvImport({ familyId: f.familyId, importId }, f.asParent)).import!;
        return job.status === CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED ||
          job.status === CsvImportStatus.CSV_IMPORT_STATUS_FAILED
          ? job
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the import job to finish' },
    );
    return job!;
  }

  it('still writes a file within the threshold in the call', async () => {
    const f = await household(auth);
    const r = await h.client.importExpensesCsv({ familyId: f.familyId, csv: csvOf(SYNC_ROWS) }, f.asParent);
    expect(r.job).to.equal(undefined);
    expect(r.importedCount).to.equal(SYNC_ROWS);
    expect(await expenseCount(f.familyId)).to.equal(SYNC_ROWS);
  });

  it('runs a larger file as a job that imports every row', async function () {
    this.timeout(90_000);
    const f = await household(auth);
    const r = await h.client.importExpensesCsv({ familyId: f.familyId, csv: csvOf(350) }, f.asParent);
    expect(r.importedCount).to.equal(0);
    expect(r.job!.status).to.equal(CsvImportStatus.CSV_IMPORT_STATUS_QUEUED);
    expect(r.job!.rowCount).to.equal(350);
    const job = await finished(f, r.job!.id);
    expect(job.status).to.equal(CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED);
    expect(job.importedCount).to.equal(350);
    expect(job.errors).to.deep.equal([]);
    expect(job.finishedAt).to.be.instanceOf(Date);
    expect(await expenseCount(f.familyId)).to.equal(350);
    const listed = await h.client.listExpenses({ familyId: f.familyId }, f.asParent);
    expect(listed.expenses[0]!.description).to.match(/^Row \d+$/);

    // The same file again: every row is a duplicate, nothing new is written.
    const again = await h.client.importExpensesCsv({ familyId: f.familyId, csv: csvOf(350) }, f.asParent);
    const second = await finished(f, again.job!.id);
    expect([second.importedCount, second.duplicatesSkipped]).to.deep.equal([0, 350]);
    expect(await expenseCount(f.familyId)).to.equal(350);
  });

  it('fails a larger file with a bad row as a job with every row error, committing nothing', async () => {
    const f = await household(auth);
    const r = await h.client.importExpensesCsv(
      { familyId: f.familyId, csv: csvOf(300, (i) => i === 10 || i === 250) },
      f.asParent,
    );
    const job = await finished(f, r.job!.id);
    expect(job.status).to.equal(CsvImportStatus.CSV_IMPORT_STATUS_FAILED);
    expect(job.importedCount).to.equal(0);
    expect(job.errors.map((e) => [e.line, e.field])).to.deep.equal([
      [12, 'amount'],
      [252, 'amount'],
    ]);
    expect(await expenseCount(f.familyId)).to.equal(0);
  });

  it('shows a job to no other family and to no child but the one who submitted it', async () => {
    const f = await household(auth);
    const other = await household(auth);
    const byParent = await h.client.importExpensesCsv({ familyId: f.familyId, csv: csvOf(150) }, f.asParent);
    const importId = byParent.job!.id;
    await finished(f, importId);
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'answered',
        (err: { code?: number }) => err.code,
      );
    // 5 = NOT_FOUND
    expect(await refusal(h.client.getCsvImport({ familyId: other.familyId, importId }, other.asParent))).to.equal(5);
    expect(await refusal(h.client.getCsvImport({ familyId: f.familyId, importId }, other.asParent))).to.equal(5);
    expect(await refusal(h.client.getCsvImport({ familyId: f.familyId, importId }, f.asChild))).to.equal(5);

    const byChild = await h.client.importExpensesCsv({ familyId: f.familyId, csv: csvOf(120) }, f.asChild);
    const own = await h.client.getCsvImport({ familyId: f.familyId, importId: byChild.job!.id }, f.asChild);
    expect(own.import!.createdByMemberId).to.equal(f.child.memberId);
  });

  it('never writes one job twice with two replicas, and takes over a job whose replica died', async function () {
    this.timeout(90_000);
    const second = await startExpenseService({
      config: h.config,
      sql: h.sql,
      logger: silentLogger(),
      now: h.clock.now,
    });
    try {
      // Both replicas' workers are stopped: the test drives every claim itself.
      await h.service.app.csvImports.stop();
      await second.app.csvImports.stop();
      const f = await household(auth);
      const r = await h.client.importExpensesCsv({ familyId: f.familyId, csv: csvOf(400) }, f.asParent);
      const importId = r.job!.id;
      const claimed = await Promise.all([
        h.service.app.csvImports.runOnce(),
        second.app.csvImports.runOnce(),
        h.service.app.csvImports.runOnce(),
      ]);
      expect(claimed.filter((id) => id === importId)).to.have.length(1);
      const job = await finished(f, importId);
      expect(job.importedCount).to.equal(400);
      expect(await expenseCount(f.familyId)).to.equal(400);

      // A replica claims the next job and dies: nobody else takes it while its lease holds.
      const g = await household(auth);
      const next = await h.client.importExpensesCsv({ familyId: g.familyId, csv: csvOf(200) }, g.asParent);
      const lost = await h.service.app.deps.csvImports.claim(h.clock.now(), 60_000, newId());
      expect(lost!.id).to.equal(next.job!.id);
      expect(await second.app.csvImports.runOnce()).to.equal(undefined);
      const running = await h.client.getCsvImport({ familyId: g.familyId, importId: next.job!.id }, g.asParent);
      expect(running.import!.status).to.equal(CsvImportStatus.CSV_IMPORT_STATUS_RUNNING);
      h.clock.set(new Date(Date.now() + 61_000));
      expect(await second.app.csvImports.runOnce()).to.equal(next.job!.id);
      h.clock.reset();
      const done = await finished(g, next.job!.id);
      expect(done.importedCount).to.equal(200);
      expect(await expenseCount(g.familyId)).to.equal(200);
    } finally {
      h.clock.reset();
      await second.stop();
      h.service.app.csvImports.start();
    }
  });
});
