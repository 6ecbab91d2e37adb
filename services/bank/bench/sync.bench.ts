// Benchmark (not a test): the first sync of 50,000 transactions from the Plaid emulator through the
// Plaid adapter into the real expense service (link → sync finished), then a re-sync of the same
// 50,000 from an empty cursor (nothing changed), in rows per second end to end.
// Run: pnpm --filter @family/bank-service bench   (needs Postgres as for the tests; TEST_DATABASE_URL)
// BENCH_SHAPE=processes (the default) runs the expense service and the Plaid sandbox in processes of
// their own, as in production (services in their containers, the provider remote); BENCH_SHAPE=one
// runs everything in this process. BENCH_NODE_ARGS: Node options of the expense service process
// (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createKysely, openSql } from '@family/db';
import {
  dropSchema,
  freePort,
  startSourceProcess,
  testDatabaseUrl,
  uniqueName,
  waitFor,
  waitForGrpcServing,
} from '@family/testing';
import { SyncState } from '@family/contracts/bank/v1/bank';
import { BankSandbox } from '@family/emulators';
import type { BankDatabase } from '../src/db/schema.js';
import { bearer, startBankHarness, type BankHarnessOptions } from '../test/bank.harness.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const SHAPE = process.env.BENCH_SHAPE ?? 'processes';
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The Plaid sandbox and the expense service in processes of their own. */
async function elsewhere(): Promise<NonNullable<BankHarnessOptions['elsewhere']> & { stop(): Promise<void> }> {
  const plaidPort = await freePort();
  const plaid = startSourceProcess(source('./plaid.sandbox.process.ts'), {
    env: { BENCH_ROWS: String(ROWS), PLAID_PORT: String(plaidPort) },
    keepStdout: true,
  });
  await waitFor(() => plaid.child.exitCode === null && plaid.output().includes('ready'), {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: 'the Plaid sandbox process',
  });
  return {
    plaidUrl: `http://127.0.0.1:${plaidPort}`,
    async startExpense(authAddress) {
      const schema = uniqueName('expense');
      const address = `127.0.0.1:${await freePort()}`;
      const expense = startSourceProcess(source('../../expense/src/main.ts'), {
        execArgv: NODE_ARGS,
        env: {
          DATABASE_URL: testDatabaseUrl(),
          DB_SCHEMA: schema,
          EXPENSE_GRPC_HOST: '127.0.0.1',
          EXPENSE_GRPC_PORT: address.split(':')[1],
          AUTH_GRPC_URL: authAddress,
          AUTH_CLIENT_ID: 'expense',
          AUTH_CLIENT_SECRET: 'expense-secret',
          SCHEDULER_INTERVAL_MS: '0',
          METRICS_PORT: '0',
          LOG_LEVEL: 'warn',
        },
      });
      await waitForGrpcServing(expense, address, 60_000, 'the expense service process');
      return {
        address,
        async stop() {
          expense.child.kill('SIGTERM');
          await expense.exited;
          const db = await openSql({ databaseUrl: testDatabaseUrl() });
          await dropSchema(db, schema);
          await db.close();
        },
      };
    },
    async stop() {
      plaid.child.kill('SIGTERM');
      await plaid.exited;
    },
  };
}

async function main() {
  const env: Record<string, string> = {
    BANK_SYNC_WAIT_MS: '600000',
    LOG_LEVEL: 'silent',
    // How many parts of a batch the expense service records side by side (the service's default: 2).
    ...(process.env.BANK_IMPORT_PARTS ? { BANK_IMPORT_PARTS: process.env.BANK_IMPORT_PARTS } : {}),
  };
  const others = SHAPE === 'processes' ? await elsewhere() : undefined;
  const sandbox = new BankSandbox();
  if (!others) sandbox.addMany('acc_checking', ROWS, new Date().toISOString().slice(0, 10));
  const h = await startBankHarness(others ? { elsewhere: others, env } : { sandbox, env });
  try {
    const f = await h.household({ kids: 0 });
    const db = createKysely<BankDatabase>(h.bank.sql, h.bank.schema);

    const start = performance.now();
    const linked = await h.link(f);
    await h.idle();
    const firstSeconds = (performance.now() - start) / 1000;
    const connectionId = linked.connection!.id;
    const first = await h.client.getSyncStatus({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
    if (first.sync?.state !== SyncState.SYNC_STATE_SUCCEEDED)
      throw new Error(`first sync: ${JSON.stringify(first.sync)}`);
    const expenses = await h.bankExpenses(f);
    console.log(
      `shape: ${SHAPE === 'processes' ? 'expense service and Plaid sandbox in processes of their own' : 'one process'}`,
    );
    console.log(
      `first sync: ${first.sync.fetched} fetched, ${first.sync.added} expenses added (${expenses.length} listed) in ` +
        `${firstSeconds.toFixed(2)} s → ${Math.round(ROWS / firstSeconds)} rows/s`,
    );

    // Re-sync everything from an empty cursor: the provider sends all 50,000 again, nothing changed.
    await db.updateTable('connections').set({ cursor: '' }).where('id', '=', connectionId).execute();
    const again = performance.now();
    const r = await h.client.syncConnection(
      { familyId: f.familyId, connectionId },
      { ...bearer(f.parentToken), deadline: 600_000 },
    );
    const resyncSeconds = (performance.now() - again) / 1000;
    if (!r.completed || r.sync?.state !== SyncState.SYNC_STATE_SUCCEEDED)
      throw new Error(`re-sync: ${JSON.stringify(r.sync)}`);
    console.log(
      `re-sync: ${r.sync.fetched} fetched, ${r.added} added, ${r.modified} modified in ${resyncSeconds.toFixed(2)} s → ` +
        `${Math.round(ROWS / resyncSeconds)} rows/s`,
    );
    const count = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(`${h.bank.schema}.transactions`)}`.execute(db);
    console.log(`stored provider transactions: ${count.rows[0]!.n}; expenses: ${(await h.bankExpenses(f)).length}`);
  } finally {
    await h.stop();
    await others?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
