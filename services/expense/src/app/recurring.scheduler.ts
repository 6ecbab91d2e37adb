// Materializes due recurring expenses. Each rule is claimed with FOR UPDATE SKIP LOCKED in its own
// short transaction, so two replicas never work on the same rule and never wait on each other; every
// (rule, date) is reserved in recurring_occurrences first, so a date is materialized exactly once
// whatever happens. After downtime a pass catches up every missed date up to today in the family zone.
import type { Logger } from '@family/logger';
import { PeriodicTask, type PeriodicTaskOptions } from '@family/service-kit';
import { dayIn } from '@family/service-kit/calendar';
import { occurrenceWithinEnd } from '../domain/recurrence.rules.js';
import { resolveBaseAmount } from '../domain/fx.rules.js';
import { newId } from '@family/db';
import type { DueRecurringExpense } from '../store/recurring.store.js';
import type { ExpenseDeps } from './expense.deps.js';
import type { ExpenseDraft, ExpenseWriter } from './expense.writer.js';
import { scheduleOf } from './recurring.js';

/** At most this many occurrences of one rule per transaction; the next claim continues. */
const MAX_CATCH_UP = 500;

export class RecurringScheduler {
  /** The periodic pass (its failures are logged and counted by the task). */
  readonly task: PeriodicTask;

  constructor(
    private readonly deps: ExpenseDeps,
    private readonly writer: ExpenseWriter,
    private readonly logger: Logger,
    options: { intervalMs: number; registry?: PeriodicTaskOptions['registry'] },
  ) {
    this.intervalMs = options.intervalMs;
    this.task = new PeriodicTask({
      name: 'recurring-expenses',
      intervalMs: options.intervalMs,
      run: async () => {
        await this.runOnce();
      },
      logger,
      registry: options.registry,
    });
  }

  private readonly intervalMs: number;

  /** Starts the periodic passes (none when the interval is 0: passes run only through runOnce). */
  start(): void {
    if (this.intervalMs > 0) this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }

  /** One pass at `now`: materializes everything due. Returns the number of expenses created. */
  async runOnce(now: Date = this.deps.now()): Promise<number> {
    let created = 0;
    const failed: string[] = [];
    for (;;) {
      let claimed: string | undefined;
      try {
        created += await this.deps.db.transaction().execute(async (trx) => {
          const rule = await this.deps.recurring.claimDue(trx, now, failed);
          if (!rule) return 0;
          claimed = rule.id;
          return this.materialize(trx, rule, now);
        });
      } catch (err) {
        if (!claimed) throw err;
        this.logger.error({ err, recurringExpenseId: claimed }, 'could not materialize a recurring expense');
        failed.push(claimed);
        continue;
      }
      if (!claimed) return created;
    }
  }

  private async materialize(
    trx: Parameters<ExpenseWriter['create']>[0],
    rule: DueRecurringExpense,
    now: Date,
  ): Promise<number> {
    const { family } = rule;
    const today = dayIn(family.timezone, now);
    const schedule = scheduleOf(rule);
    const rate =
      rule.currency === family.currency
        ? undefined
        : (await this.deps.fxRates.rates(family.familyId, [rule.currency], trx)).get(rule.currency);
    const base = resolveBaseAmount({
      amountMinor: rule.amountMinor,
      currency: rule.currency,
      baseCurrency: family.currency,
      tableRate: rate,
    });
    const drafts: ExpenseDraft[] = [];
    let n = rule.nextIndex;
    let lastRunOn = rule.lastRunOn;
    for (
      let day = occurrenceWithinEnd(schedule, n);
      day !== undefined && day <= today && drafts.length < MAX_CATCH_UP;
    ) {
      const id = newId();
      if (await this.deps.recurring.reserveOccurrence(trx, rule.id, day, id)) {
        drafts.push({
          id,
          memberId: rule.memberId,
          amountMinor: rule.amountMinor,
          currency: rule.currency,
          ...base,
          occurredOn: day,
          description: rule.description,
          merchant: rule.merchant,
          categoryId: rule.categoryId,
          tags: [...rule.tags],
          note: rule.note,
          splits: rule.splits.map((s) => ({ ...s })),
          source: 'RECURRING',
          createdByMemberId: rule.createdByMemberId,
          recurringExpenseId: rule.id,
        });
      }
      lastRunOn = day;
      n++;
      day = occurrenceWithinEnd(schedule, n);
    }
    await this.deps.recurring.update(
      trx,
      rule.id,
      { nextIndex: n, nextOn: occurrenceWithinEnd(schedule, n) ?? null, lastRunOn },
      false,
    );
    await this.writer.create(trx, family, drafts, {});
    return drafts.length;
  }
}
