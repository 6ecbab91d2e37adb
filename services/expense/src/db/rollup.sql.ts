// The SQL of the monthly rollup (expense_monthly_totals, expense_monthly_merchants): what expense
// rows and split parts contribute, and how contributions are added — straight into the rollup
// (migration 0003), or staged and folded into it when the transaction commits (migration 0009, see
// docs/decisions/0031-rollup-folded-at-commit.md). Migrations apply these texts as they were when
// they ran; a change to them takes a new migration.

/** Straight into the rollup (upsert under its row locks), or staged until the commit's fold. */
export type RollupTarget = 'rollup' | 'staged';

const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;

// Groups that net to zero are skipped, so an edit that moves no money locks no rollup row.
// (Inlined in each trigger function: transition tables are visible only to the trigger function's
// own queries.)

/** Adds a set of signed contributions (a query producing the eight columns) to the totals. */
export function addTotals(contributions: string, into: RollupTarget = 'rollup'): string {
  const grouped = `select family_id, month, member_id, category_id, sum(amount), sum(lines), sum(whole_amount), sum(expenses)
    from (${contributions}) c
    group by family_id, month, member_id, category_id
    having sum(amount) <> 0 or sum(lines) <> 0 or sum(whole_amount) <> 0 or sum(expenses) <> 0`;
  if (into === 'staged') {
    return `
    insert into expense_monthly_totals_staged
      (family_id, month, member_id, category_id, amount, lines, whole_amount, expenses)
    ${grouped}`;
  }
  return `
    insert into expense_monthly_totals as t
      (family_id, month, member_id, category_id, amount, lines, whole_amount, expenses)
    ${grouped}
    order by family_id, month, member_id, category_id
    on conflict (family_id, month, member_id, category_id) do update set
      amount = t.amount + excluded.amount,
      lines = t.lines + excluded.lines,
      whole_amount = t.whole_amount + excluded.whole_amount,
      expenses = t.expenses + excluded.expenses`;
}

/** Adds a set of signed merchant contributions (family, month, member, merchant, amount, expenses). */
export function addMerchantContributions(contributions: string, into: RollupTarget = 'rollup'): string {
  const grouped = `select family_id, month, member_id, merchant, sum(amount), sum(expenses)
    from (${contributions}) c
    where merchant <> ''
    group by family_id, month, member_id, merchant
    having sum(amount) <> 0 or sum(expenses) <> 0`;
  if (into === 'staged') {
    return `
    insert into expense_monthly_merchants_staged (family_id, month, member_id, merchant, amount, expenses)
    ${grouped}`;
  }
  return `
    insert into expense_monthly_merchants as t (family_id, month, member_id, merchant, amount, expenses)
    ${grouped}
    order by family_id, month, member_id, merchant
    on conflict (family_id, month, member_id, merchant) do update set
      amount = t.amount + excluded.amount,
      expenses = t.expenses + excluded.expenses`;
}

/** What expense rows (`from`, aliased `alias`) contribute by merchant, with a sign. */
export function addMerchants(alias: string, sign: string, from: string, into: RollupTarget = 'rollup'): string {
  return addMerchantContributions(
    `select ${alias}.family_id, date_trunc('month', ${alias}.occurred_on::timestamp)::date as month,
        ${alias}.member_id, ${alias}.merchant, ${sign} * ${alias}.base_amount_minor as amount, ${sign} as expenses
      from ${from}`,
    into,
  );
}

/** What an expense row itself contributes (its splits' parts are counted from expense_splits). */
export const whole = (alias: string, sign: string) => `select ${alias}.family_id,
      date_trunc('month', ${alias}.occurred_on::timestamp)::date as month, ${alias}.member_id,
      case when ${alias}.split then ${NIL}
        else coalesce(${alias}.category_id, ${NIL}) end as category_id,
      case when ${alias}.split then 0 else ${sign} * ${alias}.base_amount_minor end as amount,
      case when ${alias}.split then 0 else ${sign} end as lines,
      ${sign} * ${alias}.base_amount_minor as whole_amount, ${sign} as expenses
    from`;

/** What parts contribute, under their expense's month and member. */
export const parts = (
  sign: string,
) => `select s.family_id, date_trunc('month', e.occurred_on::timestamp)::date as month,
      e.member_id, s.category_id, ${sign} * s.base_amount_minor as amount, ${sign} as lines,
      0::int8 as whole_amount, 0 as expenses
    from`;

/** Staged contributions ask for one fold at commit: a transaction's mark fires the deferred trigger. */
const MARK = `insert into expense_rollup_folds (xact) values (pg_current_xact_id()) on conflict do nothing;`;

/** The three trigger functions that keep the rollup, adding into `into`. */
export function rollupFunctions(into: RollupTarget): string[] {
  const mark = into === 'staged' ? MARK : '';
  return [
    `create or replace function expense_totals_on_expenses() returns trigger
    language plpgsql set search_path from current as $fn$
    begin
      ${mark}
      if tg_op = 'INSERT' then
        ${addTotals(`${whole('n', '1')} expense_totals_new n`, into)};
        ${addMerchants('n', '1', 'expense_totals_new n', into)};
      elsif tg_op = 'UPDATE' then
        ${addTotals(
          `${whole('o', '-1')} expense_totals_old o
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
              or date_trunc('month', o.occurred_on::timestamp) <> date_trunc('month', n.occurred_on::timestamp)`,
          into,
        )};
        ${addMerchants(
          'x',
          'x.sign',
          `(select -1 as sign, o.* from expense_totals_old o
              union all select 1 as sign, n.* from expense_totals_new n) x`,
          into,
        )};
      else
        ${addTotals(`${whole('o', '-1')} expense_totals_old o`, into)};
        ${addMerchants('o', '-1', 'expense_totals_old o', into)};
      end if;
      return null;
    end
  $fn$`,
    `create or replace function expense_totals_before_delete() returns trigger
    language plpgsql set search_path from current as $fn$
    begin
      if exists (select 1 from expense_splits where expense_id = old.id) then
        ${mark}
        ${addTotals(
          `select s.family_id, date_trunc('month', old.occurred_on::timestamp)::date as month,
             old.member_id as member_id, s.category_id, -s.base_amount_minor as amount, -1 as lines,
             0::int8 as whole_amount, 0 as expenses
           from expense_splits s where s.expense_id = old.id`,
          into,
        )};
      end if;
      return old;
    end
  $fn$`,
    // Parts whose expense is gone (a cascaded delete) were taken out by the BEFORE DELETE trigger.
    `create or replace function expense_totals_on_splits() returns trigger
    language plpgsql set search_path from current as $fn$
    begin
      ${mark}
      if tg_op in ('UPDATE', 'DELETE') then
        ${addTotals(`${parts('-1')} expense_totals_old s join expenses e on e.id = s.expense_id`, into)};
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        ${addTotals(`${parts('1')} expense_totals_new s join expenses e on e.id = s.expense_id`, into)};
      end if;
      return null;
    end
  $fn$`,
  ];
}
