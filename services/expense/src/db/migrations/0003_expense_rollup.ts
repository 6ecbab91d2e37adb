import { sql, type Kysely } from 'kysely';
import { addMerchants, addTotals, parts, rollupFunctions, whole } from '../rollup.sql.js';

/**
 * A monthly rollup of spending, `(family, month, member, category) → amounts and counts`, kept
 * exact in the same transaction as every expense write by triggers on `expenses` and
 * `expense_splits` (so no write path — single, bulk, bank, CSV, recurring, jar, category merge —
 * can forget it). Reports read whole months from it and only the partial months at the edges of a
 * range from the expenses themselves (see docs/decisions/0010-expense-service.md).
 *
 * Each row holds two views of the same spending:
 * - `amount` / `lines`: report lines by category — an unsplit expense under its category (or the
 *   nil uuid when uncategorized), each part of a split expense under the part's category;
 * - `whole_amount` / `expenses`: whole expenses (an unsplit one on its category's row, a split one
 *   on the nil-uuid row), for reports by member or month, where an expense counts once.
 *
 * Increments, never recomputation, so concurrent writers add up under the row lock. Statement-level
 * triggers with transition tables do one aggregated upsert per statement (bulk imports stay fast).
 * Deleting an expense cascades to its splits after the expense row is gone, so its parts are taken
 * out by a row-level BEFORE DELETE trigger while they can still be read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table if not exists expense_monthly_totals (
    family_id uuid not null,
    month date not null,
    member_id uuid not null,
    category_id uuid not null,
    amount int8 not null default 0,
    lines int8 not null default 0,
    whole_amount int8 not null default 0,
    expenses int8 not null default 0,
    primary key (family_id, month, member_id, category_id)
  )`.execute(db);

  // Whole expenses by merchant (exact spelling; reports group them case-insensitively), for top
  // merchants: `min(merchant)` over the spellings still present equals the one over the expenses.
  await sql`create table if not exists expense_monthly_merchants (
    family_id uuid not null,
    month date not null,
    member_id uuid not null,
    merchant text not null,
    amount int8 not null default 0,
    expenses int8 not null default 0,
    primary key (family_id, month, member_id, merchant)
  )`.execute(db);

  // The trigger functions add straight into the rollup (0009 stages them for a fold at commit).
  for (const fn of rollupFunctions('rollup')) await sql.raw(fn).execute(db);

  const triggers: [string, string, string, string][] = [
    ['expenses', 'expense_totals_insert', 'insert', 'new table as expense_totals_new'],
    ['expenses', 'expense_totals_update', 'update', 'old table as expense_totals_old new table as expense_totals_new'],
    ['expenses', 'expense_totals_delete', 'delete', 'old table as expense_totals_old'],
    ['expense_splits', 'expense_split_totals_insert', 'insert', 'new table as expense_totals_new'],
    [
      'expense_splits',
      'expense_split_totals_update',
      'update',
      'old table as expense_totals_old new table as expense_totals_new',
    ],
    ['expense_splits', 'expense_split_totals_delete', 'delete', 'old table as expense_totals_old'],
  ];
  for (const [table, name, event, referencing] of triggers) {
    const fn = table === 'expenses' ? 'expense_totals_on_expenses' : 'expense_totals_on_splits';
    await sql`drop trigger if exists ${sql.id(name)} on ${sql.table(table)}`.execute(db);
    await sql`create trigger ${sql.id(name)} after ${sql.raw(event)} on ${sql.table(table)}
      referencing ${sql.raw(referencing)} for each statement execute function ${sql.raw(fn)}()`.execute(db);
  }
  await sql`drop trigger if exists expense_totals_before_delete on expenses`.execute(db);
  await sql`create trigger expense_totals_before_delete before delete on expenses
    for each row execute function expense_totals_before_delete()`.execute(db);

  // Backfill from the expenses as they are now (the triggers above already hold the tables' write
  // locks, so no write can slip between this snapshot and the triggers taking over).
  await sql`delete from expense_monthly_totals`.execute(db);
  await sql`delete from expense_monthly_merchants`.execute(db);
  await sql.raw(addMerchants('n', '1', 'expenses n')).execute(db);
  await sql
    .raw(
      addTotals(`${whole('n', '1')} expenses n
        union all ${parts('1')} expense_splits s join expenses e on e.id = s.expense_id`),
    )
    .execute(db);
}
