// Chores: parents create and review them; the assignee (a child) submits them with a note. Approval
// pays the reward into the assignee's jars by their default split and records the occurrence as done.
// A service with goals:read lists the family's chores (e.g. those waiting for approval), like a parent.
import type { Kysely } from 'kysely';
import { AppError, requireUuid, Violations } from '@family/errors';
import { newId, toPage, afterIdPage, type PageInput } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { EventPayload } from '@family/outbox';
import type { GoalsDatabase } from '../db/schema.js';
import { dayIn, type Day } from '@family/service-kit/calendar';
import { Scopes, type Actor } from '@family/service-kit';
import { firstOccurrenceOnOrAfter, occurrenceAfter, type Recurrence } from '../domain/chore.recurrence.js';
import type { Chore, LedgerEntry } from '../domain/goals.records.js';
import type { ChoreFrequencyName, ChoreStatusName } from '../domain/goals.types.js';
import { checkAmount, splitAmount } from '../domain/money.rules.js';
import { checkText } from '../domain/text.rules.js';
import { checkVersion } from '../domain/version.rules.js';
import { postingContext, type GoalsDeps } from './goals.deps.js';
import { money } from './goal.events.js';
import { splitOf } from './jars.js';

export interface RecurrenceInput {
  frequency: ChoreFrequencyName | undefined;
  /** 1 = Monday … 7 = Sunday; undefined for a value that is not a day. */
  daysOfWeek: (number | undefined)[];
}

export interface CreateChoreInput {
  title: string;
  description: string;
  assigneeMemberId: string;
  rewardMinor: number;
  points: number;
  dueOn: Day | undefined;
  recurrence: RecurrenceInput | undefined;
}

export interface UpdateChoreInput {
  expectedVersion: number;
  title?: string | undefined;
  description?: string | undefined;
  assigneeMemberId?: string | undefined;
  rewardMinor?: number | undefined;
  points?: number | undefined;
  dueOn: Day | undefined;
  clearDueOn: boolean;
  recurrence: RecurrenceInput | undefined;
  clearRecurrence: boolean;
}

const MAX_POINTS = 10_000;

/** Where a chore's current occurrence falls and when it rolls over, given its recurrence. */
function schedule(
  recurrence: Recurrence | null,
  dueOn: Day | null,
  today: Day,
): Pick<Chore, 'recurrence' | 'dueOn' | 'nextOccurrenceOn'> {
  if (!recurrence) return { recurrence, dueOn, nextOccurrenceOn: null };
  const due = firstOccurrenceOnOrAfter(recurrence, dueOn ?? today);
  return { recurrence, dueOn: due, nextOccurrenceOn: occurrenceAfter(recurrence, due) };
}

export class Chores {
  constructor(private readonly deps: GoalsDeps) {}

  async list(
    caller: Caller,
    familyId: string,
    q: {
      assigneeMemberId: string;
      status: ChoreStatusName | undefined;
      dueFrom: Day | undefined;
      dueTo: Day | undefined;
      page: PageInput | undefined;
    },
  ) {
    const actor = await this.deps.access.reader(caller, familyId, Scopes.GOALS_READ);
    const assignee = await this.deps.access.listScope(actor, q.assigneeMemberId, 'assigneeMemberId');
    if (q.dueFrom && q.dueTo && q.dueFrom > q.dueTo) throw AppError.invalidField('dueTo', 'must not be before dueFrom');
    const { limit, afterId } = afterIdPage(q.page);
    const rows = await this.deps.chores.list(
      { familyId: actor.familyId, assigneeMemberId: assignee, status: q.status, dueFrom: q.dueFrom, dueTo: q.dueTo },
      afterId,
      limit + 1,
    );
    return toPage(rows, limit, (r) => [r.id]);
  }

  async get(caller: Caller, familyId: string, choreId: string): Promise<Chore> {
    const actor = await this.deps.access.actor(caller, familyId);
    return this.visible(actor, choreId);
  }

  async create(caller: Caller, familyId: string, input: CreateChoreInput): Promise<Chore> {
    const actor = await this.deps.access.parent(caller, familyId);
    const assignee = await this.deps.access.child(actor, input.assigneeMemberId, 'assigneeMemberId');
    const today = this.today(actor);
    const v = new Violations();
    checkText(v, 'title', input.title, { required: true, max: 100 });
    checkText(v, 'description', input.description, { max: 1000 });
    checkAmount(v, 'rewardMinor', input.rewardMinor, { allowZero: true });
    this.checkPoints(v, input.points);
    if (input.dueOn && input.dueOn < today) v.add('dueOn', 'must not be in the past');
    const recurrence = input.recurrence ? this.checkRecurrence(v, input.recurrence) : undefined;
    v.throwIfAny();
    return this.deps.chores.insert(this.deps.db, {
      id: newId(),
      familyId: actor.familyId,
      title: input.title.trim(),
      description: input.description.trim(),
      assigneeMemberId: assignee.id,
      rewardMinor: input.rewardMinor,
      points: input.points,
      currency: actor.family.currency,
      ...schedule(recurrence ?? null, input.dueOn ?? null, today),
      status: 'TODO',
      note: '',
      rejectionReason: '',
      createdByMemberId: actor.memberId,
    });
  }

