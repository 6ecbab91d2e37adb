// The scheduler: one pass does, per family and in the family's time zone, (1) chore occurrences whose
// day has passed unapproved → chore.overdue once, (2) recurring chores → their next occurrence,
// (3) allowance paydays due → paid or skipped once each, catching up missed ones, (4) monthly interest
// on SAVE jars. Every step works in short transactions on rows claimed with FOR UPDATE SKIP LOCKED, and
// unique keys on (allowance, payday) and (member, month) make a second replica's pass a no-op.
import type { Kysely } from 'kysely';
import type { Logger } from '@family/logger';
import type { EventPayload } from '@family/outbox';
import type { GoalsDatabase } from '../db/schema.js';
import { dayIn, dayParts, nextMonthStart, previousMonthStart, type Day } from '../domain/calendar.days.js';
import { conditionMet, paydayAfter, payPeriod } from '../domain/allowance.schedule.js';
import { maskToDays, occurrenceAfter, rollOverTo } from '../domain/chore.recurrence.js';
import { interestFor, splitAmount } from '../domain/money.rules.js';
import type { AllowanceRow } from '../store/allowances.store.js';
import type { ChoreRow } from '../store/chores.store.js';
import type { FamilySettings } from './family.directory.js';
import type { PostingContext } from './jar.postings.js';
import type { GoalsDeps } from './goals.deps.js';
import { money } from './goal.events.js';
import { splitOf } from './jars.js';
import { encodeDayMessage } from './day.message.js';

export interface SchedulerResult {
  allowancesPaid: number;
  allowancesSkipped: number;
  interestPaid: number;
  choresRolledOver: number;
  choresOverdue: number;
}

const BATCH = 50;

export class Scheduler {
  private running: Promise<SchedulerResult> | undefined;

  constructor(
    private readonly deps: GoalsDeps,
    private readonly logger: Logger,
  ) {}

  /** One pass as of `now` over one family or all known ones. */
  async runOnce(input: { now: Date; familyId?: string | undefined }): Promise<SchedulerResult> {
    const families = input.familyId
      ? [await this.deps.familyDirectory.settings(input.familyId)]
      : await this.deps.familyDirectory.known();
    const total: SchedulerResult = {
      allowancesPaid: 0,
      allowancesSkipped: 0,
      interestPaid: 0,
      choresRolledOver: 0,
      choresOverdue: 0,
    };
    for (const family of families) {
      const today = dayIn(family.timezone, input.now);
      total.choresOverdue += await this.overdueChores(family, today, input.now);
      total.choresRolledOver += await this.rollOverChores(family, today);
      const allowances = await this.payAllowances(family, today, input.now);
      total.allowancesPaid += allowances.paid;
      total.allowancesSkipped += allowances.skipped;
      total.interestPaid += await this.payInterest(family, today, input.now);
    }
    return total;
  }

  /** Resolves when the timer's pass in progress (if any) is over. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** The timer's pass: never two at once in this process, and a failure is logged, not thrown. */
  async tick(now = this.deps.clock()): Promise<void> {
    if (this.running) return;
    this.running = this.runOnce({ now });
    try {
      const r = await this.running;
      if (Object.values(r).some((n) => n > 0)) this.logger.info(r, 'scheduler pass');
    } catch (err) {
      this.logger.error({ err }, 'scheduler pass failed');
    } finally {
      this.running = undefined;
    }
  }

  private async overdueChores(family: FamilySettings, today: Day, now: Date): Promise<number> {
    let count = 0;
    for (;;) {
      const n = await this.deps.db.transaction().execute(async (trx) => {
        const chores = await this.deps.chores.overdue(trx, family.familyId, today, BATCH);
        for (const chore of chores) await this.markOverdue(trx, chore, now);
        return chores.length;
      });
      count += n;
      if (n < BATCH) return count;
    }
  }

  private async markOverdue(trx: Kysely<GoalsDatabase>, chore: ChoreRow, now: Date): Promise<void> {
    const dueOn = chore.due_on!;
    await this.deps.chores.recordOccurrence(
      trx,
      { chore_id: chore.id, due_on: dueOn, family_id: chore.family_id, assignee_member_id: chore.assignee_member_id },
      'MISSED',
    );
    await this.deps.chores.update(trx, chore.id, { overdue_on: dueOn });
    await this.emit(trx, chore.family_id, now, {
      $case: 'choreOverdue',
      value: {
        choreId: chore.id,
        assigneeMemberId: chore.assignee_member_id,
        title: chore.title,
        dueOn: encodeDayMessage(dueOn),
      },
    });
  }

  private async rollOverChores(family: FamilySettings, today: Day): Promise<number> {
    let count = 0;
    for (;;) {
      const n = await this.deps.db.transaction().execute(async (trx) => {
        const chores = await this.deps.chores.dueForRollOver(trx, family.familyId, today, BATCH);
        for (const chore of chores) {
          const recurrence = { frequency: chore.recurrence_frequency!, daysOfWeek: maskToDays(chore.recurrence_days) };
          const to = rollOverTo(recurrence, chore.due_on!, today)!;
          await this.deps.chores.update(trx, chore.id, {
            due_on: to,
            next_occurrence_on: occurrenceAfter(recurrence, to),
            status: 'TODO',
            note: '',
            rejection_reason: '',
            submitted_at: null,
            reviewed_at: null,
            reviewed_by_member_id: null,
            version: chore.version + 1,
          });
        }
        return chores.length;
      });
      count += n;
      if (n < BATCH) return count;
    }
  }

