// REST shapes for expenses, categories, FX rates and CSV imports (the BFF's own DTOs) and their
// mapping from the expense service's protos: enums without their prefix, days as YYYY-MM-DD,
// timestamps as ISO strings, empty optional strings dropped.
import { z } from 'zod';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import {
  FxRateSource,
  type Category,
  CsvImportStatus,
  type CsvImport,
  type CsvRowError,
  type Expense,
  type ExpenseSplit,
  type FxRate,
  type ImportExpensesCsvResponse,
} from '@family/contracts/expense/v1/expense';
import { present } from './auth.dto.js';
import { DayDto, toDay } from './calendar.day.js';
import { protoEnum } from './proto.enum.js';
import { text } from './text.field.js';

export const Source = protoEnum(
  ExpenseSource,
  'EXPENSE_SOURCE_',
  ['MANUAL', 'RECURRING', 'BANK', 'JAR'],
  'ExpenseSource',
);
export const FxSource = protoEnum(
  FxRateSource,
  'FX_RATE_SOURCE_',
  ['NONE', 'USER', 'FAMILY_TABLE', 'UNAVAILABLE'],
  'FxRateSource',
);

/** The shape only: which codes are accepted (GET /v1/currencies) is the owning service's decision. */
export const CurrencyDto = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
  .meta({ example: 'EUR', description: 'ISO 4217 code, one of GET /v1/currencies' });
/** Integer minor units (cents); int64 in the contracts, exact as a JSON number up to 2^53. */
export const AmountMinorDto = z.int().meta({ description: 'Integer minor units, e.g. 1250 for 12.50' });
/** A positive decimal rate: base-currency units per one unit of the foreign currency. */
export const FxRateValueDto = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,12})?$/, 'must be a positive decimal such as "1.0825"')
  .meta({ example: '1.0825' });
export const TagDto = text({ min: 1, max: 40 });

export const SplitDto = z
  .object({ categoryId: z.uuid(), amountMinor: AmountMinorDto })
  .meta({ id: 'ExpenseSplit', description: 'A part of the expense in one category' });

