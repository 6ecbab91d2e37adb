import { sql, type Kysely } from 'kysely';

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

  // Adds a set of signed contributions (a query producing the eight columns) to the rollup. Groups
  // that net to zero are skipped, so an edit that moves no money locks no rollup row. (Inlined in
  // each trigger function: transition tables are visible only to the trigger function's own queries.)
  const add = (contributions: string) => `
    insert into expense_monthly_totals as t
      (family_id, month, member_id, category_id, amount, lines, whole_amount, expenses)
    select family_id, month, member_id, category_id, sum(amount), sum(lines), sum(whole_amount), sum(expenses)
    from (${contributions}) c
    group by family_id, month, member_id, category_id
    having sum(amount) <> 0 or sum(lines) <> 0 or sum(whole_amount) <> 0 or sum(expenses) <> 0
    order by family_id, month, member_id, category_id
    on conflict (family_id, month, member_id, category_id) do update set
      amount = t.amount + excluded.amount,
      lines = t.lines + excluded.lines,
      whole_amount = t.whole_amount + excluded.whole_amount,
      expenses = t.expenses + excluded.expenses`;

  const addMerchants = (alias: string, sign: string, from: string) => `
    insert into expense_monthly_merchants as t (family_id, month, member_id, merchant, amount, expenses)
    select family_id, month, member_id, merchant, sum(amount), sum(expenses)
    from (select ${alias}.family_id, date_trunc('month', ${alias}.occurred_on::timestamp)::date as month,
        ${alias}.member_id, ${alias}.merchant, ${sign} * ${alias}.base_amount_minor as amount, ${sign} as expenses
      from ${from}) c
    where merchant <> ''
    group by family_id, month, member_id, merchant
    having sum(amount) <> 0 or sum(expenses) <> 0
    order by family_id, month, member_id, merchant
    on conflict (family_id, month, member_id, merchant) do update set
      amount = t.amount + excluded.amount,
      expenses = t.expenses + excluded.expenses`;

  // What an expense row itself contributes (its splits' parts are counted from expense_splits).
  const whole = (alias: string, sign: string) => `select ${alias}.family_id,
      date_trunc('month', ${alias}.occurred_on::timestamp)::date as month, ${alias}.member_id,
      case when ${alias}.split then '00000000-0000-0000-0000-000000000000'::uuid
        else coalesce(${alias}.category_id, '00000000-0000-0000-0000-000000000000'::uuid) end as category_id,
      case when ${alias}.split then 0 else ${sign} * ${alias}.base_amount_minor end as amount,
      case when ${alias}.split then 0 else ${sign} end as lines,
      ${sign} * ${alias}.base_amount_minor as whole_amount, ${sign} as expenses
    from`;
  // What parts contribute, under their expense's month and member.
  const parts = (sign: string) => `select s.family_id, date_trunc('month', e.occurred_on::timestamp)::date as month,
      e.member_id, s.category_id, ${sign} * s.base_amount_minor as amount, ${sign} as lines,
      0::int8 as whole_amount, 0 as expenses
    from`;

  await sql`create or replace function expense_totals_on_expenses() returns trigger
    language plpgsql set search_path from current as $fn$
    begin
      if tg_op = 'INSERT' then
        ${sql.raw(add(`${whole('n', '1')} expense_totals_new n`))};
        ${sql.raw(addMerchants('n', '1', 'expense_totals_new n'))};
      elsif tg_op = 'UPDATE' then
        ${sql.raw(
          add(`${whole('o', '-1')} expense_totals_old o
          union all ${whole('n', '1')} expense_totals_new n
          union all select s.family_id, m.month, m.member_id, s.category_id, m.sign * s.base_amount_minor,
              m.sign, 0::int8, 0
            from expense_totals_old o
            join expense_totals_new n on n.id = o.id
            join expense_splits s on s.expense_id = o.id
            cross join lateral (values
              (-1, date_trunc('month', o.occurred_on::timestamp)::date, o.member_id),
              (1, date_trunc('month', n.occurred_on::timestamp)::date, n.member_id)) m(sign, month, member_id)
            where o.member_id <> n.member_id
              or date_trunc('month', o.occurred_on::timestamp) <> date_trunc('month', n.occurred_on::timestamp)`),
        )};
        ${sql.raw(
          addMerchants(
            'x',
            'x.sign',
            `(select -1 as sign, o.* from expense_totals_old o
              union all select 1 as sign, n.* from expense_totals_new n) x`,
          ),
        )};
      else
        ${sql.raw(add(`${whole('o', '-1')} expense_totals_old o`))};
        ${sql.raw(addMerchants('o', '-1', 'expense_totals_old o'))};
      end if;
      return null;
    end
  $fn$`.execute(db);

  await sql`create or replace function expense_totals_before_delete() returns trigger
    language plpgsql set search_path from current as $fn$
    begin
      if exists (select 1 from expense_splits where expense_id = old.id) then
        ${sql.raw(
          add(`select s.family_id, date_trunc('month', old.occurred_on::timestamp)::date as month,
             old.member_id as member_id, s.category_id, -s.base_amount_minor as amount, -1 as lines,
             0::int8 as whole_amount, 0 as expenses
           from expense_splits s where s.expense_id = old.id`),
        )};
      end if;
      return old;
    end
  $fn$`.execute(db);

  // Parts whose expense is gone (a cascaded delete) were taken out by the BEFORE DELETE trigger.
  await sql`create or replace function expense_totals_on_splits() returns trigger
    language plpgsql set search_path from current as $fn$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        ${sql.raw(add(`${parts('-1')} expense_totals_old s join expenses e on e.id = s.expense_id`))};
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        ${sql.raw(add(`${parts('1')} expense_totals_new s join expenses e on e.id = s.expense_id`))};
      end if;
      return null;
    end
  $fn$`.execute(db);

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
      add(`${whole('n', '1')} expenses n
        union all ${parts('1')} expense_splits s join expenses e on e.id = s.expense_id`),
    )
    .execute(db);
}
