// CSV export (streamed page by page) and import (every row checked, every bad row reported with its
// line and column, nothing written unless the whole file is good, re-imported rows skipped as
// duplicates by fingerprint).
import { AppError, isUuid, Violations } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import type { Actor } from '@family/service-kit';
import { isDay, dayIn } from '@family/service-kit/calendar';
import { CategoryTree } from '../domain/category.tree.js';
import {
  csvRow,
  CsvSyntaxError,
  escapeFormula,
  EXPORT_COLUMNS,
  parseCsv,
  TAG_SEPARATOR,
  unescapeFormula,
} from '../domain/csv.format.js';
import { checkExpenseFields, expenseFingerprint, normalizeTags, type SplitInput } from '../domain/expense.rules.js';
import { resolveBaseAmount } from '../domain/fx.rules.js';
import { currencyRefusal, formatMinor, isCurrency, MoneyError, parseMajor } from '@family/service-kit/money';
import type { ExpenseDeps } from './expense.deps.js';
import type { ExpenseDraft, ExpenseWriter } from './expense.writer.js';
import type { ExpenseListInput, Expenses } from './expenses.js';
import type { CsvImportJob, CsvImportJobs } from './csv-import-jobs.js';

export const MAX_CSV_BYTES = 10 * 1024 * 1024;
export const MAX_CSV_ROWS = 20_000;
const EXPORT_PAGE = 1000;
const SPLIT_SEPARATOR = ';';

export interface CsvRowError {
  line: number;
  field: string;
  message: string;
}

/** A major-unit cell ("12.50") as minor units, or why it is refused. */
function minorOf(text: string, currency: string): number | MoneyError {
  try {
    return parseMajor(text, currency);
  } catch (err) {
    if (err instanceof MoneyError) return err;
    throw err;
  }
}

// Violation field names of the shared expense checks → the CSV's column names.
const columnOf: Record<string, string> = {
  amountMinor: 'amount',
  currency: 'currency',
  description: 'description',
  merchant: 'merchant',
  note: 'note',
  tags: 'tags',
  categoryId: 'category',
  splits: 'splits',
  fxRate: 'base_amount',
  baseAmountMinor: 'base_amount',
};

export interface CsvImportInput {
  csv: Uint8Array;
  defaultMemberId: string;
  defaultCurrency: string;
}

/** A file checked row by row: `drafts` are its rows ready to write, empty when `errors` has any. */
export interface CheckedCsv {
  rowCount: number;
  drafts: ExpenseDraft[];
  errors: CsvRowError[];
}

export class CsvTransfer {
  /** Set by the app once the jobs exist (they write through this transfer's duplicate check). */
  jobs: CsvImportJobs | undefined;

  constructor(
    private readonly deps: ExpenseDeps,
    private readonly expenses: Expenses,
    private readonly writer: ExpenseWriter,
  ) {}

  /** The CSV in chunks: the header first, then one chunk per page of expenses (newest first). */
  async *export(
    caller: Caller,
    familyId: string,
    input: ExpenseListInput,
  ): AsyncGenerator<{ chunk: Buffer; filename: string }> {
    const actor = await this.deps.access.actor(caller, familyId);
    const filter = await this.expenses.filterFor(actor, input);
    const tree = new CategoryTree(await this.deps.categories.all(actor.familyId));
    const filename = `expenses-${dayIn(actor.family.timezone, this.deps.now())}.csv`;
    yield { chunk: Buffer.from(csvRow([...EXPORT_COLUMNS, 'splits'])), filename };
    let after: { occurredOn: string; id: string } | undefined;
    for (;;) {
      const rows = await this.deps.expenses.list(actor.familyId, filter, after, EXPORT_PAGE);
      if (rows.length === 0) break;
      const text = rows
        .map((e) =>
          csvRow([
            e.occurredOn,
            formatMinor(e.amountMinor, e.currency),
            e.currency,
            formatMinor(e.baseAmountMinor, e.baseCurrency),
            e.baseCurrency,
            escapeFormula(e.description),
            escapeFormula(e.merchant),
            e.categoryId ? escapeFormula(tree.path(e.categoryId)) : '',
            escapeFormula(e.tags.join(TAG_SEPARATOR)),
            escapeFormula(e.note),
            e.memberId,
            e.source,
            e.flagged ? 'true' : 'false',
            e.id,
            escapeFormula(
              e.splits
                .map((s) => `${tree.path(s.categoryId)}=${formatMinor(s.amountMinor, e.currency)}`)
                .join(SPLIT_SEPARATOR),
            ),
          ]),
        )
        .join('');
      yield { chunk: Buffer.from(text), filename: '' };
      const last = rows[rows.length - 1]!;
      after = { occurredOn: last.occurredOn, id: last.id };
      if (rows.length < EXPORT_PAGE) break;
    }
  }