  async update(caller: Caller, familyId: string, choreId: string, input: UpdateChoreInput): Promise<Chore> {
    const actor = await this.deps.access.parent(caller, familyId);
    const chore = await this.visible(actor, choreId);
    if (input.assigneeMemberId !== undefined) {
      await this.deps.access.child(actor, input.assigneeMemberId, 'assigneeMemberId');
    }
    const today = this.today(actor);
    const v = new Violations();
    if (input.title !== undefined) checkText(v, 'title', input.title, { required: true, max: 100 });
    if (input.description !== undefined) checkText(v, 'description', input.description, { max: 1000 });
    if (input.rewardMinor !== undefined) checkAmount(v, 'rewardMinor', input.rewardMinor, { allowZero: true });
    if (input.points !== undefined) this.checkPoints(v, input.points);
    if (input.dueOn && input.dueOn < today) v.add('dueOn', 'must not be in the past');
    const newRecurrence = input.recurrence ? this.checkRecurrence(v, input.recurrence) : undefined;
    v.throwIfAny();
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, chore.id);
      checkVersion(input.expectedVersion, current.version);
      const recurrence = input.clearRecurrence ? null : (newRecurrence ?? current.recurrence);
      const dueOn = input.clearDueOn ? null : (input.dueOn ?? current.dueOn);
      const timing =
        input.dueOn || input.clearDueOn || newRecurrence || input.clearRecurrence
          ? schedule(recurrence, dueOn, today)
          : {};
      return this.deps.chores.update(trx, current.id, {
        ...(input.title !== undefined ? { title: input.title.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(input.assigneeMemberId !== undefined ? { assigneeMemberId: input.assigneeMemberId.toLowerCase() } : {}),
        ...(input.rewardMinor !== undefined ? { rewardMinor: input.rewardMinor } : {}),
        ...(input.points !== undefined ? { points: input.points } : {}),
        ...timing,
        version: current.version + 1,
      });
    });
  }

  async delete(caller: Caller, familyId: string, choreId: string, expectedVersion: number): Promise<void> {
    const actor = await this.deps.access.parent(caller, familyId);
    const chore = await this.visible(actor, choreId);
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, chore.id);
      checkVersion(expectedVersion, current.version);
      await this.deps.chores.delete(trx, current.id);
    });
  }

  async submit(caller: Caller, familyId: string, choreId: string, note: string): Promise<Chore> {
    const actor = await this.deps.access.actor(caller, familyId);
    const chore = await this.visible(actor, choreId);
    if (chore.assigneeMemberId !== actor.memberId) {
      throw AppError.forbidden('Only the assignee marks a chore done', 'ASSIGNEE_ONLY');
    }
    const v = new Violations();
    checkText(v, 'note', note, { max: 500 });
    v.throwIfAny();
    const at = this.deps.clock();
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, chore.id);
      if (current.status !== 'TODO' && current.status !== 'REJECTED') {
        throw AppError.precondition('CHORE_NOT_OPEN', `This chore is ${current.status.toLowerCase()}`);
      }
      const updated = await this.deps.chores.update(trx, current.id, {
        status: 'SUBMITTED',
        note: note.trim(),
        submittedAt: at,
        version: current.version + 1,
      });
      await this.emit(trx, actor, {
        $case: 'choreSubmitted',
        value: {
          choreId: updated.id,
          assigneeMemberId: updated.assigneeMemberId,
          title: updated.title,
          note: updated.note,
        },
      });
      return updated;
    });
  }

  async approve(caller: Caller, familyId: string, choreId: string): Promise<{ chore: Chore; entries: LedgerEntry[] }> {
    const actor = await this.deps.access.parent(caller, familyId);
    const chore = await this.visible(actor, choreId);
    if (chore.assigneeMemberId === actor.memberId) {
      throw AppError.forbidden('Nobody approves their own chore', 'OWN_CHORE');
    }
    const at = this.deps.clock();
    const ctx = postingContext(actor, at);
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, chore.id);
      if (current.status !== 'SUBMITTED') {
        throw AppError.precondition('CHORE_NOT_SUBMITTED', 'Only a submitted chore can be approved');
      }
      let entries: LedgerEntry[] = [];
      if (current.rewardMinor > 0) {
        const split = splitOf(await this.deps.jarSettings.get(current.assigneeMemberId, trx));
        entries = await this.deps.postings.creditSplit(
          trx,
          ctx,
          { memberId: current.assigneeMemberId, kind: 'CHORE_REWARD', memo: current.title, choreId: current.id },
          splitAmount(current.rewardMinor, split),
        );
      }
      if (current.dueOn) {
        await this.deps.chores.recordOccurrence(
          trx,
          {
            choreId: current.id,
            dueOn: current.dueOn,
            familyId: current.familyId,
            assigneeMemberId: current.assigneeMemberId,
          },
          'APPROVED',
        );
      }
      const updated = await this.deps.chores.update(trx, current.id, {
        status: 'APPROVED',
        reviewedAt: at,
        reviewedByMemberId: actor.memberId,
        rejectionReason: '',
        version: current.version + 1,
      });
      await this.emit(trx, actor, {
        $case: 'choreApproved',
        value: {
          choreId: updated.id,
          assigneeMemberId: updated.assigneeMemberId,
          title: updated.title,
          reward: money(updated.rewardMinor, updated.currency),
          points: updated.points,
          approvedByMemberId: actor.memberId,
        },
      });
      return { chore: updated, entries };
    });
  }

  async reject(caller: Caller, familyId: string, choreId: string, reason: string): Promise<Chore> {
    const actor = await this.deps.access.parent(caller, familyId);
    const chore = await this.visible(actor, choreId);
    const v = new Violations();
    checkText(v, 'reason', reason, { required: true, max: 500 });
    v.throwIfAny();
    const at = this.deps.clock();
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, chore.id);
      if (current.status !== 'SUBMITTED') {
        throw AppError.precondition('CHORE_NOT_SUBMITTED', 'Only a submitted chore can be rejected');
      }
      const updated = await this.deps.chores.update(trx, current.id, {
        status: 'REJECTED',
        rejectionReason: reason.trim(),
        reviewedAt: at,
        reviewedByMemberId: actor.memberId,
        version: current.version + 1,
      });
      await this.emit(trx, actor, {
        $case: 'choreRejected',
        value: {
          choreId: updated.id,
          assigneeMemberId: updated.assigneeMemberId,
          title: updated.title,
          reason: updated.rejectionReason,
        },
      });
      return updated;
    });
  }

  private checkPoints(v: Violations, points: number): void {
    if (!Number.isInteger(points) || points < 0 || points > MAX_POINTS)
      v.add('points', `must be from 0 to ${MAX_POINTS}`);
  }

  private checkRecurrence(v: Violations, r: RecurrenceInput): Recurrence | undefined {
    if (!r.frequency) {
      v.add('recurrence.frequency', 'must be DAILY or WEEKLY');
      return undefined;
    }
    if (r.frequency === 'DAILY') {
      if (r.daysOfWeek.length > 0) v.add('recurrence.daysOfWeek', 'must be empty for a daily chore');
      return { frequency: 'DAILY', daysOfWeek: [] };
    }
    if (r.daysOfWeek.length === 0 || r.daysOfWeek.some((d) => d === undefined)) {
      v.add('recurrence.daysOfWeek', 'must list at least one day of the week, Monday to Sunday');
      return undefined;
    }
    return { frequency: 'WEEKLY', daysOfWeek: [...new Set(r.daysOfWeek as number[])].sort() };
  }

  /** The chore if the actor may see it (a child: only their own); NOT_FOUND otherwise. */
  private async visible(actor: Actor, choreId: string): Promise<Chore> {
    const chore = await this.deps.chores.byId(actor.familyId, requireUuid(choreId, 'choreId'));
    if (!chore) throw AppError.notFound('Chore');
    this.deps.access.assertVisible(actor, chore.assigneeMemberId, 'Chore');
    return chore;
  }

  private async locked(trx: Kysely<GoalsDatabase>, actor: Actor, id: string): Promise<Chore> {
    const chore = await this.deps.chores.forUpdate(trx, actor.familyId, id);
    if (!chore) throw AppError.notFound('Chore');
    return chore;
  }

  private emit(trx: Kysely<GoalsDatabase>, actor: Actor, payload: EventPayload): Promise<void> {
    return this.deps.events.emit(trx, { familyId: actor.familyId, actorUserId: actor.userId, payloads: [payload] });
  }

  private today(actor: Actor): Day {
    return dayIn(actor.family.timezone, this.deps.clock());
  }
}