  private async payAllowances(family: FamilySettings, today: Day, now: Date) {
    const result = { paid: 0, skipped: 0 };
    for (;;) {
      const outcome = await this.deps.db.transaction().execute(async (trx) => {
        const allowance = await this.deps.allowances.nextDue(trx, family.familyId, today);
        if (!allowance) return undefined;
        return this.payday(trx, family, allowance, now);
      });
      if (!outcome) return result;
      if (outcome === 'PAID') result.paid++;
      if (outcome === 'SKIPPED') result.skipped++;
    }
  }

  /** Handles the allowance's next payday once: pays or skips it, then moves to the following one. */
  private async payday(
    trx: Kysely<GoalsDatabase>,
    family: FamilySettings,
    a: AllowanceRow,
    now: Date,
  ): Promise<'PAID' | 'SKIPPED' | 'DONE_BEFORE'> {
    const payday = a.next_payday!;
    const schedule = {
      frequency: a.frequency,
      dayOfWeek: a.day_of_week,
      dayOfMonth: a.day_of_month,
      startOn: a.start_on,
    };
    const period = payPeriod(schedule, payday);
    const occurrences =
      a.min_completion_percent !== null && period.from <= period.to
        ? await this.deps.chores.occurrenceCounts(trx, a.member_id, period.from, period.to)
        : { approved: 0, total: 0 };
    const condition = conditionMet(a.min_completion_percent, occurrences);
    const fresh = await this.deps.allowances.insertPayment(trx, {
      allowance_id: a.id,
      payday,
      family_id: a.family_id,
      member_id: a.member_id,
      outcome: condition.met ? 'PAID' : 'SKIPPED',
      amount_minor: condition.met ? a.amount_minor : 0,
      completion_percent: condition.percent,
    });
    const next = paydayAfter(schedule, payday);
    if (!fresh) {
      await this.deps.allowances.update(trx, a.id, { next_payday: next });
      return 'DONE_BEFORE';
    }
    if (!condition.met) {
      await this.deps.allowances.update(trx, a.id, { next_payday: next });
      return 'SKIPPED';
    }
    const split =
      a.split_spend !== null
        ? { spend: a.split_spend, save: a.split_save ?? 0, give: a.split_give ?? 0 }
        : splitOf(await this.deps.jarSettings.get(a.member_id, trx));
    const amounts = splitAmount(a.amount_minor, split);
    await this.deps.postings.creditSplit(
      trx,
      this.context(family, now),
      { memberId: a.member_id, kind: 'ALLOWANCE', memo: `Allowance for ${payday}`, allowanceId: a.id },
      amounts,
    );
    await this.deps.allowances.update(trx, a.id, { next_payday: next, last_paid_on: payday });
    await this.emit(trx, a.family_id, now, {
      $case: 'allowancePaid',
      value: {
        allowanceId: a.id,
        memberId: a.member_id,
        amount: money(a.amount_minor, a.currency),
        payday: encodeDayMessage(payday),
        spendMinor: amounts.spend,
        saveMinor: amounts.save,
        giveMinor: amounts.give,
      },
    });
    return 'PAID';
  }

  private async payInterest(family: FamilySettings, today: Day, now: Date): Promise<number> {
    let paid = 0;
    for (;;) {
      const outcome = await this.deps.db.transaction().execute(async (trx) => {
        const s = await this.deps.jarSettings.nextInterestDue(trx, family.familyId, today);
        if (!s) return undefined;
        // Paid on the first day of a month for the month before, on the SAVE balance at that time.
        const month = previousMonthStart(s.interest_next_on!);
        await this.deps.ledger.lockJars(trx, s.member_id, ['SAVE']);
        const amount = interestFor({
          balanceMinor: await this.deps.ledger.balance(s.member_id, 'SAVE', trx),
          rateBps: s.interest_bps,
          capMinor: s.interest_cap_minor,
        });
        const fresh = await this.deps.jarSettings.insertInterestPayment(trx, {
          member_id: s.member_id,
          month,
          family_id: s.family_id,
          amount_minor: amount,
        });
        await this.deps.jarSettings.setInterestNextOn(trx, s.member_id, nextMonthStart(s.interest_next_on!));
        if (!fresh || amount === 0) return false;
        const { year, month: m } = dayParts(month);
        await this.deps.postings.credit(trx, this.context(family, now), {
          memberId: s.member_id,
          jar: 'SAVE',
          amount,
          kind: 'INTEREST',
          memo: `Interest for ${year}-${String(m).padStart(2, '0')}`,
        });
        await this.emit(trx, s.family_id, now, {
          $case: 'interestPaid',
          value: { memberId: s.member_id, amount: money(amount, family.currency), month: encodeDayMessage(month) },
        });
        return true;
      });
      if (outcome === undefined) return paid;
      if (outcome) paid++;
    }
  }

  private context(family: FamilySettings, now: Date): PostingContext {
    return {
      familyId: family.familyId,
      currency: family.currency,
      timezone: family.timezone,
      at: now,
      createdByMemberId: null,
    };
  }

  private emit(trx: Kysely<GoalsDatabase>, familyId: string, now: Date, payload: EventPayload): Promise<void> {
    return this.deps.events.emit(trx, { familyId, occurredAt: now, payloads: [payload] });
  }
}
