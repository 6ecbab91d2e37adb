import { sql, type Expression, type Kysely, type Selectable, type SqlBool, type Insertable } from 'kysely';
import type { ExpenseDatabase, ExpensesTable, ExpenseSplitsTable, ExpenseSourceName } from '../db/schema.js';

export type ExpenseRow = Omit<Selectable<ExpensesTable>, 'search'>;
export type NewExpenseRow = Omit<Insertable<ExpensesTable>, 'search' | 'created_at' | 'updated_at' | 'version'>;
export type SplitRow = Selectable<ExpenseSplitsTable>;
export type ExpenseWithSplits = ExpenseRow & { splits: SplitRow[] };

export const EXPENSE_COLUMNS = [
  'id',
  'family_id',
  'member_id',
  'amount_minor',
  'currency',
  'base_amount_minor',
  'base_currency',
  'fx_rate',
  'fx_rate_source',
  'occurred_on',
  'description',
  'merchant',
  'category_id',
  'split',
  'tags',
  'note',
  'source',
  'flagged',
  'flag_reason',
  'version',
  'recurring_expense_id',
  'bank_provider',
  'bank_transaction_id',
  'bank_account_id',
  'pending',
  'ledger_entry_id',
  'fingerprint',
  'created_by_member_id',
  'created_at',
  'updated_at',
] as const;

