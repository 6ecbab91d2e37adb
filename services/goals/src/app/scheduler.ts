// The scheduler: one pass does, per family and in the family's time zone, (1) chore occurrences whose
// day has passed unapproved → chore.overdue once, (2) recurring chores → their next occurrence,
// (3) allowance paydays due → paid or skipped once each, catching up missed ones, (4) monthly interest
// on SAVE jars. Every step works in short transactions on rows claimed with FOR UPDATE SKIP LOCKED, and
// unique keys on (allowance, payday) and (member, month) make a second replica's pass a no-op. The
// composition root runs `tick` on a PeriodicTask (no overlapping passes, failures logged and counted).
import type { Kysely } from 'kysely';
import type { Logger } from '@family/logger';
import type { EventPayload } from '@family/outbox';
import type { GoalsDatabase } from '../db/schema.js';
import { dayIn, monthStart, toYmd, type Day } from '@family/service-kit/calendar';
import { dayToMessage, type FamilySettings } from '@family/service-kit';
import { conditionMet, paydayAfter, payPeriod } from '../domain/allowance.schedule.js';
import { occurrenceAfter, rollOverTo } from '../domain/chore.recurrence.js';
import { interestFor, splitAmount } from '../domain/money.rules.js';
import type { Allowance, Chore } from '../domain/goals.records.js';
import type { PostingContext } from './jar.postings.js';
import type { GoalsDeps } from './goals.deps.js';
import { money } from './goal.events.js';
import { splitOf } from './jars.js';

export interface SchedulerResult {
  allowancesPaid: number;
  allowancesSkipped: number;
  interestPaid: number;
  choresRolledOver: number;
  choresOverdue: number;
}

const BATCH = 50;

export class Scheduler {
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

  /** The timer's pass over every known family as of the service clock; what it did is logged. */
  async tick(now = this.deps.clock()): Promise<void> {
    const r = await this.runOnce({ now });
    if (Object.values(r).some((n) => n > 0)) this.logger.info(r, 'scheduler pass');
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

  private async markOverdue(trx: Kysely<GoalsDatabase>, chore: Chore, now: Date): Promise<void> {
    const dueOn = chore.dueOn!;
    await this.deps.chores.recordOccurrence(
      trx,
      { choreId: chore.id, dueOn, familyId: chore.familyId, assigneeMemberId: chore.assigneeMemberId },
      'MISSED',
    );
    await this.deps.chores.update(trx, chore.id, { overdueOn: dueOn });
    await this.emit(trx, chore.familyId, now, {
      $case: 'choreOverdue',
      value: {
        choreId: chore.id,
        assigneeMemberId: chore.assigneeMemberId,
        title: chore.title,
        dueOn: dayToMessage(dueOn),
      },
    });
  }

  private async rollOverChores(family: FamilySettings, today: Day): Promise<number> {
    let count = 0;
    for (;;) {
      const n = await this.deps.db.transaction().execute(async (trx) => {
        const chores = await this.deps.chores.dueForRollOver(trx, family.familyId, today, BATCH);
        for (const chore of chores) {
          const recurrence = chore.recurrence!;
          const to = rollOverTo(recurrence, chore.dueOn!, today)!;
          await this.deps.chores.update(trx, chore.id, {
            dueOn: to,
            nextOccurrenceOn: occurrenceAfter(recurrence, to),
            status: 'TODO',
            note: '',
            rejectionReason: '',
            submittedAt: null,
            reviewedAt: null,
            reviewedByMemberId: null,
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
    a: Allowance,
    now: Date,
  ): Promise<'PAID' | 'SKIPPED' | 'DONE_BEFORE'> {
    const payday = a.nextPayday!;
    const period = payPeriod(a, payday);
    const occurrences =
      a.minCompletionPercent !== null && period.from <= period.to
        ? await this.deps.chores.occurrenceCounts(trx, a.memberId, period.from, period.to)
        : { approved: 0, total: 0 };
    const condition = conditionMet(a.minCompletionPercent, occurrences);
    const fresh = await this.deps.allowances.insertPayment(trx, {
      allowanceId: a.id,
      payday,
      familyId: a.familyId,
      memberId: a.memberId,
      outcome: condition.met ? 'PAID' : 'SKIPPED',
      amountMinor: condition.met ? a.amountMinor : 0,
      completionPercent: condition.percent,
    });
    const next = paydayAfter(a, payday);
    if (!fresh) {
      await this.deps.allowances.update(trx, a.id, { nextPayday: next });
      return 'DONE_BEFORE';
    }
    if (!condition.met) {
      await this.deps.allowances.update(trx, a.id, { nextPayday: next });
      return 'SKIPPED';
    }
    const split = a.split ?? splitOf(await this.deps.jarSettings.get(a.memberId, trx));
    const amounts = splitAmount(a.amountMinor, split);
    await this.deps.postings.creditSplit(
      trx,
      this.context(family, now),
      { memberId: a.memberId, kind: 'ALLOWANCE', memo: `Allowance for ${payday}`, allowanceId: a.id },
      amounts,
    );
    await this.deps.allowances.update(trx, a.id, { nextPayday: next, lastPaidOn: payday });
    await this.emit(trx, a.familyId, now, {
      $case: 'allowancePaid',
      value: {
        allowanceId: a.id,
        memberId: a.memberId,
        amount: money(a.amountMinor, a.currency),
        payday: dayToMessage(payday),
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
        const month = monthStart(s.interestNextOn!, -1);
        await this.deps.ledger.lockJars(trx, s.memberId, ['SAVE']);
        const amount = interestFor({
          balanceMinor: await this.deps.ledger.balance(s.memberId, 'SAVE', trx),
          rateBps: s.interestBps,
          capMinor: s.interestCapMinor,
        });
        const fresh = await this.deps.jarSettings.insertInterestPayment(trx, {
          memberId: s.memberId,
          month,
          familyId: s.familyId,
          amountMinor: amount,
        });
        await this.deps.jarSettings.setInterestNextOn(trx, s.memberId, monthStart(s.interestNextOn!, 1));
        if (!fresh || amount === 0) return false;
        const { year, month: m } = toYmd(month);
        await this.deps.postings.credit(trx, this.context(family, now), {
          memberId: s.memberId,
          jar: 'SAVE',
          amount,
          kind: 'INTEREST',
          memo: `Interest for ${year}-${String(m).padStart(2, '0')}`,
        });
        await this.emit(trx, s.familyId, now, {
          $case: 'interestPaid',
          value: { memberId: s.memberId, amount: money(amount, family.currency), month: dayToMessage(month) },
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
