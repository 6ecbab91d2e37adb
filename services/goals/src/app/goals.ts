// Savings goals: owned by a child or a parent, filled from the owner's SAVE jar (matched by the
// parents' rule) or by a parent's gift, reached once, and emptied back into the SAVE jar on
// withdrawal, cancellation or deletion.
import type { Kysely } from 'kysely';
import { AppError, requireUuid, Violations } from '@family/errors';
import { newId, toPage, afterIdPage, type PageInput } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { GoalsDatabase } from '../db/schema.js';
import { addDays, dayIn, monthStart, type Day } from '@family/service-kit/calendar';
import type { Actor } from '@family/service-kit';
import type { ContributionSourceName, GoalStatusName } from '../domain/goals.types.js';
import { checkAmount, matchFor } from '../domain/money.rules.js';
import { PACE_WINDOW_DAYS, projectedOn } from '../domain/goal.rules.js';
import { checkText } from '../domain/text.rules.js';
import { checkVersion } from '../domain/version.rules.js';
import type { Goal, GoalContribution, Matching } from '../domain/goals.records.js';
import { postingContext, type GoalsDeps } from './goals.deps.js';
import { money } from './goal.events.js';
import type { BalanceView } from './jars.js';
import type { EventPayload } from '@family/outbox';

/** A goal with the day it will be reached at the recent pace. */
export interface GoalView {
  goal: Goal;
  projectedOn: Day | undefined;
}

export interface CreateGoalInput {
  ownerMemberId: string;
  name: string;
  description: string;
  targetMinor: number;
  deadline: Day | undefined;
  matching: Matching | undefined;
  icon: string;
}

export interface UpdateGoalInput {
  expectedVersion: number;
  name?: string | undefined;
  description?: string | undefined;
  targetMinor?: number | undefined;
  deadline: Day | undefined;
  clearDeadline: boolean;
  matching: Matching | undefined;
  clearMatching: boolean;
  icon?: string | undefined;
}

type BalanceOf = (actor: Actor, memberId: string) => Promise<BalanceView>;

const MAX_MATCH_PERCENT = 300;

export class Goals {
  constructor(
    private readonly deps: GoalsDeps,
    private readonly balanceOf: BalanceOf,
  ) {}

  async list(
    caller: Caller,
    familyId: string,
    q: { ownerMemberId: string; status: GoalStatusName | undefined; page: PageInput | undefined },
  ) {
    const actor = await this.deps.access.actor(caller, familyId);
    const owner = await this.deps.access.listScope(actor, q.ownerMemberId, 'ownerMemberId');
    const { limit, afterId } = afterIdPage(q.page);
    const rows = await this.deps.goals.list(
      { familyId: actor.familyId, ownerMemberId: owner, status: q.status },
      afterId,
      limit + 1,
    );
    const page = toPage(rows, limit, (r) => [r.id]);
    return { items: await this.views(actor, page.items), nextCursor: page.nextCursor };
  }

  async get(caller: Caller, familyId: string, goalId: string): Promise<GoalView> {
    const actor = await this.deps.access.actor(caller, familyId);
    return this.view(actor, await this.visible(actor, goalId));
  }

