// Recurring expenses: a template expense repeated daily/weekly/monthly/yearly with an interval.
// A child manages their own; parents manage anyone's. Occurrences are made by the scheduler.
import { AppError, requireUuid, Violations } from '@family/errors';
import { newId, pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { Actor } from '@family/service-kit';
import { maxDay, dayIn, type Day } from '@family/service-kit/calendar';
import { CategoryTree } from '../domain/category.tree.js';
import { checkExpenseFields, normalizeTags, type SplitInput } from '../domain/expense.rules.js';
import {
  checkSchedule,
  firstIndexOnOrAfter,
  nextDates,
  occurrenceWithinEnd,
  type Frequency,
  type Schedule,
} from '../domain/recurrence.rules.js';
import { addDays } from '@family/service-kit/calendar';
import type { RecurringExpense } from '../domain/expense.records.js';
import type { ExpenseDeps } from './expense.deps.js';
import { checkCategoryRefs } from './expenses.js';
import { afterId } from './page.cursors.js';

export interface TemplateInput {
  memberId: string;
  amountMinor: number;
  currency: string;
  description: string;
  merchant: string;
  categoryId: string;
  tags: string[];
  note: string;
  splits: SplitInput[];
}

export interface RecurringInput {
  template: TemplateInput | undefined;
  frequency: Frequency | undefined;
  interval: number;
  startOn: Day | undefined;
  endOn: Day | undefined;
  paused: boolean;
}

export interface RecurringPatch {
  expectedVersion: number;
  template?: TemplateInput | undefined;
  frequency?: Frequency | undefined;
  interval?: number | undefined;
  startOn?: Day | undefined;
  endOn?: Day | undefined;
  clearEndOn: boolean;
  paused?: boolean | undefined;
}

export function scheduleOf(r: Pick<RecurringExpense, 'frequency' | 'interval' | 'startOn' | 'endOn'>): Schedule {
  return { frequency: r.frequency, interval: r.interval, startOn: r.startOn, endOn: r.endOn };
}

export class RecurringExpenses {
  constructor(private readonly deps: ExpenseDeps) {}

  private async template(actor: Actor, t: TemplateInput | undefined) {
    if (!t) throw AppError.invalidField('template', 'is required');
    const memberId = await this.deps.access.subject(actor, t.memberId, 'template.memberId');
    const currency = t.currency ? t.currency.toUpperCase() : actor.family.currency;
    const categoryId = t.categoryId ? t.categoryId.toLowerCase() : null;
    const splits = t.splits.map((s) => ({ ...s, categoryId: s.categoryId.toLowerCase() }));
    const v = new Violations();
    checkExpenseFields(v, { ...t, currency, categoryId, splits }, 'template.', [actor.family.currency]);
    checkCategoryRefs(
      v,
      new CategoryTree(await this.deps.categories.all(actor.familyId)),
      categoryId,
      splits,
      'template.',
    );
    if (v.list.length === 0 && currency !== actor.family.currency) {
      const rate = (await this.deps.fxRates.rates(actor.familyId, [currency])).get(currency);
      v.check(rate !== undefined, 'template.currency', `add a rate for ${currency} to the family's rates first`);
    }
    v.throwIfAny();
    return {
      memberId,
      amountMinor: t.amountMinor,
      currency,
      description: t.description.trim(),
      merchant: t.merchant.trim(),
      categoryId: splits.length ? null : categoryId,
      tags: normalizeTags(t.tags),
      note: t.note,
      splits,
    };
  }

  /** Where the schedule continues from: never before today, never repeating a materialized day. */
  private nextIndex(s: Schedule, today: Day, lastRunOn: Day | null) {
    const from = lastRunOn ? maxDay(today, addDays(lastRunOn, 1)) : today;
    const n = firstIndexOnOrAfter(s, maxDay(from, s.startOn));
    return { nextIndex: n, nextOn: occurrenceWithinEnd(s, n) ?? null };
  }

  async create(caller: Caller, familyId: string, input: RecurringInput): Promise<RecurringExpense> {
    const actor = await this.deps.access.actor(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const template = await this.template(actor, input.template);
    const today = dayIn(actor.family.timezone, this.deps.now());
    const v = new Violations();
    if (!input.frequency) v.add('frequency', 'must be DAILY, WEEKLY, MONTHLY or YEARLY');
    const schedule: Schedule = {
      frequency: input.frequency ?? 'DAILY',
      interval: input.interval || 1,
      startOn: input.startOn ?? today,
      endOn: input.endOn ?? null,
    };
    checkSchedule(v, schedule);
    v.throwIfAny();
    return this.deps.recurring.insert(this.deps.db, {
      id: newId(),
      familyId: actor.familyId,
      ...template,
      frequency: schedule.frequency,
      interval: schedule.interval,
      startOn: schedule.startOn,
      endOn: schedule.endOn,
      paused: input.paused,
      ...this.nextIndex(schedule, today, null),
      lastRunOn: null,
      createdByMemberId: actor.memberId,
    });
  }

  private async visible(actor: Actor, id: string): Promise<RecurringExpense> {
    const found = await this.deps.recurring.byId(actor.familyId, requireUuid(id, 'recurringExpenseId'));
    if (!found) throw AppError.notFound('Recurring expense');
    this.deps.access.assertVisible(actor, found.memberId, 'Recurring expense');
    return found;
  }

  async get(caller: Caller, familyId: string, id: string) {
    return this.visible(await this.deps.access.actor(caller, familyId), id);
  }

  async list(caller: Caller, familyId: string, memberId: string, page: { limit: number; cursor: string }) {
    const actor = await this.deps.access.actor(caller, familyId);
    const limit = pageLimit(page.limit);
    const rows = await this.deps.recurring.list(
      actor.familyId,
      await this.deps.access.listScope(actor, memberId),
      afterId(page.cursor),
      limit + 1,
    );
    return toPage(rows, limit, (r) => [r.id]);
  }

  async update(caller: Caller, familyId: string, id: string, patch: RecurringPatch): Promise<RecurringExpense> {
    const actor = await this.deps.access.actor(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const current = await this.visible(actor, id);
    const template = patch.template ? await this.template(actor, patch.template) : undefined;
    const schedule: Schedule = {
      frequency: patch.frequency ?? current.frequency,
      interval: patch.interval ?? current.interval,
      startOn: patch.startOn ?? current.startOn,
      endOn: patch.clearEndOn ? null : (patch.endOn ?? current.endOn),
    };
    const v = new Violations();
    checkSchedule(v, schedule);
    v.throwIfAny();
    const today = dayIn(actor.family.timezone, this.deps.now());
    return this.deps.db.transaction().execute(async (trx) => {
      const locked = await this.deps.recurring.forUpdate(trx, actor.familyId, current.id);
      if (!locked) throw AppError.notFound('Recurring expense');
      if (patch.expectedVersion && locked.version !== patch.expectedVersion)
        throw AppError.versionMismatch(locked.version);
      const scheduleChanged =
        schedule.frequency !== locked.frequency ||
        schedule.interval !== locked.interval ||
        schedule.startOn !== locked.startOn ||
        schedule.endOn !== locked.endOn;
      const resumed = patch.paused === false && locked.paused;
      const paused = patch.paused ?? locked.paused;
      return this.deps.recurring.update(trx, locked.id, {
        ...(template ?? {}),
        frequency: schedule.frequency,
        interval: schedule.interval,
        startOn: schedule.startOn,
        endOn: schedule.endOn,
        paused,
        // Resuming does not back-fill: the schedule continues from today.
        ...(scheduleChanged || resumed ? this.nextIndex(schedule, today, locked.lastRunOn) : {}),
      });
    });
  }

  async delete(caller: Caller, familyId: string, id: string, expectedVersion: number): Promise<void> {
    const actor = await this.deps.access.actor(caller, familyId);
    const current = await this.visible(actor, id);
    await this.deps.db.transaction().execute(async (trx) => {
      const locked = await this.deps.recurring.forUpdate(trx, actor.familyId, current.id);
      if (!locked) throw AppError.notFound('Recurring expense');
      if (expectedVersion && locked.version !== expectedVersion) throw AppError.versionMismatch(locked.version);
      await this.deps.recurring.delete(trx, locked.id);
    });
  }

  async preview(
    caller: Caller,
    familyId: string,
    input: {
      id: string;
      frequency: Frequency | undefined;
      interval: number;
      startOn: Day | undefined;
      endOn: Day | undefined;
      count: number;
      after: Day | undefined;
    },
  ): Promise<Day[]> {
    const actor = await this.deps.access.actor(caller, familyId);
    const today = dayIn(actor.family.timezone, this.deps.now());
    const v = new Violations();
    v.check(input.count >= 0 && input.count <= 100, 'count', 'must be 0-100');
    let schedule: Schedule;
    if (input.id) {
      schedule = scheduleOf(await this.visible(actor, input.id));
    } else {
      if (!input.frequency) v.add('frequency', 'must be DAILY, WEEKLY, MONTHLY or YEARLY');
      schedule = {
        frequency: input.frequency ?? 'DAILY',
        interval: input.interval || 1,
        startOn: input.startOn ?? today,
        endOn: input.endOn ?? null,
      };
      checkSchedule(v, schedule);
    }
    v.throwIfAny();
    return nextDates(schedule, maxDay(input.after ?? today, schedule.startOn), input.count || 5);
  }
}
