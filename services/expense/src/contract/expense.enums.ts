// The expense contracts' enums and their domain names: one codec per enum, shared by the handlers and
// the events.
import { enumCodec } from '@family/service-kit';
import { BankProvider, ExpenseSource } from '@family/contracts/common/v1/common';
import {
  BankTransactionAction,
  BudgetPeriod,
  CategorizationMatchField,
  CategorizationMatchType,
  CsvImportStatus,
  FxRateSource,
  RecurringFrequency,
  SpendingLimitPeriod,
  SpendingReportGroupBy,
} from '@family/contracts/expense/v1/expense';

export const expenseSource = enumCodec('EXPENSE_SOURCE_', ['MANUAL', 'RECURRING', 'BANK', 'JAR'], ExpenseSource);
export const fxRateSource = enumCodec('FX_RATE_SOURCE_', ['NONE', 'USER', 'FAMILY_TABLE', 'UNAVAILABLE'], FxRateSource);
export const bankProvider = enumCodec(
  'BANK_PROVIDER_',
  ['PLAID', 'TRUELAYER', 'TINK', 'FINICITY', 'SALTEDGE'],
  BankProvider,
);
export const bankAction = enumCodec(
  'BANK_TRANSACTION_ACTION_',
  ['ADDED', 'MODIFIED', 'REMOVED'],
  BankTransactionAction,
);
export const matchField = enumCodec(
  'CATEGORIZATION_MATCH_FIELD_',
  ['DESCRIPTION', 'MERCHANT', 'ANY'],
  CategorizationMatchField,
);
export const matchType = enumCodec(
  'CATEGORIZATION_MATCH_TYPE_',
  ['CONTAINS', 'EQUALS', 'STARTS_WITH', 'REGEX'],
  CategorizationMatchType,
);
export const csvImportStatus = enumCodec(
  'CSV_IMPORT_STATUS_',
  ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'],
  CsvImportStatus,
);
export const budgetPeriod = enumCodec('BUDGET_PERIOD_', ['WEEK', 'MONTH', 'YEAR'], BudgetPeriod);
export const limitPeriod = enumCodec('SPENDING_LIMIT_PERIOD_', ['DAY', 'WEEK', 'MONTH'], SpendingLimitPeriod);
export const reportGrouping = enumCodec(
  'SPENDING_REPORT_GROUP_BY_',
  ['CATEGORY', 'MEMBER', 'MONTH', 'TAG'],
  SpendingReportGroupBy,
);
export const frequency = enumCodec(
  'RECURRING_FREQUENCY_',
  ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'],
  RecurringFrequency,
);
