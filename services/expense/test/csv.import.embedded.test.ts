// Import jobs on the embedded database (one PGlite connection shared with auth): a large file runs
// as a job that the worker claims and writes to the end without waiting on itself, in chunks of
// CSV_IMPORT_CHUNK_ROWS rows that let other families' requests in between.
import { expect } from 'chai';
import { openSql, type SqlHandle } from '@family/db';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { testCipherKeys, waitFor } from '@family/testing';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { CsvImportStatus, ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { authConfigSchema, startAuthService, type RunningAuthService } from '@family/auth-service';
import { expenseConfigSchema, startExpenseService, type RunningExpenseService } from '../src/index.js';
import { household, SERVICE_CLIENTS, TestClock, type AuthHarness } from './expense.harness.js';

type ExpenseClient = ReturnType<typeof createGrpcClient<typeof ExpenseServiceDefinition>>;
type Household = Awaited<ReturnType<typeof household>>;

describe('CSV import jobs on embedded PGlite', () => {
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
        CSV_IMPORT_SYNC_ROWS: '100',
        CSV_IMPORT_CHUNK_ROWS: '100',
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

  const finished = async (client: ExpenseClient, f: Household, importId: string) =>
    waitFor(
      async () => {
        const j = (await client.getCsvImport({ familyId: f.familyId, importId }, f.asParent)).import!;
        return j.status === CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED ||
          j.status === CsvImportStatus.CSV_IMPORT_STATUS_FAILED
          ? j
          : undefined;
      },
      { timeoutMs: 100_000, what: 'the import job' },
    );

  /** A file of `count` rows, row i on a day of `month` (2024). */
  const csvOf = (count: number, month: string, amount: string, description: (i: number) => string) =>
    Buffer.from(
      `date,amount,description\n${Array.from(
        { length: count },
        (_, i) => `2024-${month}-${String((i % 28) + 1).padStart(2, '0')},${amount},${description(i)}`,
      ).join('\n')}\n`,
    );

  it('writes a large file through a job, showing nothing of it to another family', async function () {
    this.timeout(60_000);
    const client = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 30_000 });
    const f = await household(harness);
    const other = await household(harness);
    const r = await client.importExpensesCsv(
      { familyId: f.familyId, csv: csvOf(600, '05', '3.10', (i) => `Row ${i}`) },
      f.asParent,
    );
    expect(r.job!.status).to.equal(CsvImportStatus.CSV_IMPORT_STATUS_QUEUED);
    const read = await client.listExpenses({ familyId: other.familyId }, other.asParent);
    expect(read.expenses).to.deep.equal([]);
    const job = await finished(client, f, r.job!.id);
    expect(job).to.include({ status: CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED, importedCount: 600 });
    const listed = await client.listExpenses({ familyId: f.familyId, page: { limit: 200, cursor: '' } }, f.asParent);
    expect(listed.expenses).to.have.length(200);
  });

  it("answers another family's read between the chunks of a large import, not after it", async function () {
    this.timeout(120_000);
    const client = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 30_000 });
    const f = await household(harness);
    const bystander = await household(harness);
    const submitted = await client.importExpensesCsv(
      { familyId: f.familyId, csv: csvOf(6000, '06', '1.25', (i) => `Row ${i}`) },
      f.asParent,
    );
    const importId = submitted.job!.id;
    const status = async () => (await client.getCsvImport({ familyId: f.familyId, importId }, f.asParent)).import!;
    // Once the first chunk is committed the job is under way...
    await waitFor(async () => (await status()).importedCount > 0 || undefined, {
      intervalMs: 5,
      timeoutMs: 60_000,
      what: 'the first chunk',
    });
    // ...and a read of another family is answered while it is still writing: in one transaction
    // the read would have waited for the whole file.
    const read = await client.listExpenses({ familyId: bystander.familyId }, bystander.asParent);
    expect(read.expenses).to.deep.equal([]);
    const meanwhile = await status();
    expect(meanwhile.status).to.equal(CsvImportStatus.CSV_IMPORT_STATUS_RUNNING);
    expect(meanwhile.importedCount).to.be.lessThan(6000);
    expect(await finished(client, f, importId)).to.include({
      status: CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED,
      importedCount: 6000,
      duplicatesSkipped: 0,
    });
  });

  it('counts identical rows across chunks as new the first time and as duplicates the next', async function () {
    this.timeout(60_000);
    const client = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 30_000 });
    const f = await household(harness);
    // Two coffees a day, the same amount and words: row i and row i + 300 land in different chunks.
    const csv = csvOf(600, '07', '2.40', (i) => `Coffee ${i % 300}`);
    const first = await client.importExpensesCsv({ familyId: f.familyId, csv }, f.asParent);
    expect(await finished(client, f, first.job!.id)).to.include({ importedCount: 600, duplicatesSkipped: 0 });
    const again = await client.importExpensesCsv({ familyId: f.familyId, csv }, f.asParent);
    expect(await finished(client, f, again.job!.id)).to.include({
      status: CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED,
      importedCount: 0,
      duplicatesSkipped: 600,
    });
  });

  it('goes on after the last committed chunk when a write failed midway, writing every row once', async function () {
    this.timeout(60_000);
    const client = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 30_000 });
    const jobs = expense.app.csvImports;
    const writer = expense.app.writer;
    await jobs.stop(); // the test drives every claim itself
    const create = writer.create.bind(writer);
    try {
      const f = await household(harness);
      const csv = csvOf(450, '08', '0.90', (i) => `Bus ${i}`);
      const importId = (await client.importExpensesCsv({ familyId: f.familyId, csv }, f.asParent)).job!.id;
      let chunks = 0;
      writer.create = async (...args) => {
        if (++chunks === 3) throw new Error('the disk is full');
        return create(...args);
      };
      expect(await jobs.runOnce()).to.equal(importId);
      const stopped = (await client.getCsvImport({ familyId: f.familyId, importId }, f.asParent)).import!;
      expect(stopped).to.include({ status: CsvImportStatus.CSV_IMPORT_STATUS_RUNNING, importedCount: 200 });
      // Nobody takes it over while the lease renewed by the last chunk holds; then the next claim does.
      expect(await jobs.runOnce()).to.equal(undefined);
      clock.set(new Date(Date.now() + 301_000));
      expect(await jobs.runOnce()).to.equal(importId);
      clock.reset();
      const done = (await client.getCsvImport({ familyId: f.familyId, importId }, f.asParent)).import!;
      expect(done).to.include({ status: CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED, importedCount: 450 });
      const descriptions: string[] = [];
      let cursor = '';
      do {
        const page = await client.listExpenses({ familyId: f.familyId, page: { limit: 200, cursor } }, f.asParent);
        descriptions.push(...page.expenses.map((e) => e.description));
        cursor = page.page!.nextCursor;
      } while (cursor);
      expect(descriptions).to.have.length(450);
      expect(new Set(descriptions).size).to.equal(450);
    } finally {
      writer.create = create;
      clock.reset();
      jobs.start();
    }
  });
});
