// Proto ↔ domain values for the expense handlers: dates, enums, and rows → messages.
import { AppError } from '@family/errors';
import type { DateMessage } from '@family/contracts/common/v1/common';
import type {
  Budget,
  Category,
  CategorizationRule,
  Expense,
  ExpenseTemplate,
  FxRate,
  RecurringExpense,
  SpendingLimits,
} from '@family/contracts/expense/v1/expense';
import type { RecurringRow } from '../store/recurring.store.js';
import type { TemplateInput } from '../app/recurring.js';
import { dayOf, toYmd, type Day } from '../domain/calendar.days.js';
import type { ExpenseWithSplits } from '../store/expenses.store.js';
import type { CategoryRow } from '../store/categories.store.js';
import type { FxRateRow } from '../store/fx-rates.store.js';
import type { RuleRow } from '../store/rules.store.js';
import type { BudgetWithStatus } from '../app/budgets.js';
import type { LimitsView } from '../app/spending-limits.js';

/** A proto Date as a calendar day; unset (or all zero) is undefined, an impossible date a violation. */
export function dayFrom(date: DateMessage | undefined, field: string): Day | undefined {
  if (!date || (date.year === 0 && date.month === 0 && date.day === 0)) return undefined;
  const day = dayOf(date.year, date.month, date.day);
  if (!day) throw AppError.invalidField(field, 'is not a valid calendar date');
  return day;
}

export function toDate(day: Day | null | undefined): DateMessage | undefined {
  return day ? toYmd(day) : undefined;
}

/**
 * A proto string enum value as its short name ("EXPENSE_SOURCE_BANK" → "BANK"). UNSPECIFIED is
 * undefined; anything not in `allowed` is a violation on `field`.
 */
export function fromEnum<T extends string>(
  value: string | undefined,
  prefix: string,
  allowed: readonly T[],
  field: string,
): T | undefined {
  if (value === undefined || value === `${prefix}UNSPECIFIED`) return undefined;
  const name = value.startsWith(prefix) ? value.slice(prefix.length) : '';
  if (!(allowed as readonly string[]).includes(name)) {
    throw AppError.invalidField(field, `must be one of ${allowed.join(', ')}`);
  }
  return name as T;
}

export function requiredEnum<T extends string>(
  value: string | undefined,
  prefix: string,
  allowed: readonly T[],
  field: string,
): T {
  const v = fromEnum(value, prefix, allowed, field);
  if (v === undefined) throw AppError.invalidField(field, `must be one of ${allowed.join(', ')}`);
  return v;
}

export function toEnum<E>(prefix: string, name: string | null | undefined): E {
  return `${prefix}${name ?? 'UNSPECIFIED'}` as E;
}

export const SOURCES = ['MANUAL', 'RECURRING', 'BANK', 'JAR'] as const;

export function encodeExpense(e: ExpenseWithSplits): Expense {
  return {
    id: e.id,
    familyId: e.family_id,
    memberId: e.member_id,
    amountMinor: e.amount_minor,
    currency: e.currency,
    baseAmountMinor: e.base_amount_minor,
    baseCurrency: e.base_currency,
    fxRate: e.fx_rate,
    fxRateSource: toEnum('FX_RATE_SOURCE_', e.fx_rate_source),
    occurredOn: toDate(e.occurred_on),
    description: e.description,
    merchant: e.merchant,
    categoryId: e.category_id ?? '',
    tags: e.tags,
    note: e.note,
    source: toEnum('EXPENSE_SOURCE_', e.source),
    splits: e.splits.map((s) => ({ categoryId: s.category_id, amountMinor: s.amount_minor })),
    flagged: e.flagged,
    flagReason: e.flag_reason,
    version: e.version,
    recurringExpenseId: e.recurring_expense_id ?? '',
    bankProvider: toEnum('BANK_PROVIDER_', e.bank_provider),
    bankTransactionId: e.bank_transaction_id ?? '',
    bankAccountId: e.bank_account_id ?? '',
    pending: e.pending,
    ledgerEntryId: e.ledger_entry_id ?? '',
    createdByMemberId: e.created_by_member_id ?? '',
    createdAt: e.created_at,
    updatedAt: e.updated_at,
  };
}

