// Aggregates for spending reports, all in base currency. When a report looks at categories, split
// expenses contribute their parts (each to its own category) instead of their whole amount. Each
// query reads only the columns it needs, so the covering index on (family_id, occurred_on) serves it.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ExpenseDatabase } from '../db/schema.js';

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
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

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

  async groups(f: ReportFilter, by: ReportGrouping): Promise<GroupTotal[]> {
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
    const r = await this.db
      .selectFrom(this.lines(f, () => sql<string>`''`, f.categoryIds !== undefined).as('l'))
      .select(sql<string | null>`sum(l.amount)`.as('total'))
      .executeTakeFirst();
    return Number(r?.total ?? 0);
  }

  async topMerchants(f: ReportFilter, limit: number) {
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
