// A CSV import whose caller gave up (the BFF's budget ran out and it answered 504, or the client
// cancelled) commits nothing: the rows are rolled back instead of appearing after the error.
import { expect } from 'chai';
import { waitFor } from '@family/testing';
import {
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
} from './expense.harness.js';

describe('ExpenseService CSV import when the caller gives up', () => {
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

  it('rolls the rows back instead of committing them after the caller was answered', async () => {
    if (h.sql.kind !== 'pg') throw new Error('this suite runs on Postgres');
    const f = await household(auth);
    const rows = Array.from(
      { length: 500 },
      (_, i) => `2024-02-${String((i % 28) + 1).padStart(2, '0')},2.50,Row ${i}`,
    );
    const csv = Buffer.from(`date,amount,description\n${rows.join('\n')}\n`);

    // Holds the import at its first insert: the expenses table is locked against writes.
    const blocker = await h.sql.pool.connect();
    const lockExpenses = () => blocker.query(`LOCK TABLE "${h.schema}".expenses IN EXCLUSIVE MODE`);
    const importWaits = async () =>
      (
        await blocker.query(
          `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = 'expenses' AND NOT l.granted`,
          [h.schema],
        )
      ).rowCount! > 0;
    try {
      await blocker.query('BEGIN');
      await lockExpenses();
      const abort = new AbortController();
      const call = h.client.importExpensesCsv({ familyId: f.familyId, csv }, { ...f.asParent, signal: abort.signal });
      const outcome = call.then(
        () => 'answered',
        (err: Error) => err.name,
      );
      await waitFor(importWaits, { what: 'the import waiting at its insert' });
      // The caller gives up while the rows are being written.
      abort.abort();
      expect(await outcome).to.equal('AbortError');
      await blocker.query('COMMIT');
      // Taking the lock again waits for the import's transaction to end, however it ends.
      await blocker.query('BEGIN');
      await lockExpenses();
      await blocker.query('COMMIT');
    } finally {
      blocker.release();
    }

    const left = await h.client.listExpenses({ familyId: f.familyId, page: { limit: 10 } }, f.asParent);
    expect(left.expenses, 'rows committed after the caller gave up').to.have.length(0);
    // The same file imported by a caller who waits is imported whole.
    const again = await h.client.importExpensesCsv({ familyId: f.familyId, csv }, f.asParent);
    expect(again).to.deep.include({ importedCount: 500, errors: [] });
  });
});
