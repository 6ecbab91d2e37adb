// Allowance schedules, managed by parents: an amount paid to a child weekly, every two weeks or
// monthly, split across the jars, optionally only when enough of the period's chores were approved.
// The scheduler pays them; here they are set up, paused and resumed.
import type { Kysely } from 'kysely';
import { AppError, requireUuid, Violations } from '@family/errors';
import { newId, toPage, afterIdPage, type PageInput } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { GoalsDatabase } from '../db/schema.js';
import { dayIn, maxDay, type Day } from '@family/service-kit/calendar';
import type { Actor } from '@family/service-kit';
import { firstPaydayOnOrAfter, type PaySchedule } from '../domain/allowance.schedule.js';
import type { AllowanceFrequencyName, Split } from '../domain/goals.types.js';
import { checkAmount, checkSplit } from '../domain/money.rules.js';
import { checkVersion } from '../domain/version.rules.js';
import type { Allowance } from '../domain/goals.records.js';
import type { GoalsDeps } from './goals.deps.js';

export interface CreateAllowanceInput {
  memberId: string;
  amountMinor: number;
  frequency: AllowanceFrequencyName | undefined;
  dayOfWeek: number | undefined;
  dayOfMonth: number;
  split: Split | undefined;
  startOn: Day | undefined;
  paused: boolean;
  minCompletionPercent: number | undefined;
}

export interface UpdateAllowanceInput {
  expectedVersion: number;
  amountMinor?: number | undefined;
  /** null: a value that is not a frequency. */
  frequency?: AllowanceFrequencyName | null | undefined;
  /** null: a value that is not a day of the week. */
  dayOfWeek?: number | null | undefined;
  dayOfMonth?: number | undefined;
  split: Split | undefined;
  clearSplit: boolean;
  startOn: Day | undefined;
  paused?: boolean | undefined;
  minCompletionPercent: number | undefined;
  clearCondition: boolean;
}

export class Allowances {
  constructor(private readonly deps: GoalsDeps) {}

  async list(caller: Caller, familyId: string, q: { memberId: string; page: PageInput | undefined }) {
    const actor = await this.deps.access.actor(caller, familyId);
    const member = await this.deps.access.listScope(actor, q.memberId, 'memberId');
    const { limit, afterId } = afterIdPage(q.page);
    const rows = await this.deps.allowances.list({ familyId: actor.familyId, memberId: member }, afterId, limit + 1);
    return toPage(rows, limit, (r) => [r.id]);
  }

  async get(caller: Caller, familyId: string, allowanceId: string): Promise<Allowance> {
    const actor = await this.deps.access.actor(caller, familyId);
    return this.visible(actor, allowanceId);
  }

  async create(caller: Caller, familyId: string, input: CreateAllowanceInput): Promise<Allowance> {
    const actor = await this.deps.access.parent(caller, familyId);
    const member = await this.deps.access.child(actor, input.memberId, 'memberId');
    const today = this.today(actor);
    const startOn = input.startOn ?? today;
    const v = new Violations();
    checkAmount(v, 'amountMinor', input.amountMinor);
    const timing = this.checkTiming(v, input.frequency, input.dayOfWeek, input.dayOfMonth);
    if (input.split) checkSplit(v, 'split', input.split);
    if (startOn < today) v.add('startOn', 'must not be in the past');
    if (input.minCompletionPercent !== undefined) this.checkCondition(v, input.minCompletionPercent);
    v.throwIfAny();
    const schedule: PaySchedule = { ...timing!, startOn };
    return this.deps.allowances.insert(this.deps.db, {
      id: newId(),
      familyId: actor.familyId,
      memberId: member.id,
      amountMinor: input.amountMinor,
      currency: actor.family.currency,
      ...schedule,
      split: input.split ?? null,
      paused: input.paused,
      minCompletionPercent: input.minCompletionPercent ?? null,
      nextPayday: input.paused ? null : firstPaydayOnOrAfter(schedule, maxDay(startOn, today)),
      createdByMemberId: actor.memberId,
    });
  }

