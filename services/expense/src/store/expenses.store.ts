// Expenses and their split parts; rows map to Expense here, and nowhere else.
import { CompiledQuery, sql, type Expression, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { pgArray, type PgArrayElement } from '@family/db';
import type { ExpenseDatabase, ExpensesTable, ExpenseSplitsTable, ExpenseSourceName } from '../db/schema.js';
import type { Expense, ExpenseSplit, NewExpense } from '../domain/expense.records.js';

type ExpenseRow = Omit<Selectable<ExpensesTable>, 'search'>;
type SplitRow = Selectable<ExpenseSplitsTable>;

/** What an update may change on one expense (splits are given separately). */
export type ExpensePatch = Partial<
  Pick<
    NewExpense,
    | 'memberId'
    | 'amountMinor'
    | 'currency'
    | 'baseAmountMinor'
    | 'fxRate'
    | 'fxRateSource'
    | 'occurredOn'
    | 'description'
    | 'merchant'
    | 'categoryId'
    | 'tags'
    | 'note'
    | 'flagged'
    | 'flagReason'
    | 'fingerprint'
  >
>;

/** What a bank sync rewrites on an expense it imported before. */
export type BankChange = Pick<
  Expense,
  | 'id'
  | 'amountMinor'
  | 'currency'
  | 'baseAmountMinor'
  | 'fxRate'
  | 'fxRateSource'
  | 'occurredOn'
  | 'description'
  | 'merchant'
  | 'pending'
  | 'fingerprint'
> & { bankTransactionId: string; bankAccountId: string };

/** The fields categorization rules look at, of an expense without a category. */
export type UncategorizedExpense = Pick<
  Expense,
  'id' | 'memberId' | 'description' | 'merchant' | 'baseAmountMinor' | 'source' | 'tags'
>;

const EXPENSE_COLUMNS = [
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

function toSplit(s: SplitRow): ExpenseSplit {
  return { categoryId: s.category_id, amountMinor: s.amount_minor, baseAmountMinor: s.base_amount_minor };
}

function splitRows(familyId: string, expenseId: string, splits: readonly ExpenseSplit[]): SplitRow[] {
  return splits.map((s, position) => ({
    expense_id: expenseId,
    position,
    family_id: familyId,
    category_id: s.categoryId,
    amount_minor: s.amountMinor,
    base_amount_minor: s.baseAmountMinor,
  }));
}

function toExpense(r: ExpenseRow, splits: ExpenseSplit[]): Expense {
  return {
    id: r.id,
    familyId: r.family_id,
    memberId: r.member_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    baseAmountMinor: r.base_amount_minor,
    baseCurrency: r.base_currency,
    fxRate: r.fx_rate,
    fxRateSource: r.fx_rate_source,
    occurredOn: r.occurred_on,
    description: r.description,
    merchant: r.merchant,
    categoryId: r.category_id,
    tags: r.tags,
    note: r.note,
    source: r.source,
    flagged: r.flagged,
    flagReason: r.flag_reason,
    recurringExpenseId: r.recurring_expense_id,
    bankProvider: r.bank_provider,
    bankTransactionId: r.bank_transaction_id,
    bankAccountId: r.bank_account_id,
    pending: r.pending,
    ledgerEntryId: r.ledger_entry_id,
    fingerprint: r.fingerprint,
    createdByMemberId: r.created_by_member_id,
    splits,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function patchRow(p: ExpensePatch) {
  return {
    ...(p.memberId !== undefined ? { member_id: p.memberId } : {}),
    ...(p.amountMinor !== undefined ? { amount_minor: p.amountMinor } : {}),
    ...(p.currency !== undefined ? { currency: p.currency } : {}),
    ...(p.baseAmountMinor !== undefined ? { base_amount_minor: p.baseAmountMinor } : {}),
    ...(p.fxRate !== undefined ? { fx_rate: p.fxRate } : {}),
    ...(p.fxRateSource !== undefined ? { fx_rate_source: p.fxRateSource } : {}),
    ...(p.occurredOn !== undefined ? { occurred_on: p.occurredOn } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.merchant !== undefined ? { merchant: p.merchant } : {}),
    ...(p.categoryId !== undefined ? { category_id: p.categoryId } : {}),
    ...(p.tags !== undefined ? { tags: p.tags } : {}),
    ...(p.note !== undefined ? { note: p.note } : {}),
    ...(p.flagged !== undefined ? { flagged: p.flagged } : {}),
    ...(p.flagReason !== undefined ? { flag_reason: p.flagReason } : {}),
    ...(p.fingerprint !== undefined ? { fingerprint: p.fingerprint } : {}),
  };
}

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

/** The columns an insert sets (the rest have defaults); `tags` last, as the insert selects it. */
const INSERT_COLUMNS = [
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
  'note',
  'source',
  'flagged',
  'flag_reason',
  'recurring_expense_id',
  'bank_provider',
  'bank_transaction_id',
  'bank_account_id',
  'pending',
  'ledger_entry_id',
  'fingerprint',
  'created_by_member_id',
  'tags',
] as const;

type UnnestRow = Record<Exclude<(typeof INSERT_COLUMNS)[number], 'tags'>, unknown> & { tags: string };

/** Each inserted column as one array (one element per row): its Postgres type and its value. */
const UNNEST_COLUMNS: [column: keyof UnnestRow, type: string, value: (e: NewExpense) => PgArrayElement][] = [
  ['id', 'uuid', (e) => e.id],
  ['family_id', 'uuid', (e) => e.familyId],
  ['member_id', 'uuid', (e) => e.memberId],
  ['amount_minor', 'int8', (e) => e.amountMinor],
  ['currency', 'text', (e) => e.currency],
  ['base_amount_minor', 'int8', (e) => e.baseAmountMinor],
  ['base_currency', 'text', (e) => e.baseCurrency],
  ['fx_rate', 'text', (e) => e.fxRate],
  ['fx_rate_source', 'text', (e) => e.fxRateSource],
  ['occurred_on', 'date', (e) => e.occurredOn],
  ['description', 'text', (e) => e.description],
  ['merchant', 'text', (e) => e.merchant],
  ['category_id', 'uuid', (e) => (e.splits.length ? null : e.categoryId)],
  ['split', 'bool', (e) => e.splits.length > 0],
  ['tags', 'text', (e) => e.tags.join('\u001f')],
  ['note', 'text', (e) => e.note],
  ['source', 'text', (e) => e.source],
  ['flagged', 'bool', (e) => e.flagged],
  ['flag_reason', 'text', (e) => e.flagReason],
  ['recurring_expense_id', 'uuid', (e) => e.recurringExpenseId],
  ['bank_provider', 'text', (e) => e.bankProvider],
  ['bank_transaction_id', 'text', (e) => e.bankTransactionId],
  ['bank_account_id', 'text', (e) => e.bankAccountId],
  ['pending', 'bool', (e) => e.pending],
  ['ledger_entry_id', 'uuid', (e) => e.ledgerEntryId],
  ['fingerprint', 'text', (e) => e.fingerprint],
  ['created_by_member_id', 'uuid', (e) => e.createdByMemberId],
];

// Multi-row inserts stay well under Postgres's 65,535 bind parameters.
const INSERT_CHUNK = 1000;
/** Rows per statement when each column is sent as one array. */
const UNNEST_CHUNK = 5000;
/** How many of the newest rows a text search walks before it asks the GIN index instead. */
const SEARCH_WINDOW = 2000;

export class ExpensesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  /** The insert's text once kysely has built it: it depends on the schema only, not on the rows. */
  private insertText: string | undefined;

  /** The multi-row insert with these column arrays (UNNEST_COLUMNS' order), answering now(). */
  private insertStatement(db: Kysely<ExpenseDatabase>, params: string[]): CompiledQuery<{ at: Date }> {
    if (this.insertText) return CompiledQuery.raw(this.insertText, params);
    const values = sql<UnnestRow>`(select ${sql.join(
      UNNEST_COLUMNS.map(([column, type], i) => sql`unnest(${params[i]}::${sql.raw(type)}[]) as ${sql.ref(column)}`),
    )})`.as('v');
    const compiled = db
      .with('inserted', (w) =>
        w
          .insertInto('expenses')
          .columns(INSERT_COLUMNS)
          .expression((eb) =>
            eb
              .selectFrom(values)
              .select(INSERT_COLUMNS.filter((c) => c !== 'tags').map((c) => `v.${c}` as const))
              .select(
                sql<string[]>`case when v.tags = '' then '{}'::text[] else string_to_array(v.tags, chr(31)) end`.as(
                  'tags',
                ),
              ),
          ),
      )
      .selectNoFrom(sql<Date>`now()`.as('at'))
      .compile();
    // Remembered only when its parameters are exactly the arrays, in order.
    if (compiled.parameters.length === params.length && compiled.parameters.every((p, i) => p === params[i])) {
      this.insertText = compiled.sql;
    }
    return compiled;
  }

  /**
   * Inserts expenses and their splits with a few multi-row statements (one array per column, so a
   * statement has a fixed number of parameters whatever its rows); returns them in order.
   */
  async insertMany(db: Kysely<ExpenseDatabase>, expenses: readonly NewExpense[]): Promise<Expense[]> {
    const out: Expense[] = [];
    for (let i = 0; i < expenses.length; i += UNNEST_CHUNK) {
      const chunk = expenses.slice(i, i + UNNEST_CHUNK);
      // Each column as one array literal (see pgArray).
      const params = UNNEST_COLUMNS.map(([, , value]) => pgArray(chunk.map(value)));
      // A new row's version is 1 and both its times are the transaction's now() (the columns'
      // defaults; no trigger changes them on insert), so the rows need not come back: one value does.
      const { at } = (await db.executeQuery(this.insertStatement(db, params))).rows[0]!;
      for (const e of chunk) {
        out.push({
          ...e,
          categoryId: e.splits.length ? null : e.categoryId,
          version: 1,
          createdAt: at,
          updatedAt: at,
        });
      }
    }
    const splits = expenses.flatMap((e) => splitRows(e.familyId, e.id, e.splits));
    for (let i = 0; i < splits.length; i += INSERT_CHUNK) {
      await db
        .insertInto('expense_splits')
        .values(splits.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    return out;
  }

  async byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db): Promise<Expense | undefined> {
    const row = await db
      .selectFrom('expenses')
      .select(EXPENSE_COLUMNS)
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return (await this.withSplits(db, [row]))[0]!;
  }

  async forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string): Promise<Expense | undefined> {
    const row = await db
      .selectFrom('expenses')
      .select(EXPENSE_COLUMNS)
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return undefined;
    return (await this.withSplits(db, [row]))[0]!;
  }

  private async withSplits(db: Kysely<ExpenseDatabase>, rows: readonly ExpenseRow[]): Promise<Expense[]> {
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
    const byExpense = new Map<string, ExpenseSplit[]>();
    for (const s of splits) byExpense.set(s.expense_id, [...(byExpense.get(s.expense_id) ?? []), toSplit(s)]);
    return rows.map((r) => toExpense(r, byExpense.get(r.id) ?? []));
  }

  /**
   * Updates one expense (bumping its version); `splits` when given replaces them (an empty list
   * makes it a whole expense again).
   */
  async update(
    db: Kysely<ExpenseDatabase>,
    id: string,
    patch: ExpensePatch,
    splits?: readonly ExpenseSplit[],
  ): Promise<Expense> {
    const row = await db
      .updateTable('expenses')
      .set({
        ...patchRow(patch),
        ...(splits ? { split: splits.length > 0 } : {}),
        version: sql<number>`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returning(EXPENSE_COLUMNS)
      .executeTakeFirstOrThrow();
    if (!splits) return (await this.withSplits(db, [row]))[0]!;
    await db.deleteFrom('expense_splits').where('expense_id', '=', id).execute();
    if (splits.length)
      await db
        .insertInto('expense_splits')
        .values(splitRows(row.family_id, id, splits))
        .execute();
    return toExpense(row, [...splits]);
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
  ): Promise<Expense[]> {
    return this.withSplits(db, await this.listRows(familyId, filter, after, limit, db));
  }

  private async listRows(
    familyId: string,
    filter: ExpenseFilter,
    after: { occurredOn: string; id: string } | undefined,
    limit: number,
    db: Kysely<ExpenseDatabase>,
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

  /**
   * Existing bank expenses by (provider, provider transaction id) (locked: a sync batch updates them).
   * Each key is looked up on its own in the unique index: with an in-list or an array the planner may
   * instead walk all of the family's bank expenses and test each against thousands of ids, as it does
   * while a table filling during a first sync has no statistics yet.
   */
  async bankExpenses(
    db: Kysely<ExpenseDatabase>,
    familyId: string,
    keys: readonly { provider: string; id: string }[],
  ): Promise<Expense[]> {
    if (keys.length === 0) return [];
    const k = sql<{
      provider: string;
      id: string;
    }>`(select unnest(${pgArray(keys.map((key) => key.provider))}::text[]) as provider,
      unnest(${pgArray(keys.map((key) => key.id))}::text[]) as id)`.as('k');
    const rows = await db
      .selectFrom(k)
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('expenses')
            .select(EXPENSE_COLUMNS)
            .where('family_id', '=', familyId)
            .whereRef('bank_provider', '=', 'k.provider')
            .whereRef('bank_transaction_id', '=', 'k.id')
            .forUpdate()
            .as('e'),
        (join) => join.onTrue(),
      )
      .selectAll('e')
      .execute();
    return this.withSplits(db, rows);
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
  async uncategorized(
    familyId: string,
    from: string | undefined,
    to: string | undefined,
    afterId: string | undefined,
    limit: number,
    db: Kysely<ExpenseDatabase> = this.db,
  ): Promise<UncategorizedExpense[]> {
    let q = db
      .selectFrom('expenses')
      .select(['id', 'member_id', 'description', 'merchant', 'base_amount_minor', 'source', 'tags'])
      .where('family_id', '=', familyId)
      .where('category_id', 'is', null)
      .where('split', '=', false);
    if (from) q = q.where('occurred_on', '>=', from);
    if (to) q = q.where('occurred_on', '<=', to);
    if (afterId) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      memberId: r.member_id,
      description: r.description,
      merchant: r.merchant,
      baseAmountMinor: r.base_amount_minor,
      source: r.source,
      tags: r.tags,
    }));
  }

  /** Sets category and tags on many expenses in one statement (re-applied rules); returns them. */
  async categorizeMany(
    db: Kysely<ExpenseDatabase>,
    changes: { id: string; categoryId: string; tags: string[] }[],
  ): Promise<Expense[]> {
    if (changes.length === 0) return [];
    const rows = await db
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
    return rows.map((r) => toExpense(r, []));
  }

  /**
   * Rewrites what a bank sync may change on many expenses in one statement; returns them with their
   * splits as they were (a caller rescales them with replaceSplits).
   */
  async updateBankMany(db: Kysely<ExpenseDatabase>, changes: BankChange[]): Promise<Expense[]> {
    if (changes.length === 0) return [];
    // Each column as one array literal (see pgArray).
    const col = (f: (c: BankChange) => PgArrayElement) => pgArray(changes.map(f));
    const rows = await db
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
    return this.withSplits(db, rows);
  }

  /** Replaces the split parts of these expenses. */
  async replaceSplits(db: Kysely<ExpenseDatabase>, expenses: readonly Pick<Expense, 'id' | 'familyId' | 'splits'>[]) {
    if (expenses.length === 0) return;
    await db
      .deleteFrom('expense_splits')
      .where(
        'expense_id',
        'in',
        expenses.map((e) => e.id),
      )
      .execute();
    const rows = expenses.flatMap((e) => splitRows(e.familyId, e.id, e.splits));
    if (rows.length) await db.insertInto('expense_splits').values(rows).execute();
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