  async create(caller: Caller, familyId: string, input: CreateGoalInput): Promise<GoalView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const owner = input.ownerMemberId
      ? await this.deps.access.subject(actor, input.ownerMemberId, 'ownerMemberId')
      : actor.memberId;
    if (input.matching) this.deps.access.requireParent(actor, 'Only parents set up matching');
    const today = this.today(actor);
    const v = new Violations();
    checkText(v, 'name', input.name, { required: true, max: 100 });
    checkText(v, 'description', input.description, { max: 500 });
    checkAmount(v, 'targetMinor', input.targetMinor);
    if (input.deadline && input.deadline < today) v.add('deadline', 'must not be in the past');
    if (input.matching) this.checkMatching(v, input.matching);
    checkText(v, 'icon', input.icon, { max: 50 });
    v.throwIfAny();
    const goal = await this.deps.goals.insert(this.deps.db, {
      id: newId(),
      familyId: actor.familyId,
      ownerMemberId: owner,
      name: input.name.trim(),
      description: input.description.trim(),
      targetMinor: input.targetMinor,
      currency: actor.family.currency,
      deadline: input.deadline ?? null,
      status: 'ACTIVE',
      matching: input.matching ?? null,
      icon: input.icon.trim(),
      createdByMemberId: actor.memberId,
    });
    return this.view(actor, goal);
  }

  async update(caller: Caller, familyId: string, goalId: string, input: UpdateGoalInput): Promise<GoalView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const goal = await this.visible(actor, goalId);
    if (input.matching || input.clearMatching) this.deps.access.requireParent(actor, 'Only parents set up matching');
    const v = new Violations();
    if (input.name !== undefined) checkText(v, 'name', input.name, { required: true, max: 100 });
    if (input.description !== undefined) checkText(v, 'description', input.description, { max: 500 });
    if (input.targetMinor !== undefined) checkAmount(v, 'targetMinor', input.targetMinor);
    if (input.deadline && input.deadline < this.today(actor)) v.add('deadline', 'must not be in the past');
    if (input.matching) this.checkMatching(v, input.matching);
    if (input.icon !== undefined) checkText(v, 'icon', input.icon, { max: 50 });
    v.throwIfAny();
    const at = this.deps.clock();
    const updated = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      checkVersion(input.expectedVersion, current.version);
      if (input.targetMinor !== undefined && current.status !== 'ACTIVE') {
        throw AppError.precondition('GOAL_NOT_ACTIVE', 'Only an active goal can get a new target');
      }
      const target = input.targetMinor ?? current.targetMinor;
      const reached = current.status === 'ACTIVE' && current.savedMinor >= target;
      const next = await this.deps.goals.update(trx, current.id, {
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(input.icon !== undefined ? { icon: input.icon.trim() } : {}),
        targetMinor: target,
        deadline: input.clearDeadline ? null : (input.deadline ?? current.deadline),
        ...(input.clearMatching ? { matching: null } : {}),
        ...(input.matching ? { matching: input.matching } : {}),
        ...(reached ? { status: 'ACHIEVED' as const, achievedAt: at } : {}),
        version: current.version + 1,
      });
      if (reached) await this.emit(trx, actor, [this.achieved(next)]);
      return next;
    });
    return this.view(actor, updated);
  }

  async delete(caller: Caller, familyId: string, goalId: string, expectedVersion: number): Promise<BalanceView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const goal = await this.visible(actor, goalId);
    const ctx = postingContext(actor, this.deps.clock());
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      checkVersion(expectedVersion, current.version);
      if (current.savedMinor > 0) await this.refund(trx, ctx, current, current.savedMinor, 'Goal deleted');
      await this.deps.goals.delete(trx, current.id);
    });
    return this.balanceOf(actor, goal.ownerMemberId);
  }

  async cancel(
    caller: Caller,
    familyId: string,
    goalId: string,
    expectedVersion: number,
  ): Promise<{ goal: GoalView; balance: BalanceView }> {
    const actor = await this.deps.access.actor(caller, familyId);
    const goal = await this.visible(actor, goalId);
    const ctx = postingContext(actor, this.deps.clock());
    const cancelled = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      checkVersion(expectedVersion, current.version);
      if (current.status !== 'ACTIVE')
        throw AppError.precondition('GOAL_NOT_ACTIVE', 'Only an active goal can be cancelled');
      if (current.savedMinor > 0) await this.refund(trx, ctx, current, current.savedMinor, 'Goal cancelled');
      return this.deps.goals.update(trx, current.id, {
        status: 'CANCELLED',
        savedMinor: 0,
        version: current.version + 1,
      });
    });
    return {
      goal: await this.view(actor, cancelled),
      balance: await this.balanceOf(actor, cancelled.ownerMemberId),
    };
  }

  async contribute(
    caller: Caller,
    familyId: string,
    goalId: string,
    input: { source: ContributionSourceName | undefined; amountMinor: number; memo: string },
  ): Promise<{ goal: GoalView; contribution: GoalContribution; balance: BalanceView }> {
    const actor = await this.deps.access.actor(caller, familyId);
    requireUuid(goalId, 'goalId');
    if (!input.source) throw AppError.invalidField('source', 'must be SAVE_JAR or PARENT_GIFT');
    if (input.source === 'PARENT_GIFT') this.deps.access.requireParent(actor, 'Only parents give to a goal');
    const goal = await this.visible(actor, goalId);
    const v = new Violations();
    checkAmount(v, 'amountMinor', input.amountMinor);
    checkText(v, 'memo', input.memo, { max: 200 });
    v.throwIfAny();
    const at = this.deps.clock();
    const today = dayIn(actor.family.timezone, at);
    const ctx = postingContext(actor, at);
    const amount = input.amountMinor;

    const result = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      if (current.status !== 'ACTIVE') throw AppError.precondition('GOAL_NOT_ACTIVE', 'This goal is not active');
      const room = current.targetMinor - current.savedMinor;
      if (amount > room) {
        throw AppError.precondition('EXCEEDS_TARGET', `Only ${room} more is needed to reach this goal`, {
          remainingMinor: String(room),
        });
      }
      let matched = 0;
      if (input.source === 'SAVE_JAR') {
        await this.deps.postings.debit(trx, ctx, {
          memberId: current.ownerMemberId,
          jar: 'SAVE',
          amount,
          kind: 'GOAL_CONTRIBUTION',
          memo: input.memo.trim() || current.name,
          goalId: current.id,
        });
        if (current.matching) {
          matched = matchFor({
            amountMinor: amount,
            percent: current.matching.percent,
            capMinor: current.matching.monthlyCapMinor,
            matchedThisMonthMinor: await this.deps.goals.matchedSince(trx, current.id, monthStart(today)),
            roomToTargetMinor: room - amount,
          });
        }
      }
      const contribution = await this.deps.goals.insertContribution(trx, {
        id: newId(),
        goalId: current.id,
        familyId: actor.familyId,
        source: input.source!,
        amountMinor: amount,
        matchedMinor: matched,
        memo: input.memo.trim(),
        contributorMemberId: actor.memberId,
        day: today,
        at,
      });
      const saved = current.savedMinor + amount + matched;
      const reached = saved >= current.targetMinor;
      const updated = await this.deps.goals.update(trx, current.id, {
        savedMinor: saved,
        ...(reached ? { status: 'ACHIEVED' as const, achievedAt: at } : {}),
      });
      const payloads: EventPayload[] = [
        {
          $case: 'goalContributed',
          value: {
            goalId: updated.id,
            ownerMemberId: updated.ownerMemberId,
            amount: money(amount, updated.currency),
            matched: money(matched, updated.currency),
            savedMinor: updated.savedMinor,
            targetMinor: updated.targetMinor,
            goalName: updated.name,
          },
        },
      ];
      if (reached) payloads.push(this.achieved(updated));
      await this.emit(trx, actor, payloads);
      return { updated, contribution };
    });
    return {
      goal: await this.view(actor, result.updated),
      contribution: result.contribution,
      balance: await this.balanceOf(actor, result.updated.ownerMemberId),
    };
  }

  async contributions(caller: Caller, familyId: string, goalId: string, page: PageInput | undefined) {
    const actor = await this.deps.access.actor(caller, familyId);
    const goal = await this.visible(actor, goalId);
    const { limit, afterId } = afterIdPage(page);
    const rows = await this.deps.goals.listContributions(goal.id, afterId, limit + 1);
    return toPage(rows, limit, (r) => [r.id]);
  }

  async withdraw(
    caller: Caller,
    familyId: string,
    goalId: string,
    input: { amountMinor: number; memo: string },
  ): Promise<{ goal: GoalView; balance: BalanceView }> {
    const actor = await this.deps.access.actor(caller, familyId);
    const goal = await this.visible(actor, goalId);
    const v = new Violations();
    checkAmount(v, 'amountMinor', input.amountMinor);
    checkText(v, 'memo', input.memo, { max: 200 });
    v.throwIfAny();
    const ctx = postingContext(actor, this.deps.clock());
    const updated = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      if (input.amountMinor > current.savedMinor) {
        throw AppError.precondition('INSUFFICIENT_FUNDS', `This goal holds only ${current.savedMinor}`, {
          balanceMinor: String(current.savedMinor),
          requestedMinor: String(input.amountMinor),
        });
      }
      await this.refund(trx, ctx, current, input.amountMinor, input.memo.trim() || 'Taken out of goal');
      return this.deps.goals.update(trx, current.id, { savedMinor: current.savedMinor - input.amountMinor });
    });
    return {
      goal: await this.view(actor, updated),
      balance: await this.balanceOf(actor, updated.ownerMemberId),
    };
  }

  private async refund(
    trx: Kysely<GoalsDatabase>,
    ctx: ReturnType<typeof postingContext>,
    goal: Goal,
    amount: number,
    memo: string,
  ): Promise<void> {
    await this.deps.postings.credit(trx, ctx, {
      memberId: goal.ownerMemberId,
      jar: 'SAVE',
      amount,
      kind: 'GOAL_REFUND',
      memo,
      goalId: goal.id,
    });
  }

  private checkMatching(v: Violations, m: Matching): void {
    if (!Number.isInteger(m.percent) || m.percent < 1 || m.percent > MAX_MATCH_PERCENT) {
      v.add('matching.percent', `must be from 1 to ${MAX_MATCH_PERCENT}`);
    }
    checkAmount(v, 'matching.monthlyCapMinor', m.monthlyCapMinor, { allowZero: true });
  }

  /** The goal if the actor may see it (a child: only their own); NOT_FOUND otherwise. */
  private async visible(actor: Actor, goalId: string): Promise<Goal> {
    const goal = await this.deps.goals.byId(actor.familyId, requireUuid(goalId, 'goalId'));
    if (!goal) throw AppError.notFound('Goal');
    this.deps.access.assertVisible(actor, goal.ownerMemberId, 'Goal');
    return goal;
  }

  private async locked(trx: Kysely<GoalsDatabase>, actor: Actor, id: string): Promise<Goal> {
    const goal = await this.deps.goals.forUpdate(trx, actor.familyId, id);
    if (!goal) throw AppError.notFound('Goal');
    return goal;
  }

  private achieved(goal: Goal): EventPayload {
    return {
      $case: 'goalAchieved',
      value: {
        goalId: goal.id,
        ownerMemberId: goal.ownerMemberId,
        goalName: goal.name,
        target: money(goal.targetMinor, goal.currency),
      },
    };
  }

  private emit(trx: Kysely<GoalsDatabase>, actor: Actor, payloads: EventPayload[]): Promise<void> {
    return this.deps.events.emit(trx, { familyId: actor.familyId, actorUserId: actor.userId, payloads });
  }

  private today(actor: Actor): Day {
    return dayIn(actor.family.timezone, this.deps.clock());
  }

  private async view(actor: Actor, goal: Goal): Promise<GoalView> {
    return (await this.views(actor, [goal]))[0]!;
  }

  /** Goals with their projected completion day at the pace of the last PACE_WINDOW_DAYS days. */
  private async views(actor: Actor, goals: Goal[]): Promise<GoalView[]> {
    const today = this.today(actor);
    const active = goals.filter((g) => g.status === 'ACTIVE').map((g) => g.id);
    const recent = await this.deps.goals.recentTotals(active, addDays(today, -(PACE_WINDOW_DAYS - 1)));
    return goals.map((goal) => ({
      goal,
      projectedOn:
        goal.status === 'ACTIVE'
          ? projectedOn({
              savedMinor: goal.savedMinor,
              targetMinor: goal.targetMinor,
              recentMinor: recent.get(goal.id) ?? 0,
              today,
            })
          : undefined,
    }));
  }
}
