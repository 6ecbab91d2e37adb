// Aggregates for spending reports, all in base currency. When a report looks at categories, split
// expenses contribute their parts (each to its own category) instead of their whole amount. Each
// query reads only the columns it needs, so the covering index on (family_id, occurred_on) serves it.
//
// Whole calendar months inside a range are read from the monthly rollup `expense_monthly_totals`
// (kept by triggers in the same transaction as every expense write, migration 0003); only the
// partial months at the edges are aggregated from the expenses. The rollup is used where it is
// exact: totals and groups by category, member or month — except member/month counts narrowed to
// categories (an expense split across two of them counts once, which per-category rows cannot
// tell) — the total of a tag report, and top merchants (from `expense_monthly_merchants`) unless
// narrowed to categories. Tag groups read the expenses.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { addDays, periodContaining } from '@family/service-kit/calendar';
import type { ExpenseDatabase } from '../db/schema.js';

/** The rollup's category for "uncategorized" (and for the whole-expense row of a split expense). */
const NO_CATEGORY = '00000000-0000-0000-0000-000000000000';

/** [from, to] as whole calendar months (if any) and the partial months around them. */
export function monthSpan(
  from: string,
  to: string,
): { months?: { from: string; to: string }; edges: { from: string; to: string }[] } {
  const first = periodContaining('MONTH', from);
  const last = periodContaining('MONTH', to);
  const mFrom = from === first.start ? from : addDays(first.end, 1);
  const mTo = to === last.end ? to : addDays(last.start, -1);
  if (mFrom > mTo) return { edges: [{ from, to }] };
  const edges: { from: string; to: string }[] = [];
  if (from < mFrom) edges.push({ from, to: addDays(mFrom, -1) });
  if (mTo < to) edges.push({ from: addDays(mTo, 1), to });
  return { months: { from: mFrom, to: mTo }, edges };
}

function merge(parts: GroupTotal[][]): GroupTotal[] {
  const out = new Map<string, GroupTotal>();
  for (const g of parts.flat()) {
    const had = out.get(g.key);
    out.set(g.key, had ? { key: g.key, total: had.total + g.total, count: had.count + g.count } : { ...g });
  }
  return [...out.values()];
}

export interface ReportFilter {
  familyId: string;
  from: string;
  to: string;
  memberId: string | undefined;
  categoryIds: string[] | undefined;
}

export type ReportGrouping = 'CATEGORY' | 'MEMBER' | 'MONTH' | 'TAG';

export interface GroupTotal {
  key: string;
  total: number;
  count: number;
}

export class ReportsStore {
  constructor(
    private readonly db: Kysely<ExpenseDatabase>,
    /** Off only to check the rollup against the expenses (tests). */
    private readonly useRollup = true,
  ) {}

  private rollup(f: ReportFilter, months: { from: string; to: string }) {
    let q = this.db
      .selectFrom('expense_monthly_totals as t')
      .where('t.family_id', '=', f.familyId)
      .where('t.month', '>=', months.from)
      .where('t.month', '<=', months.to);
    if (f.memberId) q = q.where('t.member_id', '=', f.memberId);
    if (f.categoryIds) q = q.where('t.category_id', 'in', f.categoryIds);
    return q;
  }

