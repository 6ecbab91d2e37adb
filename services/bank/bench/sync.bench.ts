// Benchmark (not a test): the first sync of 50,000 transactions from the Plaid emulator through the
// Plaid adapter into the real expense service (link → sync finished), then a re-sync of the same
// 50,000 from an empty cursor (nothing changed), in rows per second end to end.
// Run: pnpm --filter @family/bank-service bench   (needs Postgres as for the tests; TEST_DATABASE_URL)
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createKysely } from '@family/db';
import { SyncState } from '@family/contracts/bank/v1/bank';
import { BankSandbox } from '@family/emulators';
import type { BankDatabase } from '../src/db/schema.js';
import { bearer, startBankHarness } from '../test/bank.harness.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);

async function main() {
  const sandbox = new BankSandbox();
  sandbox.addMany('acc_checking', ROWS, new Date().toISOString().slice(0, 10));
  const h = await startBankHarness({ sandbox, env: { BANK_SYNC_WAIT_MS: '600000', LOG_LEVEL: 'silent' } });
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
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
