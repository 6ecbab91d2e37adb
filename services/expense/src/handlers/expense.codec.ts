// Domain records → expense contract messages (and the one request shape decoded into a domain input).
import type {
  Budget,
  Category,
  CategorizationRule,
  CsvImport,
  Expense,
  ExpenseTemplate,
  FxRate,
  RecurringExpense,
  SpendingLimits,
} from '@family/contracts/expense/v1/expense';
import { dayToMessage } from '@family/service-kit';
import type * as records from '../domain/expense.records.js';
import type { TemplateInput } from '../app/recurring.js';
import type { BudgetWithStatus } from '../app/budgets.js';
import type { LimitsView } from '../app/spending-limits.js';
import type { CsvImportJob } from '../app/csv-import-jobs.js';
import { csvImportStatus } from '../contract/expense.enums.js';
import {
  bankProvider,
  budgetPeriod,
  expenseSource,
  frequency,
  fxRateSource,
  limitPeriod,
  matchField,
  matchType,
} from '../contract/expense.enums.js';

export function encodeExpense(e: records.Expense): Expense {
  return {
    id: e.id,
    familyId: e.familyId,
    memberId: e.memberId,
    amountMinor: e.amountMinor,
    currency: e.currency,
    baseAmountMinor: e.baseAmountMinor,
    baseCurrency: e.baseCurrency,
    fxRate: e.fxRate,
    fxRateSource: fxRateSource.encode(e.fxRateSource),
    occurredOn: dayToMessage(e.occurredOn),
    description: e.description,
    merchant: e.merchant,
    categoryId: e.categoryId ?? '',
    tags: e.tags,
    note: e.note,
    source: expenseSource.encode(e.source),
    splits: e.splits.map((s) => ({ categoryId: s.categoryId, amountMinor: s.amountMinor })),
    flagged: e.flagged,
    flagReason: e.flagReason,
    version: e.version,
    recurringExpenseId: e.recurringExpenseId ?? '',
    bankProvider: bankProvider.encodeOptional(e.bankProvider as (typeof bankProvider.names)[number] | null),
    bankTransactionId: e.bankTransactionId ?? '',
    bankAccountId: e.bankAccountId ?? '',
    pending: e.pending,
    ledgerEntryId: e.ledgerEntryId ?? '',
    createdByMemberId: e.createdByMemberId ?? '',
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function encodeCategory(c: records.Category): Category {
  return {
    id: c.id,
    name: c.name,
    parentId: c.parentId ?? '',
    archived: c.archived,
    icon: c.icon,
    color: c.color,
    version: c.version,
    createdAt: c.createdAt,
  };
}

export function encodeFxRate(r: records.FxRate, baseCurrency: string): FxRate {
  return {
    currency: r.currency,
    baseCurrency,
    rate: r.rate,
    updatedByMemberId: r.updatedByMemberId,
    updatedAt: r.updatedAt,
  };
}

export function encodeRule(r: records.CategorizationRule): CategorizationRule {
  return {
    id: r.id,
    name: r.name,
    priority: r.priority,
    matchField: matchField.encode(r.matchField),
    matchType: matchType.encode(r.matchType),
    pattern: r.pattern,
    minAmountMinor: r.minAmountMinor ?? undefined,
    maxAmountMinor: r.maxAmountMinor ?? undefined,
    memberId: r.memberId ?? '',
    source: expenseSource.encodeOptional(r.source),
    categoryId: r.categoryId,
    addTags: r.addTags,
    enabled: r.enabled,
    version: r.version,
    createdAt: r.createdAt,
  };
}

export function encodeBudget(b: BudgetWithStatus): Budget {
  return {
    id: b.id,
    name: b.name,
    categoryId: b.categoryId ?? '',
    memberId: b.memberId ?? '',
    period: budgetPeriod.encode(b.period),
    amountMinor: b.amountMinor,
    currency: b.currency,
    rollover: b.rollover,
    thresholds: b.thresholds,
    status: {
      periodStart: dayToMessage(b.status.periodStart),
      periodEnd: dayToMessage(b.status.periodEnd),
      spentMinor: b.status.spentMinor,
      remainingMinor: b.status.remainingMinor,
      percent: b.status.percent,
      projectedMinor: b.status.projectedMinor,
      rolloverMinor: b.status.rolloverMinor,
    },
    version: b.version,
    createdAt: b.createdAt,
  };
}

export function encodeLimits(l: LimitsView): SpendingLimits {
  return {
    memberId: l.memberId,
    currency: l.currency,
    limits: l.limits.map((x) => ({ period: limitPeriod.encode(x.period), amountMinor: x.amountMinor })),
    blockedCategoryIds: l.blockedCategoryIds,
    version: l.version,
    updatedAt: l.updatedAt,
  };
}

export function decodeTemplate(t: ExpenseTemplate | undefined): TemplateInput | undefined {
  if (!t) return undefined;
  return {
    memberId: t.memberId,
    amountMinor: t.amountMinor,
    currency: t.currency,
    description: t.description,
    merchant: t.merchant,
    categoryId: t.categoryId,
    tags: t.tags,
    note: t.note,
    splits: t.splits,
  };
}

export function encodeRecurring(r: records.RecurringExpense): RecurringExpense {
  return {
    id: r.id,
    template: {
      memberId: r.memberId,
      amountMinor: r.amountMinor,
      currency: r.currency,
      description: r.description,
      merchant: r.merchant,
      categoryId: r.categoryId ?? '',
      tags: r.tags,
      note: r.note,
      splits: r.splits.map((s) => ({ categoryId: s.categoryId, amountMinor: s.amountMinor })),
    },
    frequency: frequency.encode(r.frequency),
    interval: r.interval,
    startOn: dayToMessage(r.startOn),
    endOn: dayToMessage(r.endOn),
    paused: r.paused,
    nextOn: r.paused ? undefined : dayToMessage(r.nextOn),
    lastRunOn: dayToMessage(r.lastRunOn),
    version: r.version,
    createdAt: r.createdAt,
  };
}

export function encodeCsvImport(j: CsvImportJob): CsvImport {
  return {
    id: j.id,
    familyId: j.familyId,
    status: csvImportStatus.encode(j.status),
    rowCount: j.rowCount,
    importedCount: j.importedCount,
    duplicatesSkipped: j.duplicatesSkipped,
    errors: j.errors,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt ?? undefined,
    expiresAt: j.expiresAt,
    createdByMemberId: j.createdByMemberId,
  };
}
