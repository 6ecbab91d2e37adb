// Import jobs on the embedded database (one PGlite connection shared with auth): a large file runs
// as a job that the worker claims and writes to the end without waiting on itself.
import { expect } from 'chai';
import { openSql, type SqlHandle } from '@family/db';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { testCipherKeys, waitFor } from '@family/testing';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { CsvImportStatus, ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { authConfigSchema, startAuthService, type RunningAuthService } from '@family/auth-service';
import { expenseConfigSchema, startExpenseService, type RunningExpenseService } from '../src/index.js';
import { household, SERVICE_CLIENTS, type AuthHarness } from './expense.harness.js';

describe('CSV import jobs on embedded PGlite', () => {
  let sql: SqlHandle;
  let auth: RunningAuthService;
  let expense: RunningExpenseService;
  let harness: AuthHarness;

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
      }),
      sql,
      logger: silentLogger(),
    });
    const client = createGrpcClient(AuthServiceDefinition, auth.address, { defaultDeadlineMs: 10_000 });
    harness = { service: auth, client, address: auth.address } as unknown as AuthHarness;
  });
  after(async () => {
    await expense.stop();
    await auth.stop();
    await sql.close();
  });

  it('writes a large file through a job, showing nothing of it to another family', async function () {
    this.timeout(60_000);
    const client = createGrpcClient(ExpenseServiceDefinition, expense.address, { defaultDeadlineMs: 10_000 });
    const f = await household(harness);
    const other = await household(harness);
    const rows = Array.from(
      { length: 600 },
      (_, i) => `2024-05-${String((i % 28) + 1).padStart(2, '0')},3.10,Row ${i}`,
    );
    const r = await client.importExpensesCsv(
      { familyId: f.familyId, csv: Buffer.from(`date,amount,description\n${rows.join('\n')}\n`) },
      f.asParent,
    );
    expect(r.job!.status).to.equal(CsvImportStatus.CSV_IMPORT_STATUS_QUEUED);
    const read = await client.listExpenses({ familyId: other.familyId }, other.asParent);
    expect(read.expenses).to.deep.equal([]);
    const job = await waitFor(
      async () => {
        const j = (await client.getCsvImport({ familyId: f.familyId, importId: r.job!.id }, f.asParent)).import!;
        return j.status === CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED ||
          j.status === CsvImportStatus.CSV_IMPORT_STATUS_FAILED
          ? j
          : undefined;
      },
      { timeoutMs: 50_000, what: 'the import job' },
    );
    expect(job).to.include({ status: CsvImportStatus.CSV_IMPORT_STATUS_SUCCEEDED, importedCount: 600 });
    const listed = await client.listExpenses({ familyId: f.familyId, page: { limit: 200, cursor: '' } }, f.asParent);
    expect(listed.expenses).to.have.length(200);
  });
});
