// Row types of the expense schema, as kysely sees them. `date` columns read as 'YYYY-MM-DD' text.
import type { ColumnType, Generated } from 'kysely';
import type { OutboxDatabase } from '@family/outbox';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Version = ColumnType<number, number | undefined, number>;

import type { ExpenseSourceName, FxSourceName } from '../domain/expense.records.js';

export type { ExpenseSourceName, FxSourceName };

export interface FamiliesTable {
  family_id: string;
  currency: string;
  timezone: string;
  created_at: CreatedAt;
}

export interface CategoriesTable {
  id: string;
  family_id: string;
  name: string;
  parent_id: string | null;
  archived: Generated<boolean>;
  icon: Generated<string>;
  color: Generated<string>;
  version: Version;
  created_at: CreatedAt;
}

export interface ExpensesTable {
  id: string;
  family_id: string;
  member_id: string;
  amount_minor: number;
  currency: string;
  base_amount_minor: number;
  base_currency: string;
  fx_rate: string;
  fx_rate_source: FxSourceName;
  occurred_on: string;
  description: string;
  merchant: string;
  category_id: string | null;
  split: boolean;
  tags: string[];
  note: string;
  source: ExpenseSourceName;
  flagged: boolean;
  flag_reason: string;
  version: Version;
  recurring_expense_id: string | null;
  bank_provider: string | null;
  bank_transaction_id: string | null;
  bank_account_id: string | null;
  pending: boolean;
  ledger_entry_id: string | null;
  fingerprint: string;
  created_by_member_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  search: ColumnType<string, never, never>;
}

export interface ExpenseSplitsTable {
  expense_id: string;
  position: number;
  family_id: string;
  category_id: string;
  amount_minor: number;
  base_amount_minor: number;
}

export interface FxRatesTable {
  family_id: string;
  currency: string;
  rate: string;
  updated_by_member_id: string;
  updated_at: UpdatedAt;
}

export interface CategorizationRulesTable {
  id: string;
  family_id: string;
  name: string;
  priority: number;
  match_field: 'DESCRIPTION' | 'MERCHANT' | 'ANY';
  match_type: 'CONTAINS' | 'EQUALS' | 'STARTS_WITH' | 'REGEX';
  pattern: string;
  min_amount_minor: number | null;
  max_amount_minor: number | null;
  member_id: string | null;
  source: ExpenseSourceName | null;
  category_id: string;
  add_tags: string[];
  enabled: boolean;
  learned: boolean;
  version: Version;
  created_at: CreatedAt;
}

export interface BudgetsTable {
  id: string;
  family_id: string;
  name: string;
  category_id: string | null;
  member_id: string | null;
  period: 'WEEK' | 'MONTH' | 'YEAR';
  amount_minor: number;
  currency: string;
  rollover: boolean;
  thresholds: number[];
  starts_on: string;
  version: Version;
  created_at: CreatedAt;
}

export interface BudgetThresholdsCrossedTable {
  budget_id: string;
  period_start: string;
  threshold: number;
  crossed_at: CreatedAt;
}

export interface SpendingLimitsTable {
  family_id: string;
  member_id: string;
  day_minor: number | null;
  week_minor: number | null;
  month_minor: number | null;
  blocked_category_ids: string[];
  version: Version;
  updated_at: UpdatedAt;
}

export interface RecurringExpensesTable {
  id: string;
  family_id: string;
  member_id: string;
  amount_minor: number;
  currency: string;
  description: string;
  merchant: string;
  category_id: string | null;
  tags: string[];
  note: string;
  splits: ColumnType<{ categoryId: string; amountMinor: number }[], string, string>;
  frequency: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  interval: number;
  start_on: string;
  end_on: string | null;
  paused: boolean;
  next_index: number;
  next_on: string | null;
  last_run_on: string | null;
  version: Version;
  created_by_member_id: string;
  created_at: CreatedAt;
}

export interface RecurringOccurrencesTable {
  recurring_expense_id: string;
  occurs_on: string;
  expense_id: string;
  created_at: CreatedAt;
}

/** Families whose default categories were seeded (migration 0004): one row, written with the seed. */
export interface FamilyConfigVersionsTable {
  family_id: string;
  version: ColumnType<string, string | number | bigint, string | number | bigint>;
}

export interface DefaultCategoriesSeededTable {
  family_id: string;
  seeded_at: CreatedAt;
}

export interface ProcessedEventsTable {
  event_id: string;
  event_type: string;
  processed_at: CreatedAt;
}

/** Monthly rollup kept by triggers (migration 0003); `category_id` is the nil uuid for "none". */
export interface ExpenseMonthlyTotalsTable {
  family_id: string;
  month: string;
  member_id: string;
  category_id: string;
  amount: ColumnType<number, never, never>;
  lines: ColumnType<number, never, never>;
  whole_amount: ColumnType<number, never, never>;
  expenses: ColumnType<number, never, never>;
}

/** Whole expenses by exact merchant spelling (migration 0003), for top merchants. */
export interface ExpenseMonthlyMerchantsTable {
  family_id: string;
  month: string;
  member_id: string;
  merchant: string;
  amount: ColumnType<number, never, never>;
  expenses: ColumnType<number, never, never>;
}

/** CSV imports run as jobs (migration 0007); JSON columns are written as JSON text. */
export interface CsvImportsTable {
  id: string;
  family_id: string;
  created_by_member_id: string;
  created_by_user_id: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  row_count: number;
  imported_count: Generated<number>;
  duplicates_skipped: Generated<number>;
  errors: ColumnType<{ line: number; field: string; message: string }[], string | undefined, string>;
  drafts: ColumnType<unknown[] | null, string | null, string | null>;
  attempts: Generated<number>;
  claim_id: string | null;
  lease_until: Date | null;
  created_at: CreatedAt;
  finished_at: Date | null;
  expires_at: Date;
  /** Chunked jobs: duplicates set aside, `drafts` holds only the rows to write. */
  planned: Generated<boolean>;
  /** Chunked jobs: how many of `drafts` are committed. */
  written_rows: Generated<number>;
}

export interface ExpenseDatabase extends OutboxDatabase {
  families: FamiliesTable;
  categories: CategoriesTable;
  expenses: ExpensesTable;
  expense_splits: ExpenseSplitsTable;
  expense_monthly_totals: ExpenseMonthlyTotalsTable;
  expense_monthly_merchants: ExpenseMonthlyMerchantsTable;
  fx_rates: FxRatesTable;
  categorization_rules: CategorizationRulesTable;
  budgets: BudgetsTable;
  budget_thresholds_crossed: BudgetThresholdsCrossedTable;
  spending_limits: SpendingLimitsTable;
  recurring_expenses: RecurringExpensesTable;
  recurring_occurrences: RecurringOccurrencesTable;
  processed_events: ProcessedEventsTable;
  default_categories_seeded: DefaultCategoriesSeededTable;
  family_config_versions: FamilyConfigVersionsTable;
  csv_imports: CsvImportsTable;
}