  /**
   * Checks and writes the file in the call, or — more than `syncRows` rows and not a dry run — hands
   * the checked rows to an import job (`job`) that the service's worker writes.
   */
  async import(
    caller: Caller,
    familyId: string,
    input: CsvImportInput & {
      dryRun: boolean;
      /** The call's: once the caller gave up (deadline, cancel) the rows are rolled back, not committed. */
      signal?: AbortSignal;
    },
  ): Promise<{ imported: number; duplicates: number; errors: CsvRowError[]; job?: CsvImportJob }> {
    const actor = await this.deps.access.actor(caller, familyId);
    const checked = await this.check(actor, input);
    if (this.jobs && !input.dryRun && checked.rowCount > this.jobs.syncRows) {
      return { imported: 0, duplicates: 0, errors: [], job: await this.jobs.submit(actor, checked) };
    }
    if (checked.errors.length) return { imported: 0, duplicates: 0, errors: checked.errors };
    const { fresh, duplicates } = await this.withoutDuplicates(this.deps.db, actor.familyId, checked.drafts);
    if (!input.dryRun && fresh.length) {
      await this.deps.db.transaction().execute(async (trx) => {
        await this.writer.create(trx, actor.family, fresh, { actorUserId: actor.userId });
        // A caller that already answered its user with an error (504) must not find the rows
        // committed after all: the last moment to change course is before COMMIT.
        input.signal?.throwIfAborted();
      });
    }
    return { imported: fresh.length, duplicates, errors: [] };
  }

