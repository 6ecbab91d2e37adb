// Savings goals: owned by a child or a parent, filled from the owner's SAVE jar (matched by the
// parents' rule) or by a parent's gift, reached once, and emptied back into the SAVE jar on
// withdrawal, cancellation or deletion.
import type { Kysely } from 'kysely';
import { AppError, requireUuid, Violations } from '@family/errors';
import { newId, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { GoalsDatabase } from '../db/schema.js';
import { addDays, dayIn, monthStart, type Day } from '../domain/calendar.days.js';
import type { ContributionSourceName, GoalStatusName } from '../domain/goals.types.js';
import { checkAmount, matchFor } from '../domain/money.rules.js';
import { PACE_WINDOW_DAYS, projectedOn } from '../domain/goal.rules.js';
import { checkText } from '../domain/text.rules.js';
import { checkVersion } from '../domain/version.rules.js';
import type { GoalContributionRow, GoalRow } from '../store/goals.store.js';
import type { Actor } from './access.js';
import { postingContext, type GoalsDeps } from './goals.deps.js';
import { money } from './goal.events.js';
import type { BalanceView } from './jars.js';
import { pageOf, type PageInput } from './page.input.js';
import type { EventPayload } from '@family/outbox';

export interface GoalView {
  row: GoalRow;
  projectedOn: Day | undefined;
}

export interface Matching {
  percent: number;
  monthlyCapMinor: number;
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
    const { limit, afterId } = pageOf(q.page);
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
      ? await this.deps.access.jarHolder(actor, input.ownerMemberId, 'ownerMemberId')
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
    const row = await this.deps.goals.insert(this.deps.db, {
      id: newId(),
      family_id: actor.familyId,
      owner_member_id: owner,
      name: input.name.trim(),
      description: input.description.trim(),
      target_minor: input.targetMinor,
      currency: actor.family.currency,
      deadline: input.deadline ?? null,
      status: 'ACTIVE',
      match_percent: input.matching?.percent ?? null,
      match_cap_minor: input.matching ? input.matching.monthlyCapMinor : null,
      icon: input.icon.trim(),
      created_by_member_id: actor.memberId,
    });
    return this.view(actor, row);
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
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      checkVersion(input.expectedVersion, current.version);
      if (input.targetMinor !== undefined && current.status !== 'ACTIVE') {
        throw AppError.precondition('GOAL_NOT_ACTIVE', 'Only an active goal can get a new target');
      }
      const target = input.targetMinor ?? current.target_minor;
      const reached = current.status === 'ACTIVE' && current.saved_minor >= target;
      const updated = await this.deps.goals.update(trx, current.id, {
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(input.icon !== undefined ? { icon: input.icon.trim() } : {}),
        target_minor: target,
        deadline: input.clearDeadline ? null : (input.deadline ?? current.deadline),
        ...(input.clearMatching ? { match_percent: null, match_cap_minor: null } : {}),
        ...(input.matching
          ? { match_percent: input.matching.percent, match_cap_minor: input.matching.monthlyCapMinor }
          : {}),
        ...(reached ? { status: 'ACHIEVED' as const, achieved_at: at } : {}),
        version: current.version + 1,
      });
      if (reached) await this.emit(trx, actor, [this.achieved(updated)]);
      return updated;
    });
    return this.view(actor, row);
  }

  async delete(caller: Caller, familyId: string, goalId: string, expectedVersion: number): Promise<BalanceView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const goal = await this.visible(actor, goalId);
    const ctx = postingContext(actor, this.deps.clock());
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      checkVersion(expectedVersion, current.version);
      if (current.saved_minor > 0) await this.refund(trx, ctx, current, current.saved_minor, 'Goal deleted');
      await this.deps.goals.delete(trx, current.id);
    });
    return this.balanceOf(actor, goal.owner_member_id);
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
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      checkVersion(expectedVersion, current.version);
      if (current.status !== 'ACTIVE')
        throw AppError.precondition('GOAL_NOT_ACTIVE', 'Only an active goal can be cancelled');
      if (current.saved_minor > 0) await this.refund(trx, ctx, current, current.saved_minor, 'Goal cancelled');
      return this.deps.goals.update(trx, current.id, {
        status: 'CANCELLED',
        saved_minor: 0,
        version: current.version + 1,
      });
    });
    return { goal: await this.view(actor, row), balance: await this.balanceOf(actor, row.owner_member_id) };
  }

  async contribute(
    caller: Caller,
    familyId: string,
    goalId: string,
    input: { source: ContributionSourceName | undefined; amountMinor: number; memo: string },
  ): Promise<{ goal: GoalView; contribution: GoalContributionRow; balance: BalanceView }> {
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
      const room = current.target_minor - current.saved_minor;
      if (amount > room) {
        throw AppError.precondition('EXCEEDS_TARGET', `Only ${room} more is needed to reach this goal`, {
          remainingMinor: String(room),
        });
      }
      let matched = 0;
      if (input.source === 'SAVE_JAR') {
        await this.deps.postings.debit(trx, ctx, {
          memberId: current.owner_member_id,
          jar: 'SAVE',
          amount,
          kind: 'GOAL_CONTRIBUTION',
          memo: input.memo.trim() || current.name,
          goalId: current.id,
        });
        if (current.match_percent) {
          matched = matchFor({
            amountMinor: amount,
            percent: current.match_percent,
            capMinor: current.match_cap_minor ?? 0,
            matchedThisMonthMinor: await this.deps.goals.matchedSince(trx, current.id, monthStart(today)),
            roomToTargetMinor: room - amount,
          });
        }
      }
      const contribution = await this.deps.goals.insertContribution(trx, {
        id: newId(),
        goal_id: current.id,
        family_id: actor.familyId,
        source: input.source!,
        amount_minor: amount,
        matched_minor: matched,
        memo: input.memo.trim(),
        contributor_member_id: actor.memberId,
        day: today,
        at,
      });
      const saved = current.saved_minor + amount + matched;
      const reached = saved >= current.target_minor;
      const updated = await this.deps.goals.update(trx, current.id, {
        saved_minor: saved,
        ...(reached ? { status: 'ACHIEVED' as const, achieved_at: at } : {}),
      });
      const payloads: EventPayload[] = [
        {
          $case: 'goalContributed',
          value: {
            goalId: updated.id,
            ownerMemberId: updated.owner_member_id,
            amount: money(amount, updated.currency),
            matched: money(matched, updated.currency),
            savedMinor: updated.saved_minor,
            targetMinor: updated.target_minor,
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
      balance: await this.balanceOf(actor, result.updated.owner_member_id),
    };
  }

  async contributions(caller: Caller, familyId: string, goalId: string, page: PageInput | undefined) {
    const actor = await this.deps.access.actor(caller, familyId);
    const goal = await this.visible(actor, goalId);
    const { limit, afterId } = pageOf(page);
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
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.locked(trx, actor, goal.id);
      if (input.amountMinor > current.saved_minor) {
        throw AppError.precondition('INSUFFICIENT_FUNDS', `This goal holds only ${current.saved_minor}`, {
          balanceMinor: String(current.saved_minor),
          requestedMinor: String(input.amountMinor),
        });
      }
      await this.refund(trx, ctx, current, input.amountMinor, input.memo.trim() || 'Taken out of goal');
      return this.deps.goals.update(trx, current.id, { saved_minor: current.saved_minor - input.amountMinor });
    });
    return { goal: await this.view(actor, row), balance: await this.balanceOf(actor, row.owner_member_id) };
  }

  private async refund(
    trx: Kysely<GoalsDatabase>,
    ctx: ReturnType<typeof postingContext>,
    goal: GoalRow,
    amount: number,
    memo: string,
  ): Promise<void> {
    await this.deps.postings.credit(trx, ctx, {
      memberId: goal.owner_member_id,
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
  private async visible(actor: Actor, goalId: string): Promise<GoalRow> {
    const row = await this.deps.goals.byId(actor.familyId, requireUuid(goalId, 'goalId'));
    if (!row) throw AppError.notFound('Goal');
    this.deps.access.assertVisible(actor, row.owner_member_id, 'Goal');
    return row;
  }

  private async locked(trx: Kysely<GoalsDatabase>, actor: Actor, id: string): Promise<GoalRow> {
    const row = await this.deps.goals.forUpdate(trx, actor.familyId, id);
    if (!row) throw AppError.notFound('Goal');
    return row;
  }

  private achieved(goal: GoalRow): EventPayload {
    return {
      $case: 'goalAchieved',
      value: {
        goalId: goal.id,
        ownerMemberId: goal.owner_member_id,
        goalName: goal.name,
        target: money(goal.target_minor, goal.currency),
      },
    };
  }

  private emit(trx: Kysely<GoalsDatabase>, actor: Actor, payloads: EventPayload[]): Promise<void> {
    return this.deps.events.emit(trx, { familyId: actor.familyId, actorUserId: actor.userId, payloads });
  }

  private today(actor: Actor): Day {
    return dayIn(actor.family.timezone, this.deps.clock());
  }

  private async view(actor: Actor, row: GoalRow): Promise<GoalView> {
    return (await this.views(actor, [row]))[0]!;
  }

  /** Rows with their projected completion day at the pace of the last PACE_WINDOW_DAYS days. */
  private async views(actor: Actor, rows: GoalRow[]): Promise<GoalView[]> {
    const today = this.today(actor);
    const active = rows.filter((r) => r.status === 'ACTIVE').map((r) => r.id);
    const recent = await this.deps.goals.recentTotals(active, addDays(today, -(PACE_WINDOW_DAYS - 1)));
    return rows.map((row) => ({
      row,
      projectedOn:
        row.status === 'ACTIVE'
          ? projectedOn({
              savedMinor: row.saved_minor,
              targetMinor: row.target_minor,
              recentMinor: recent.get(row.id) ?? 0,
              today,
            })
          : undefined,
    }));
  }
}