  async update(caller: Caller, familyId: string, allowanceId: string, input: UpdateAllowanceInput): Promise<Allowance> {
    const actor = await this.deps.access.parent(caller, familyId);
    const allowance = await this.visible(actor, allowanceId);
    const today = this.today(actor);
    const v = new Violations();
    if (input.amountMinor !== undefined) checkAmount(v, 'amountMinor', input.amountMinor);
    if (input.frequency === null) v.add('frequency', 'must be WEEKLY, BIWEEKLY or MONTHLY');
    if (input.dayOfWeek === null) v.add('dayOfWeek', 'must be a day of the week, Monday to Sunday');
    if (input.split) checkSplit(v, 'split', input.split);
    if (input.startOn && input.startOn < today) v.add('startOn', 'must not be in the past');
    if (input.minCompletionPercent !== undefined) this.checkCondition(v, input.minCompletionPercent);
    v.throwIfAny();
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, allowance.id);
      checkVersion(input.expectedVersion, current.version);
      const frequency = input.frequency ?? current.frequency;
      const timing = this.checkTiming(
        v,
        frequency,
        input.dayOfWeek ?? current.dayOfWeek ?? undefined,
        input.dayOfMonth ?? current.dayOfMonth ?? 0,
      );
      v.throwIfAny();
      const paused = input.paused ?? current.paused;
      const schedule: PaySchedule = { ...timing!, startOn: input.startOn ?? current.startOn };
      const rescheduled =
        schedule.frequency !== current.frequency ||
        schedule.dayOfWeek !== current.dayOfWeek ||
        schedule.dayOfMonth !== current.dayOfMonth ||
        schedule.startOn !== current.startOn ||
        paused !== current.paused;
      // A new schedule or a resume starts from today: paydays missed while paused are not paid.
      const nextPayday = paused
        ? null
        : rescheduled
          ? firstPaydayOnOrAfter(schedule, maxDay(schedule.startOn, today))
          : current.nextPayday;
      const split = input.clearSplit ? null : input.split;
      return this.deps.allowances.update(trx, current.id, {
        ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor } : {}),
        ...schedule,
        ...(split !== undefined ? { split } : {}),
        paused,
        ...(input.clearCondition ? { minCompletionPercent: null } : {}),
        ...(input.minCompletionPercent !== undefined ? { minCompletionPercent: input.minCompletionPercent } : {}),
        nextPayday,
        version: current.version + 1,
      });
    });
  }

  async delete(caller: Caller, familyId: string, allowanceId: string, expectedVersion: number): Promise<void> {
    const actor = await this.deps.access.parent(caller, familyId);
    const allowance = await this.visible(actor, allowanceId);
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, allowance.id);
      checkVersion(expectedVersion, current.version);
      await this.deps.allowances.delete(trx, current.id);
    });
  }

  /** Frequency and its day: a day of the week for (bi)weekly, a day of the month for monthly. */
  private checkTiming(
    v: Violations,
    frequency: AllowanceFrequencyName | undefined,
    dayOfWeek: number | undefined,
    dayOfMonth: number,
  ): Omit<PaySchedule, 'startOn'> | undefined {
    if (!frequency) {
      v.add('frequency', 'must be WEEKLY, BIWEEKLY or MONTHLY');
      return undefined;
    }
    if (frequency === 'MONTHLY') {
      if (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 31) {
        v.add('dayOfMonth', 'must be from 1 to 31 for a monthly allowance');
        return undefined;
      }
      return { frequency, dayOfWeek: null, dayOfMonth };
    }
    if (!dayOfWeek) {
      v.add('dayOfWeek', 'must be a day of the week, Monday to Sunday');
      return undefined;
    }
    return { frequency, dayOfWeek, dayOfMonth: null };
  }

  private checkCondition(v: Violations, percent: number): void {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      v.add('condition.minChoreCompletionPercent', 'must be from 1 to 100');
    }
  }

  /** Parents see every allowance of the family; a child only their own (NOT_FOUND otherwise). */
  private async visible(actor: Actor, allowanceId: string): Promise<Allowance> {
    const allowance = await this.deps.allowances.byId(actor.familyId, requireUuid(allowanceId, 'allowanceId'));
    if (!allowance) throw AppError.notFound('Allowance');
    this.deps.access.assertVisible(actor, allowance.memberId, 'Allowance');
    return allowance;
  }

  private async locked(trx: Kysely<GoalsDatabase>, actor: Actor, id: string): Promise<Allowance> {
    const allowance = await this.deps.allowances.forUpdate(trx, actor.familyId, id);
    if (!allowance) throw AppError.notFound('Allowance');
    return allowance;
  }

  private today(actor: Actor): Day {
    return dayIn(actor.family.timezone, this.deps.clock());
  }
}
