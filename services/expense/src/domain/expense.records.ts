// The expense service's domain records: what stores return and accept and what the app works on.
// Rows stay in src/store; handlers encode these records to the contracts.
import type { Day } from '@family/service-kit/calendar';
import type { Rule } from './categorization.rules.js';
import type { BudgetPeriodKind } from './budget.rules.js';
import type { Frequency } from './recurrence.rules.js';

export type ExpenseSourceName = 'MANUAL' | 'RECURRING' | 'BANK' | 'JAR';
/** NONE: base currency; USER: a rate or base amount given; FAMILY_TABLE: the family's rates; UNAVAILABLE: no rate known. */
export type FxSourceName = 'NONE' | 'USER' | 'FAMILY_TABLE' | 'UNAVAILABLE';

export interface ExpenseSplit {
  categoryId: string;
  amountMinor: number;
  /** The part's exact share of the expense's base amount. */
  baseAmountMinor: number;
}

/** What the app decides about a new expense; the store adds version and timestamps. */
export interface NewExpense {
  id: string;
  familyId: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  baseAmountMinor: number;
  baseCurrency: string;
  fxRate: string;
  fxRateSource: FxSourceName;
  occurredOn: Day;
  description: string;
  merchant: string;
  /** Null for an uncategorized or a split expense. */
  categoryId: string | null;
  tags: string[];
  note: string;
  source: ExpenseSourceName;
  flagged: boolean;
  flagReason: string;
  recurringExpenseId: string | null;
  bankProvider: string | null;
  bankTransactionId: string | null;
  bankAccountId: string | null;
  pending: boolean;
  ledgerEntryId: string | null;
  fingerprint: string;
  createdByMemberId: string | null;
  /** Empty unless the expense is split across categories. */
  splits: ExpenseSplit[];
}

export interface Expense extends NewExpense {
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Category {
  id: string;
  familyId: string;
  name: string;
  parentId: string | null;
  archived: boolean;
  icon: string;
  color: string;
  version: number;
  createdAt: Date;
}

export type NewCategory = Omit<Category, 'archived' | 'version' | 'createdAt'>;

export interface FxRate {
  familyId: string;
  currency: string;
  rate: string;
  updatedByMemberId: string;
  updatedAt: Date;
}

export interface CategorizationRule extends Rule {
  familyId: string;
  name: string;
  /** Made by learning from a merchant, not written by a person. */
  learned: boolean;
  version: number;
  createdAt: Date;
}

export type NewCategorizationRule = Omit<CategorizationRule, 'version' | 'createdAt'>;

export interface Budget {
  id: string;
  familyId: string;
  name: string;
  categoryId: string | null;
  memberId: string | null;
  period: BudgetPeriodKind;
  amountMinor: number;
  currency: string;
  rollover: boolean;
  thresholds: number[];
  startsOn: Day;
  version: number;
  createdAt: Date;
}

export type NewBudget = Omit<Budget, 'version' | 'createdAt'>;

export interface SpendingLimits {
  familyId: string;
  memberId: string;
  dayMinor: number | null;
  weekMinor: number | null;
  monthMinor: number | null;
  blockedCategoryIds: string[];
  version: number;
  updatedAt: Date;
}

export type NewSpendingLimits = Omit<SpendingLimits, 'version' | 'updatedAt'>;

export interface RecurringSplit {
  categoryId: string;
  amountMinor: number;
}

export interface RecurringExpense {
  id: string;
  familyId: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  description: string;
  merchant: string;
  categoryId: string | null;
  tags: string[];
  note: string;
  splits: RecurringSplit[];
  frequency: Frequency;
  interval: number;
  startOn: Day;
  endOn: Day | null;
  paused: boolean;
  /** The index of the next occurrence to materialize, and its day (null when the schedule ended). */
  nextIndex: number;
  nextOn: Day | null;
  lastRunOn: Day | null;
  createdByMemberId: string;
  version: number;
  createdAt: Date;
}

export type NewRecurringExpense = Omit<RecurringExpense, 'version' | 'createdAt'>;