export function encodeCategory(c: CategoryRow): Category {
  return {
    id: c.id,
    name: c.name,
    parentId: c.parent_id ?? '',
    archived: c.archived,
    icon: c.icon,
    color: c.color,
    version: c.version,
    createdAt: c.created_at,
  };
}

export function encodeFxRate(r: FxRateRow, baseCurrency: string): FxRate {
  return {
    currency: r.currency,
    baseCurrency,
    rate: r.rate,
    updatedByMemberId: r.updated_by_member_id,
    updatedAt: r.updated_at,
  };
}

export const MATCH_FIELDS = ['DESCRIPTION', 'MERCHANT', 'ANY'] as const;
export const MATCH_TYPES = ['CONTAINS', 'EQUALS', 'STARTS_WITH', 'REGEX'] as const;
export const BUDGET_PERIODS = ['WEEK', 'MONTH', 'YEAR'] as const;
export const LIMIT_PERIODS = ['DAY', 'WEEK', 'MONTH'] as const;
export const GROUPINGS = ['CATEGORY', 'MEMBER', 'MONTH', 'TAG'] as const;
export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;

export function encodeRule(r: RuleRow): CategorizationRule {
  return {
    id: r.id,
    name: r.name,
    priority: r.priority,
    matchField: toEnum('CATEGORIZATION_MATCH_FIELD_', r.match_field),
    matchType: toEnum('CATEGORIZATION_MATCH_TYPE_', r.match_type),
    pattern: r.pattern,
    minAmountMinor: r.min_amount_minor ?? undefined,
    maxAmountMinor: r.max_amount_minor ?? undefined,
    memberId: r.member_id ?? '',
    source: toEnum('EXPENSE_SOURCE_', r.source),
    categoryId: r.category_id,
    addTags: r.add_tags,
    enabled: r.enabled,
    version: r.version,
    createdAt: r.created_at,
  };
}

export function encodeBudget(b: BudgetWithStatus): Budget {
  return {
    id: b.id,
    name: b.name,
    categoryId: b.category_id ?? '',
    memberId: b.member_id ?? '',
    period: toEnum('BUDGET_PERIOD_', b.period),
    amountMinor: b.amount_minor,
    currency: b.currency,
    rollover: b.rollover,
    thresholds: b.thresholds,
    status: {
      periodStart: toDate(b.status.periodStart),
      periodEnd: toDate(b.status.periodEnd),
      spentMinor: b.status.spentMinor,
      remainingMinor: b.status.remainingMinor,
      percent: b.status.percent,
      projectedMinor: b.status.projectedMinor,
      rolloverMinor: b.status.rolloverMinor,
    },
    version: b.version,
    createdAt: b.created_at,
  };
}

export function encodeLimits(l: LimitsView): SpendingLimits {
  return {
    memberId: l.memberId,
    currency: l.currency,
    limits: l.limits.map((x) => ({ period: toEnum('SPENDING_LIMIT_PERIOD_', x.period), amountMinor: x.amountMinor })),
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

export function encodeRecurring(r: RecurringRow): RecurringExpense {
  return {
    id: r.id,
    template: {
      memberId: r.member_id,
      amountMinor: r.amount_minor,
      currency: r.currency,
      description: r.description,
      merchant: r.merchant,
      categoryId: r.category_id ?? '',
      tags: r.tags,
      note: r.note,
      splits: r.splits.map((s) => ({ categoryId: s.categoryId, amountMinor: s.amountMinor })),
    },
    frequency: toEnum('RECURRING_FREQUENCY_', r.frequency),
    interval: r.interval,
    startOn: toDate(r.start_on),
    endOn: toDate(r.end_on),
    paused: r.paused,
    nextOn: r.paused ? undefined : toDate(r.next_on),
    lastRunOn: toDate(r.last_run_on),
    version: r.version,
    createdAt: r.created_at,
  };
}
