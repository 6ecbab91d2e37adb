import type { Kysely } from 'kysely';
import type { Outbox } from '@family/outbox';
import type { Access, FamilyDirectory } from '@family/service-kit';
import type { ExpenseDatabase } from '../db/schema.js';
import type { CategoriesStore } from '../store/categories.store.js';
import type { ExpensesStore } from '../store/expenses.store.js';
import type { FxRatesStore } from '../store/fx-rates.store.js';
import type { RulesStore } from '../store/rules.store.js';
import type { BudgetsStore } from '../store/budgets.store.js';
import type { LimitsStore } from '../store/limits.store.js';
import type { ProcessedEventsStore } from '../store/events.store.js';
import type { RecurringStore } from '../store/recurring.store.js';
import type { CsvImportsStore } from '../store/csv-imports.store.js';
import type { DefaultCategories } from './default-categories.js';
import type { FamilyConfigCache } from './family.config.js';

/** Everything the use cases need, built once by the composition root. */
export interface ExpenseDeps {
  db: Kysely<ExpenseDatabase>;
  outbox: Outbox;
  access: Access;
  families: FamilyDirectory;
  defaultCategories: DefaultCategories;
  categories: CategoriesStore;
  expenses: ExpensesStore;
  fxRates: FxRatesStore;
  rules: RulesStore;
  budgets: BudgetsStore;
  limits: LimitsStore;
  /** Categories, rules, limits and budgets per family, kept while their version holds. */
  familyConfig: FamilyConfigCache;
  processedEvents: ProcessedEventsStore;
  recurring: RecurringStore;
  csvImports: CsvImportsStore;
  /** The clock; tests move it. */
  now: () => Date;
}
