import { sql, type Kysely } from 'kysely';
import { addMerchantContributions, addTotals, rollupFunctions } from '../rollup.sql.js';

/**
 * The monthly rollup stays exact in the writing transaction, but its rows are locked only while
 * that transaction commits. The triggers now stage their contributions in tables of their own
 * (inserts only: concurrent writers never wait for each other there) and mark the transaction; a
 * deferred trigger on the mark folds the staged rows into the rollup when the transaction commits,
 * in one upsert per table, in key order. Before, the first write of a family's month locked the
 * rollup row until commit, so two imports (or two creates) for the same family ran one after the
 * other from their insert on (docs/decisions/0031-rollup-folded-at-commit.md).
 *
 * Staged rows never outlive their transaction: the fold deletes them, and a transaction that rolls
 * back takes its own with it. So every staged row a transaction can see is its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table if not exists expense_monthly_totals_staged (
    family_id uuid not null,
    month date not null,
    member_id uuid not null,
    category_id uuid not null,
    amount int8 not null,
    lines int8 not null,
    whole_amount int8 not null,
    expenses int8 not null
  )`.execute(db);
  await sql`create table if not exists expense_monthly_merchants_staged (
    family_id uuid not null,
    month date not null,
    member_id uuid not null,
    merchant text not null,
    amount int8 not null,
    expenses int8 not null
  )`.execute(db);
  // One row per transaction with staged contributions; inserting it queues the fold.
  await sql`create table if not exists expense_rollup_folds (xact xid8 primary key)`.execute(db);

  await sql`create or replace function expense_rollup_fold() returns trigger
    language plpgsql set search_path from current as $fn$
    begin
      delete from expense_rollup_folds where xact = new.xact;
      ${sql.raw(`with staged as (delete from expense_monthly_totals_staged returning *)
        ${addTotals('select * from staged')}`)};
      ${sql.raw(`with staged as (delete from expense_monthly_merchants_staged returning *)
        ${addMerchantContributions('select * from staged')}`)};
      return null;
    end
  $fn$`.execute(db);
  await sql`drop trigger if exists expense_rollup_fold on expense_rollup_folds`.execute(db);
  await sql`create constraint trigger expense_rollup_fold after insert on expense_rollup_folds
    deferrable initially deferred for each row execute function expense_rollup_fold()`.execute(db);

  // Same functions, same triggers (0003); they now stage and mark instead of adding.
  for (const fn of rollupFunctions('staged')) await sql.raw(fn).execute(db);
}