  async groups(f: ReportFilter, by: ReportGrouping): Promise<GroupTotal[]> {
    const exact = by !== 'TAG' && (by === 'CATEGORY' || f.categoryIds === undefined);
    const span = monthSpan(f.from, f.to);
    if (!this.useRollup || !exact || !span.months) return this.groupsFromExpenses(f, by);
    const months = span.months;
    const byCategory = by === 'CATEGORY';
    const key =
      by === 'CATEGORY'
        ? sql<string>`case when t.category_id = ${NO_CATEGORY}::uuid then '' else t.category_id::text end`
        : by === 'MEMBER'
          ? sql<string>`t.member_id::text`
          : sql<string>`to_char(t.month, 'YYYY-MM')`;
    const [fromRollup, ...edges] = await Promise.all([
      this.rollup(f, months)
        .select([
          key.as('key'),
          (byCategory ? sql<string>`sum(t.amount)` : sql<string>`sum(t.whole_amount)`).as('total'),
          (byCategory ? sql<string>`sum(t.lines)` : sql<string>`sum(t.expenses)`).as('count'),
        ])
        .groupBy(sql`1`)
        .having(byCategory ? sql`sum(t.lines)` : sql`sum(t.expenses)`, '>', 0)
        .execute()
        .then((rows) => rows.map((r) => ({ key: r.key, total: Number(r.total), count: Number(r.count) }))),
      ...span.edges.map((e) => this.groupsFromExpenses({ ...f, ...e }, by)),
    ]);
    return merge([fromRollup!, ...edges]);
  }

  /**
   * Lines of the report: (key, amount, expense id). Whole expenses, or — when categories matter —
   * unsplit expenses plus the parts of split ones.
   */
  private lines(f: ReportFilter, key: (alias: 'e' | 's') => RawBuilder<string>, withSplits: boolean) {
    let whole = this.db
      .selectFrom('expenses as e')
      .select([key('e').as('key'), 'e.base_amount_minor as amount', 'e.id'])
      .where('e.family_id', '=', f.familyId)
      .where('e.occurred_on', '>=', f.from)
      .where('e.occurred_on', '<=', f.to);
    if (f.memberId) whole = whole.where('e.member_id', '=', f.memberId);
    if (!withSplits) return whole;
    whole = whole.where('e.split', '=', false);
    if (f.categoryIds) whole = whole.where('e.category_id', 'in', f.categoryIds);
    let parts = this.db
      .selectFrom('expense_splits as s')
      .innerJoin('expenses as e', 'e.id', 's.expense_id')
      .select([key('s').as('key'), 's.base_amount_minor as amount', 'e.id'])
      .where('s.family_id', '=', f.familyId)
      .where('e.occurred_on', '>=', f.from)
      .where('e.occurred_on', '<=', f.to);
    if (f.memberId) parts = parts.where('e.member_id', '=', f.memberId);
    if (f.categoryIds) parts = parts.where('s.category_id', 'in', f.categoryIds);
    return whole.unionAll(parts);
  }

  private async groupsFromExpenses(f: ReportFilter, by: ReportGrouping): Promise<GroupTotal[]> {
    const withSplits = by === 'CATEGORY' || f.categoryIds !== undefined;
    const key = (alias: 'e' | 's'): RawBuilder<string> => {
      switch (by) {
        case 'CATEGORY':
          return alias === 's' ? sql<string>`s.category_id::text` : sql<string>`coalesce(e.category_id::text, '')`;
        case 'MEMBER':
          return sql<string>`e.member_id::text`;
        case 'MONTH':
          return sql<string>`to_char(e.occurred_on, 'YYYY-MM')`;
        case 'TAG':
          return sql<string>`unnest(case when cardinality(e.tags) = 0 then array['']::text[] else e.tags end)`;
      }
    };
    // A split's parts are in distinct categories, so only member/month lines over parts can repeat
    // an expense within a group.
    const count = withSplits && by !== 'CATEGORY' ? sql<string>`count(distinct l.id)` : sql<string>`count(*)`;
    const rows = await this.db
      .selectFrom(this.lines(f, key, withSplits).as('l'))
      .select(['l.key', sql<string>`sum(l.amount)`.as('total'), count.as('count')])
      .groupBy('l.key')
      .execute();
    return rows.map((r) => ({ key: r.key, total: Number(r.total), count: Number(r.count) }));
  }