export interface ExpenseFilter {
  memberId?: string | undefined;
  /** The category and its subcategories; matches splits too. */
  categoryIds?: string[] | undefined;
  tag?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** A tsquery in the 'simple' configuration (built by the app from the user's text). */
  tsquery?: string | undefined;
  source?: ExpenseSourceName | undefined;
  flaggedOnly?: boolean | undefined;
  uncategorizedOnly?: boolean | undefined;
}

// Multi-row inserts stay well under Postgres's 65,535 bind parameters.
const INSERT_CHUNK = 1000;
/** How many of the newest rows a text search walks before it asks the GIN index instead. */
const SEARCH_WINDOW = 2000;

export class ExpensesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  /** Inserts expenses and their splits with a few multi-row statements. */
  async insertMany(db: Kysely<ExpenseDatabase>, rows: NewExpenseRow[], splits: SplitRow[]): Promise<ExpenseRow[]> {
    const out: ExpenseRow[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      out.push(...(await db.insertInto('expenses').values(chunk).returning(EXPENSE_COLUMNS).execute()));
    }
    for (let i = 0; i < splits.length; i += INSERT_CHUNK) {
      await db
        .insertInto('expense_splits')
        .values(splits.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    return out;
  }

  async byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db) {
    const row = await db
      .selectFrom('expenses')
      .select(EXPENSE_COLUMNS)
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return (await this.withSplits(db, [row]))[0]!;
  }

  forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string): Promise<ExpenseRow | undefined> {
    return db
      .selectFrom('expenses')
      .select(EXPENSE_COLUMNS)
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  async withSplits(db: Kysely<ExpenseDatabase>, rows: ExpenseRow[]): Promise<ExpenseWithSplits[]> {
    const ids = rows.filter((r) => r.split).map((r) => r.id);
    const splits = ids.length
      ? await db
          .selectFrom('expense_splits')
          .selectAll()
          .where('expense_id', 'in', ids)
          .orderBy('expense_id')
          .orderBy('position')
          .execute()
      : [];
    const byExpense = new Map<string, SplitRow[]>();
    for (const s of splits) byExpense.set(s.expense_id, [...(byExpense.get(s.expense_id) ?? []), s]);
    return rows.map((r) => ({ ...r, splits: byExpense.get(r.id) ?? [] }));
  }

  /** Updates one expense (bumping its version); `splits` when given replaces them. */
  async update(
    db: Kysely<ExpenseDatabase>,
    id: string,
    patch: Partial<NewExpenseRow>,
    splits?: SplitRow[],
  ): Promise<ExpenseRow> {
    const row = await db
      .updateTable('expenses')
      .set({ ...patch, version: sql<number>`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .returning(EXPENSE_COLUMNS)
      .executeTakeFirstOrThrow();
    if (splits) {
      await db.deleteFrom('expense_splits').where('expense_id', '=', id).execute();
      if (splits.length) await db.insertInto('expense_splits').values(splits).execute();
    }
    return row;
  }

  async delete(db: Kysely<ExpenseDatabase>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.deleteFrom('expenses').where('id', 'in', ids).execute();
  }

  async setFlags(db: Kysely<ExpenseDatabase>, flags: { id: string; reason: string }[]): Promise<void> {
    if (flags.length === 0) return;
    await db
      .updateTable('expenses as e')
      .from(
        sql<{ id: string; reason: string }>`(select unnest(${flags.map((f) => f.id)}::uuid[]) as id,
          unnest(${flags.map((f) => f.reason)}::text[]) as reason)`.as('v'),
      )
      .set((eb) => ({ flagged: true, flag_reason: eb.ref('v.reason') }))
      .whereRef('e.id', '=', 'v.id')
      .execute();
  }

  /**
   * Expenses of the family, newest first, `limit` rows after the keyset (occurred_on, id).
   *
   * Text search plans two ways, because Postgres cannot estimate how many rows a prefix tsquery
   * matches: first the newest rows are walked in index order (cheap when the words are common);
   * when that window does not fill the page, the GIN index finds every match and only those are
   * sorted (cheap when the words are rare).
   */
  async list(
    familyId: string,
    filter: ExpenseFilter,
    after: { occurredOn: string; id: string } | undefined,
    limit: number,
    db: Kysely<ExpenseDatabase> = this.db,
  ): Promise<ExpenseRow[]> {
    const base = db
      .selectFrom('expenses as e')
      .where('e.family_id', '=', familyId)
      .where((eb) => {
        const conds: Expression<SqlBool>[] = [];
        if (filter.memberId) conds.push(eb('e.member_id', '=', filter.memberId));
        if (filter.from) conds.push(eb('e.occurred_on', '>=', filter.from));
        if (filter.to) conds.push(eb('e.occurred_on', '<=', filter.to));
        if (filter.source) conds.push(eb('e.source', '=', filter.source));
        if (filter.flaggedOnly) conds.push(eb('e.flagged', '=', true));
        if (filter.uncategorizedOnly) conds.push(eb.and([eb('e.category_id', 'is', null), eb('e.split', '=', false)]));
        if (filter.tag) conds.push(sql<SqlBool>`e.tags @> array[${filter.tag}]::text[]`);
        if (filter.categoryIds) {
          const ids = filter.categoryIds;
          conds.push(
            eb.or([
              eb('e.category_id', 'in', ids),
              eb.and([
                eb('e.split', '=', true),
                eb.exists(
                  eb
                    .selectFrom('expense_splits as s')
                    .select(sql`1`.as('one'))
                    .whereRef('s.expense_id', '=', 'e.id')
                    .where('s.category_id', 'in', ids),
                ),
              ]),
            ]),
          );
        }
        if (after) {
          conds.push(eb(eb.refTuple('e.occurred_on', 'e.id'), '<', eb.tuple(after.occurredOn, after.id)));
        }
        return eb.and(conds);
      });
    const columns = EXPENSE_COLUMNS.map((c) => `e.${c}` as const);
    if (!filter.tsquery) {
      return base.select(columns).orderBy('e.occurred_on', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
    }
    const matches = sql<SqlBool>`search @@ to_tsquery('simple', ${filter.tsquery})`;
    const window = base
      .select([...columns, 'e.search'])
      .orderBy('e.occurred_on', 'desc')
      .orderBy('e.id', 'desc')
      .limit(SEARCH_WINDOW);
    const recent = await db
      .selectFrom(window.as('w'))
      .select(EXPENSE_COLUMNS.map((c) => `w.${c}` as const))
      .where(matches)
      .orderBy('w.occurred_on', 'desc')
      .orderBy('w.id', 'desc')
      .limit(limit)
      .execute();
    if (recent.length === limit) return recent;
    return db
      .with(
        (cte) => cte('hits').materialized(),
        () => base.select(columns).where(matches),
      )
      .selectFrom('hits')
      .selectAll()
      .orderBy('occurred_on', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute() as Promise<ExpenseRow[]>;
  }

  /** Existing bank expenses by provider transaction id (locked: a sync batch updates them). */
  bankExpenses(db: Kysely<ExpenseDatabase>, familyId: string, providers: string[], ids: string[]) {
    if (ids.length === 0) return Promise.resolve([] as ExpenseRow[]);
    return db
      .selectFrom('expenses')
      .select(EXPENSE_COLUMNS)
      .where('family_id', '=', familyId)
      .where('bank_provider', 'in', providers)
      .where('bank_transaction_id', 'in', ids)
      .forUpdate()
      .execute();
  }

  /** How many expenses of the family have each fingerprint. */
  async fingerprintCounts(db: Kysely<ExpenseDatabase>, familyId: string, fingerprints: string[]) {
    const counts = new Map<string, number>();
    for (let i = 0; i < fingerprints.length; i += INSERT_CHUNK) {
      const rows = await db
        .selectFrom('expenses')
        .select(['fingerprint', (eb) => eb.fn.countAll<number>().as('n')])
        .where('family_id', '=', familyId)
        .where('fingerprint', 'in', fingerprints.slice(i, i + INSERT_CHUNK))
        .groupBy('fingerprint')
        .execute();
      for (const r of rows) counts.set(r.fingerprint, Number(r.n));
    }
    return counts;
  }

  /** Total base amount of a member's expenses in [from, to]. */
  async memberSpent(db: Kysely<ExpenseDatabase>, familyId: string, memberId: string, from: string, to: string) {
    const r = await db
      .selectFrom('expenses')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('base_amount_minor'), sql<number>`0`).as('total'))
      .where('family_id', '=', familyId)
      .where('member_id', '=', memberId)
      .where('occurred_on', '>=', from)
      .where('occurred_on', '<=', to)
      .executeTakeFirst();
    return Number(r?.total ?? 0);
  }

  /**
   * Total base amount in [from, to], optionally for one member and a set of categories (split
   * parts count toward their own category).
   */
  async spent(
    db: Kysely<ExpenseDatabase>,
    familyId: string,
    from: string,
    to: string,
    memberId: string | null,
    categoryIds: string[] | null,
  ): Promise<number> {
    let whole = db
      .selectFrom('expenses as e')
      .select((eb) => eb.fn.sum<number | string | null>('e.base_amount_minor').as('total'))
      .where('e.family_id', '=', familyId)
      .where('e.occurred_on', '>=', from)
      .where('e.occurred_on', '<=', to);
    if (memberId) whole = whole.where('e.member_id', '=', memberId);
    if (!categoryIds) return Number((await whole.executeTakeFirst())?.total ?? 0);
    whole = whole.where('e.split', '=', false).where('e.category_id', 'in', categoryIds);
    let parts = db
      .selectFrom('expense_splits as s')
      .innerJoin('expenses as e', 'e.id', 's.expense_id')
      .select((eb) => eb.fn.sum<number | string | null>('s.base_amount_minor').as('total'))
      .where('s.family_id', '=', familyId)
      .where('s.category_id', 'in', categoryIds)
      .where('e.occurred_on', '>=', from)
      .where('e.occurred_on', '<=', to);
    if (memberId) parts = parts.where('e.member_id', '=', memberId);
    const [a, b] = await Promise.all([whole.executeTakeFirst(), parts.executeTakeFirst()]);
    return Number(a?.total ?? 0) + Number(b?.total ?? 0);
  }

  /** Uncategorized expenses in a date range, oldest id first, after `afterId` (for re-applying rules). */
  uncategorized(
    familyId: string,
    from: string | undefined,
    to: string | undefined,
    afterId: string | undefined,
    limit: number,
    db: Kysely<ExpenseDatabase> = this.db,
  ) {
    let q = db
      .selectFrom('expenses')
      .select(['id', 'member_id', 'description', 'merchant', 'base_amount_minor', 'source', 'tags'])
      .where('family_id', '=', familyId)
      .where('category_id', 'is', null)
      .where('split', '=', false);
    if (from) q = q.where('occurred_on', '>=', from);
    if (to) q = q.where('occurred_on', '<=', to);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  /** Sets category and tags on many expenses in one statement (re-applied rules); returns new rows. */
  async categorizeMany(db: Kysely<ExpenseDatabase>, changes: { id: string; categoryId: string; tags: string[] }[]) {
    if (changes.length === 0) return [] as ExpenseRow[];
    return db
      .updateTable('expenses as e')
      .from(
        sql<{
          id: string;
          category_id: string;
          tags: string;
        }>`(select unnest(${changes.map((c) => c.id)}::uuid[]) as id,
          unnest(${changes.map((c) => c.categoryId)}::uuid[]) as category_id,
          unnest(${changes.map((c) => c.tags.join('\u001f'))}::text[]) as tags)`.as('v'),
      )
      .set((eb) => ({
        category_id: eb.ref('v.category_id'),
        tags: sql<string[]>`case when v.tags = '' then '{}'::text[] else string_to_array(v.tags, chr(31)) end`,
        version: sql<number>`e.version + 1`,
        updated_at: new Date(),
      }))
      .whereRef('e.id', '=', 'v.id')
      .where('e.category_id', 'is', null)
      .where('e.split', '=', false)
      .returning(EXPENSE_COLUMNS.map((c) => `e.${c}` as const))
      .execute();
  }

  /** Rewrites what a bank sync may change on many expenses in one statement; returns the new rows. */
  async updateBankMany(
    db: Kysely<ExpenseDatabase>,
    changes: {
      id: string;
      amountMinor: number;
      currency: string;
      baseAmountMinor: number;
      fxRate: string;
      fxRateSource: string;
      occurredOn: string;
      description: string;
      merchant: string;
      pending: boolean;
      bankTransactionId: string;
      bankAccountId: string;
      fingerprint: string;
    }[],
  ): Promise<ExpenseRow[]> {
    if (changes.length === 0) return [];
    const col = <T>(f: (c: (typeof changes)[number]) => T) => changes.map(f);
    return db
      .updateTable('expenses as e')
      .from(
        sql<{
          id: string;
          amount_minor: number;
          currency: string;
          base_amount_minor: number;
          fx_rate: string;
          fx_rate_source: string;
          occurred_on: string;
          description: string;
          merchant: string;
          pending: boolean;
          bank_transaction_id: string;
          bank_account_id: string;
          fingerprint: string;
        }>`(select unnest(${col((c) => c.id)}::uuid[]) as id,
          unnest(${col((c) => c.amountMinor)}::int8[]) as amount_minor,
          unnest(${col((c) => c.currency)}::text[]) as currency,
          unnest(${col((c) => c.baseAmountMinor)}::int8[]) as base_amount_minor,
          unnest(${col((c) => c.fxRate)}::text[]) as fx_rate,
          unnest(${col((c) => c.fxRateSource)}::text[]) as fx_rate_source,
          unnest(${col((c) => c.occurredOn)}::date[]) as occurred_on,
          unnest(${col((c) => c.description)}::text[]) as description,
          unnest(${col((c) => c.merchant)}::text[]) as merchant,
          unnest(${col((c) => c.pending)}::bool[]) as pending,
          unnest(${col((c) => c.bankTransactionId)}::text[]) as bank_transaction_id,
          unnest(${col((c) => c.bankAccountId)}::text[]) as bank_account_id,
          unnest(${col((c) => c.fingerprint)}::text[]) as fingerprint)`.as('v'),
      )
      .set((eb) => ({
        amount_minor: eb.ref('v.amount_minor'),
        currency: eb.ref('v.currency'),
        base_amount_minor: eb.ref('v.base_amount_minor'),
        fx_rate: eb.ref('v.fx_rate'),
        fx_rate_source: sql`v.fx_rate_source`,
        occurred_on: eb.ref('v.occurred_on'),
        description: eb.ref('v.description'),
        merchant: eb.ref('v.merchant'),
        pending: eb.ref('v.pending'),
        bank_transaction_id: eb.ref('v.bank_transaction_id'),
        bank_account_id: eb.ref('v.bank_account_id'),
        fingerprint: eb.ref('v.fingerprint'),
        version: sql<number>`e.version + 1`,
        updated_at: new Date(),
      }))
      .whereRef('e.id', '=', 'v.id')
      .returning(EXPENSE_COLUMNS.map((c) => `e.${c}` as const))
      .execute();
  }

  async replaceSplits(db: Kysely<ExpenseDatabase>, expenseIds: string[], splits: SplitRow[]): Promise<void> {
    if (expenseIds.length === 0) return;
    await db.deleteFrom('expense_splits').where('expense_id', 'in', expenseIds).execute();
    if (splits.length) await db.insertInto('expense_splits').values(splits).execute();
  }

  /** A JAR expense already recorded for this ledger entry. */
  byLedgerEntry(db: Kysely<ExpenseDatabase>, familyId: string, ledgerEntryId: string) {
    return db
      .selectFrom('expenses')
      .select('id')
      .where('family_id', '=', familyId)
      .where('ledger_entry_id', '=', ledgerEntryId)
      .executeTakeFirst();
  }
}
