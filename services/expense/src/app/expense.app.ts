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
import { CsvImportJobs, type CsvImportJobOptions } from './csv-import-jobs.js';

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
  readonly csvImports: CsvImportJobs;

  constructor(
    readonly deps: ExpenseDeps,
    logger: Logger,
    options: {
      /** How often the recurring scheduler runs; 0 (the default) runs it only when asked. */
      schedulerIntervalMs?: number;
      registry?: PeriodicTaskOptions['registry'];
      /** CSV import jobs: defaults 2,000 rows written in the call, polled each second, 5 min lease, 7 days kept. */
      csvImports?: Partial<Omit<CsvImportJobOptions, 'registry'>>;
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
    this.csvImports = new CsvImportJobs(
      deps,
      deps.csvImports,
      this.csv,
      this.writer,
      logger.child({ component: 'csv-imports' }),
      {
        syncRows: 2000,
        pollMs: 1000,
        leaseMs: 5 * 60_000,
        retentionDays: 7,
        ...options.csvImports,
        registry: options.registry,
      },
    );
    this.csv.jobs = this.csvImports;
  }
}