  /** The total of the range (for reports by tag, where groups overlap). */
  async total(f: ReportFilter): Promise<number> {
    const span = monthSpan(f.from, f.to);
    if (!this.useRollup || !span.months) return this.totalFromExpenses(f);
    const [r, ...edges] = await Promise.all([
      this.rollup(f, span.months)
        .select(
          (f.categoryIds ? sql<string | null>`sum(t.amount)` : sql<string | null>`sum(t.whole_amount)`).as('total'),
        )
        .executeTakeFirst(),
      ...span.edges.map((e) => this.totalFromExpenses({ ...f, ...e })),
    ]);
    return (
      Number((r as { total: string | null } | undefined)?.total ?? 0) + (edges as number[]).reduce((a, b) => a + b, 0)
    );
  }

  private async totalFromExpenses(f: ReportFilter): Promise<number> {
    const r = await this.db
      .selectFrom(this.lines(f, () => sql<string>`''`, f.categoryIds !== undefined).as('l'))
      .select(sql<string | null>`sum(l.amount)`.as('total'))
      .executeTakeFirst();
    return Number(r?.total ?? 0);
  }

  async topMerchants(f: ReportFilter, limit: number): Promise<{ merchant: string; total: number; count: number }[]> {
    const span = monthSpan(f.from, f.to);
    // Narrowed to categories, a split expense counts its parts there: only the expenses can tell.
    if (!this.useRollup || f.categoryIds !== undefined || !span.months) return this.topMerchantsFromExpenses(f, limit);
    // Whole months from the rollup (one row per spelling), the edges' expenses one by one, grouped
    // case-insensitively in one query so the ranking and spelling follow the database's collation
    // exactly as the query over the expenses does.
    let lines = this.db
      .selectFrom('expense_monthly_merchants as t')
      .select([
        sql<string>`t.merchant`.as('key'),
        sql<string>`sum(t.amount)`.as('amount'),
        sql<string>`sum(t.expenses)`.as('n'),
      ])
      .where('t.family_id', '=', f.familyId)
      .where('t.month', '>=', span.months.from)
      .where('t.month', '<=', span.months.to)
      .$if(f.memberId !== undefined, (qb) => qb.where('t.member_id', '=', f.memberId!))
      .groupBy('t.merchant')
      .having(sql`sum(t.expenses)`, '>', 0);
    for (const edge of span.edges) {
      lines = lines.unionAll(
        this.db
          .selectFrom('expenses as e')
          .select([
            sql<string>`e.merchant`.as('key'),
            sql<string>`e.base_amount_minor`.as('amount'),
            sql<string>`1::int8`.as('n'),
          ])
          .where('e.family_id', '=', f.familyId)
          .where('e.occurred_on', '>=', edge.from)
          .where('e.occurred_on', '<=', edge.to)
          .where('e.merchant', '<>', '')
          .$if(f.memberId !== undefined, (qb) => qb.where('e.member_id', '=', f.memberId!)),
      );
    }
    const rows = await this.db
      .selectFrom(lines.as('l'))
      .select([
        sql<string>`min(l.key)`.as('merchant'),
        sql<string>`sum(l.amount)`.as('total'),
        sql<string>`sum(l.n)`.as('count'),
      ])
      .where('l.key', '<>', '')
      .groupBy(sql`lower(l.key)`)
      .orderBy(sql`sum(l.amount)`, 'desc')
      .orderBy(sql`min(l.key)`)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ merchant: r.merchant, total: Number(r.total), count: Number(r.count) }));
  }

  private async topMerchantsFromExpenses(f: ReportFilter, limit: number) {
    const withSplits = f.categoryIds !== undefined;
    const rows = await this.db
      .selectFrom(this.lines(f, () => sql<string>`e.merchant`, withSplits).as('l'))
      .select([
        sql<string>`min(l.key)`.as('merchant'),
        sql<string>`sum(l.amount)`.as('total'),
        (withSplits ? sql<string>`count(distinct l.id)` : sql<string>`count(*)`).as('count'),
      ])
      .where('l.key', '<>', '')
      .groupBy(sql`lower(l.key)`)
      .orderBy(sql`sum(l.amount)`, 'desc')
      .orderBy(sql`min(l.key)`)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ merchant: r.merchant, total: Number(r.total), count: Number(r.count) }));
  }
}