  /** Every row of the file checked (reads only): the drafts to write when there is no error. */
  async check(actor: Actor, input: CsvImportInput): Promise<CheckedCsv> {
    const family = actor.family;
    if (input.csv.byteLength > MAX_CSV_BYTES) throw AppError.invalidField('csv', 'must be at most 10 MB');
    const defaultMember = await this.deps.access.subject(actor, input.defaultMemberId, 'defaultMemberId');
    await this.deps.defaultCategories.ensure(actor.familyId);
    const defaultCurrency = input.defaultCurrency ? input.defaultCurrency.toUpperCase() : family.currency;
    const defaultRefusal = defaultCurrency === family.currency ? undefined : currencyRefusal(defaultCurrency);
    if (defaultRefusal) throw AppError.invalidField('defaultCurrency', defaultRefusal);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input.csv);
    } catch {
      throw AppError.invalidField('csv', 'must be UTF-8 text');
    }
    let records;
    try {
      records = parseCsv(text);
    } catch (err) {
      if (err instanceof CsvSyntaxError)
        return { rowCount: 0, drafts: [], errors: [{ line: err.line, field: '', message: err.message }] };
      throw err;
    }
    const [header, ...rows] = records;
    if (!header) throw AppError.invalidField('csv', 'is empty');
    if (rows.length > MAX_CSV_ROWS) throw AppError.invalidField('csv', `at most ${MAX_CSV_ROWS} rows per file`);
    const columns = new Map(header.cells.map((c, i) => [c.trim().toLowerCase(), i]));
    const errors: CsvRowError[] = [];
    for (const required of ['date', 'amount', 'description']) {
      if (!columns.has(required)) errors.push({ line: header.line, field: required, message: 'column is missing' });
    }
    if (errors.length) return { rowCount: rows.length, drafts: [], errors };

    const tree = new CategoryTree(await this.deps.categories.all(actor.familyId));
    const cell = (cells: string[], name: string) => {
      const i = columns.get(name);
      return i === undefined ? '' : unescapeFormula(cells[i] ?? '').trim();
    };
    const memberIds = new Set(rows.map((r) => cell(r.cells, 'member_id').toLowerCase()).filter(Boolean));
    const members =
      actor.isParent && memberIds.size ? await this.deps.families.members(actor.familyId, actor.token) : undefined;
    const currencies = new Set(rows.map((r) => (cell(r.cells, 'currency') || defaultCurrency).toUpperCase()));
    currencies.delete(family.currency);
    const rates = await this.deps.fxRates.rates(actor.familyId, [...currencies].filter(isCurrency));
    // The family's own currency is always fine here, even if ISO 4217 has withdrawn it since.
    const usable = (currency: string) => currency === family.currency || isCurrency(currency);

    const drafts: ExpenseDraft[] = [];
    for (const { line, cells } of rows) {
      const rowErrors: CsvRowError[] = [];
      const bad = (field: string, message: string) => rowErrors.push({ line, field, message });
      const date = cell(cells, 'date');
      if (!isDay(date)) bad('date', 'must be a date as YYYY-MM-DD');
      const currency = (cell(cells, 'currency') || defaultCurrency).toUpperCase();
      if (!usable(currency)) bad('currency', currencyRefusal(currency)!);
      const amount = usable(currency) ? minorOf(cell(cells, 'amount'), currency) : undefined;
      const amountMinor = typeof amount === 'number' ? amount : undefined;
      if (amount instanceof MoneyError) bad('amount', amount.message);
      else if (amount === undefined) bad('amount', 'must be a decimal amount such as 12.50');
      let memberId = defaultMember;
      const memberCell = cell(cells, 'member_id').toLowerCase();
      if (memberCell) {
        if (!isUuid(memberCell)) bad('member_id', 'must be a member id');
        else if (!actor.isParent && memberCell !== actor.memberId)
          bad('member_id', 'you can only import your own expenses');
        else if (members && !members.has(memberCell)) bad('member_id', 'is not a member of this family');
        else memberId = memberCell;
      }
      const categoryPath = cell(cells, 'category');
      const categoryId = categoryPath ? (tree.findByPath(categoryPath) ?? null) : null;
      if (categoryPath && !categoryId) bad('category', 'is not a category of this family');
      const splits: SplitInput[] = [];
      const splitCell = cell(cells, 'splits');
      if (splitCell && usable(currency)) {
        for (const part of splitCell.split(SPLIT_SEPARATOR)) {
          const at = part.lastIndexOf('=');
          const id = at > 0 ? tree.findByPath(part.slice(0, at)) : undefined;
          const amount = at > 0 ? minorOf(part.slice(at + 1), currency) : undefined;
          if (!id || typeof amount !== 'number') bad('splits', 'each part must be "Category > Sub=12.50"');
          else splits.push({ categoryId: id, amountMinor: amount });
        }
      }
      const tags = cell(cells, 'tags')
        .split(TAG_SEPARATOR)
        .filter((t) => t.trim());
      const fields = {
        amountMinor: amountMinor ?? 1,
        currency: usable(currency) ? currency : family.currency,
        description: cell(cells, 'description'),
        merchant: cell(cells, 'merchant'),
        categoryId: splits.length ? null : categoryId,
        tags,
        note: cell(cells, 'note'),
        splits,
      };
      const v = new Violations();
      checkExpenseFields(v, fields, '', [family.currency]);
      for (const violation of v.list) {
        const column = columnOf[violation.field.split('.')[0]!] ?? violation.field;
        if (!rowErrors.some((e) => e.field === column)) bad(column, violation.message);
      }
      let base;
      if (rowErrors.length === 0) {
        // A base amount written for another base currency (a file from another family) is not ours;
        // nor is a child's (only a parent sets a base amount by hand: the family rate table applies).
        const baseCurrency = cell(cells, 'base_currency').toUpperCase() || family.currency;
        const baseCell = actor.isParent && baseCurrency === family.currency ? cell(cells, 'base_amount') : '';
        const baseAmount = currency !== family.currency && baseCell ? minorOf(baseCell, family.currency) : undefined;
        const userBase = typeof baseAmount === 'number' ? baseAmount : undefined;
        if (baseAmount instanceof MoneyError) bad('base_amount', baseAmount.message);
        else {
          try {
            base = resolveBaseAmount({
              amountMinor: amountMinor!,
              currency,
              baseCurrency: family.currency,
              userBaseAmountMinor: userBase,
              tableRate: rates.get(currency),
            });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            bad('base_amount', `no rate for ${currency}: give base_amount or add the rate to the family`);
          }
        }
      }
      errors.push(...rowErrors);
      if (rowErrors.length || !base) continue;
      drafts.push({
        memberId,
        amountMinor: amountMinor!,
        currency,
        ...base,
        occurredOn: date,
        description: fields.description,
        merchant: fields.merchant,
        categoryId: fields.categoryId,
        tags: normalizeTags(tags),
        note: fields.note,
        splits,
        source: 'MANUAL',
        createdByMemberId: actor.memberId,
      });
    }
    return { rowCount: rows.length, drafts: errors.length ? [] : drafts, errors };
  }

  /**
   * Drafts the family already has are skipped: the n-th identical row of the file is new only if
   * the family has fewer than n. On `db` (a job reads inside its writing transaction).
   */
  async withoutDuplicates(
    db: ExpenseDeps['db'],
    familyId: string,
    drafts: ExpenseDraft[],
  ): Promise<{ fresh: ExpenseDraft[]; duplicates: number }> {
    // Duplicates: the n-th identical row of the file is new only if the family has fewer than n.
    const fingerprints = drafts.map((d) =>
      expenseFingerprint({
        memberId: d.memberId,
        occurredOn: d.occurredOn,
        amountMinor: d.amountMinor,
        currency: d.currency,
        description: d.description,
        merchant: d.merchant,
      }),
    );
    const existing = await this.deps.expenses.fingerprintCounts(db, familyId, [...new Set(fingerprints)]);
    const seen = new Map<string, number>();
    const fresh = drafts.filter((_, i) => {
      const fp = fingerprints[i]!;
      const n = (seen.get(fp) ?? 0) + 1;
      seen.set(fp, n);
      return n > (existing.get(fp) ?? 0);
    });
    return { fresh, duplicates: drafts.length - fresh.length };
  }
}
