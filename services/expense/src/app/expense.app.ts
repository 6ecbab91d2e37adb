// The use cases of the expense service, built once over the deps.
import type { PeriodicTaskOptions } from '@family/service-kit';
import type { ExpenseDeps } from './expense.deps.js';
import { ExpenseWriter } from './expense.writer.js';
import { Expenses } from './expenses.js';
import { Categories } from './categories.js';
import { FxRates } from './fx-rates.js';
import { CategorizationRules } from './categorization.js';
import { Budgets } from './budgets.js';
import { SpendingLimits } from './spending-limits.js';
import { Reports } from './reports.js';
import { ReportsStore } from '../store/reports.store.js';
import type { Logger } from '@family/logger';
import { CsvTransfer } from './csv-transfer.js';
import { BankImport } from './bank-import.js';
import { EventIntake } from './jar-events.js';
import { RecurringExpenses } from './recurring.js';
import { RecurringScheduler } from './recurring.scheduler.js';

export class ExpenseApp {
  readonly writer: ExpenseWriter;
  readonly expenses: Expenses;
  readonly categories: Categories;
  readonly fxRates: FxRates;
  readonly rules: CategorizationRules;
  readonly budgets: Budgets;
  readonly limits: SpendingLimits;
  readonly reports: Reports;
  readonly csv: CsvTransfer;
  readonly bank: BankImport;
  readonly events: EventIntake;
  readonly recurring: RecurringExpenses;
  readonly scheduler: RecurringScheduler;

  constructor(
    readonly deps: ExpenseDeps,
    logger: Logger,
    options: {
      /** How often the recurring scheduler runs; 0 (the default) runs it only when asked. */
      schedulerIntervalMs?: number;
      registry?: PeriodicTaskOptions['registry'];
    } = {},
  ) {
    this.writer = new ExpenseWriter(deps);
    this.expenses = new Expenses(deps, this.writer);
    this.categories = new Categories(deps);
    this.fxRates = new FxRates(deps);
    this.rules = new CategorizationRules(deps, this.writer);
    this.budgets = new Budgets(deps, this.writer);
    this.limits = new SpendingLimits(deps);
    this.reports = new Reports(deps, new ReportsStore(deps.db));
    this.csv = new CsvTransfer(deps, this.expenses, this.writer);
    this.bank = new BankImport(deps, this.writer);
    this.events = new EventIntake(deps, this.writer, logger.child({ component: 'events' }));
    this.recurring = new RecurringExpenses(deps);
    this.scheduler = new RecurringScheduler(deps, this.writer, logger.child({ component: 'scheduler' }), {
      intervalMs: options.schedulerIntervalMs ?? 0,
      registry: options.registry,
    });
  }
}