export const ExpenseDto = z
  .object({
    id: z.string(),
    memberId: z.string().meta({ description: 'Who spent (a membership id)' }),
    amountMinor: z.int(),
    currency: z.string(),
    baseAmountMinor: z.int().meta({ description: "The amount in the family's base currency" }),
    baseCurrency: z.string(),
    fxRate: z.string().meta({ description: 'Base-currency units per unit of `currency`; "1" for the base currency' }),
    fxRateSource: FxSource.schema,
    occurredOn: DayDto,
    description: z.string(),
    merchant: z.string().optional(),
    categoryId: z.string().optional().meta({ description: 'Absent when uncategorized or split' }),
    tags: z.array(z.string()),
    note: z.string().optional(),
    source: Source.schema,
    splits: z.array(SplitDto),
    flagged: z.boolean().meta({ description: 'Broke a spending limit, hit a blocked category, or looks duplicated' }),
    flagReason: z.string().optional(),
    pending: z.boolean().meta({ description: 'A bank transaction not yet posted' }),
    recurringExpenseId: z.string().optional(),
    createdByMemberId: z.string().optional(),
    version: z.int().meta({ description: 'Send it back in If-Match to change the expense' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Expense' });

export const CategoryDto = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().optional().meta({ description: 'Absent for a top-level category' }),
    archived: z.boolean(),
    icon: z.string().optional(),
    color: z.string().optional(),
    version: z.int(),
  })
  .meta({ id: 'Category' });

export const FxRateDto = z
  .object({
    currency: z.string(),
    baseCurrency: z.string(),
    rate: z.string().meta({ description: 'Base-currency units per one unit of `currency`' }),
    updatedByMemberId: z.string().optional(),
    updatedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'FxRate' });

export const CsvRowErrorDto = z
  .object({
    line: z.int().meta({ description: '1-based line in the file (the header is line 1)' }),
    field: z.string().meta({ description: 'The column, or "row" for an error of the whole row' }),
    message: z.string(),
  })
  .meta({ id: 'CsvRowError' });

export const CsvImportDto = z
  .object({
    importedCount: z.int(),
    duplicatesSkipped: z.int().meta({ description: 'Rows already recorded (e.g. a file imported twice)' }),
    errors: z.array(CsvRowErrorDto),
    dryRun: z.boolean(),
  })
  .meta({ id: 'CsvImport' });

export const ImportStatus = protoEnum(
  CsvImportStatus,
  'CSV_IMPORT_STATUS_',
  ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'],
  'CsvImportStatus',
);

export const CsvImportJobDto = z
  .object({
    id: z.uuid(),
    status: ImportStatus.schema,
    rowCount: z.int().meta({ description: 'Data rows in the file (the header not counted)' }),
    importedCount: z.int().meta({ description: 'On SUCCEEDED: the rows written' }),
    duplicatesSkipped: z.int().meta({ description: 'On SUCCEEDED: rows already recorded, skipped' }),
    errors: z.array(CsvRowErrorDto).meta({
      description: 'On FAILED: every row error with its line and column; nothing of the file was imported',
    }),
    createdByMemberId: z.uuid(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().optional(),
    expiresAt: z.iso.datetime().meta({ description: 'When the job and its result are forgotten' }),
  })
  .meta({ id: 'CsvImportJob' });

export function toCsvImportJobDto(job: CsvImport | undefined): z.infer<typeof CsvImportJobDto> {
  const j = present(job, 'import');
  const dto: z.infer<typeof CsvImportJobDto> = {
    id: j.id,
    status: ImportStatus.fromProto(j.status),
    rowCount: j.rowCount,
    importedCount: j.importedCount,
    duplicatesSkipped: j.duplicatesSkipped,
    errors: j.errors.map(toCsvRowErrorDto),
    createdByMemberId: j.createdByMemberId,
    createdAt: present(j.createdAt, 'import.createdAt').toISOString(),
    expiresAt: present(j.expiresAt, 'import.expiresAt').toISOString(),
  };
  if (j.finishedAt) dto.finishedAt = j.finishedAt.toISOString();
  return dto;
}

export type ExpenseDto = z.infer<typeof ExpenseDto>;
export type CategoryDto = z.infer<typeof CategoryDto>;
export type FxRateDto = z.infer<typeof FxRateDto>;
export type SplitDto = z.infer<typeof SplitDto>;
export type CsvRowErrorDto = z.infer<typeof CsvRowErrorDto>;

/** Copies the non-empty optional strings into `dto`: the contracts send "" for none, REST leaves it out. */
export function withOptional<T extends object>(dto: T, optional: Partial<Record<keyof T, string>>): T {
  for (const [key, value] of Object.entries(optional) as [keyof T, string][]) {
    if (value !== '') (dto as Record<keyof T, unknown>)[key] = value;
  }
  return dto;
}

export function toSplitDto(split: ExpenseSplit): SplitDto {
  return { categoryId: split.categoryId, amountMinor: split.amountMinor };
}

export function toExpenseDto(expense: Expense | undefined): ExpenseDto {
  const e = present(expense, 'expense');
  return withOptional<ExpenseDto>(
    {
      id: e.id,
      memberId: e.memberId,
      amountMinor: e.amountMinor,
      currency: e.currency,
      baseAmountMinor: e.baseAmountMinor,
      baseCurrency: e.baseCurrency,
      fxRate: e.fxRate,
      fxRateSource: FxSource.fromProto(e.fxRateSource),
      occurredOn: toDay(e.occurredOn, 'expense.occurredOn'),
      description: e.description,
      tags: e.tags,
      source: Source.fromProto(e.source),
      splits: e.splits.map(toSplitDto),
      flagged: e.flagged,
      pending: e.pending,
      version: e.version,
      createdAt: present(e.createdAt, 'expense.createdAt').toISOString(),
      updatedAt: present(e.updatedAt, 'expense.updatedAt').toISOString(),
    },
    {
      merchant: e.merchant,
      categoryId: e.categoryId,
      note: e.note,
      flagReason: e.flagReason,
      recurringExpenseId: e.recurringExpenseId,
      createdByMemberId: e.createdByMemberId,
    },
  );
}

export function toCategoryDto(category: Category | undefined): CategoryDto {
  const c = present(category, 'category');
  return withOptional<CategoryDto>(
    { id: c.id, name: c.name, archived: c.archived, version: c.version },
    { parentId: c.parentId, icon: c.icon, color: c.color },
  );
}

export function toFxRateDto(rate: FxRate | undefined): FxRateDto {
  const r = present(rate, 'rate');
  const dto = withOptional<FxRateDto>(
    { currency: r.currency, baseCurrency: r.baseCurrency, rate: r.rate },
    { updatedByMemberId: r.updatedByMemberId },
  );
  if (r.updatedAt) dto.updatedAt = r.updatedAt.toISOString();
  return dto;
}

export function toCsvRowErrorDto(error: CsvRowError): CsvRowErrorDto {
  return { line: error.line, field: error.field || 'row', message: error.message };
}

export function toCsvImportDto(r: ImportExpensesCsvResponse, dryRun: boolean) {
  return {
    importedCount: r.importedCount,
    duplicatesSkipped: r.duplicatesSkipped,
    errors: r.errors.map(toCsvRowErrorDto),
    dryRun,
  };
}
