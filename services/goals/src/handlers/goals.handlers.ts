// GoalsService handlers: decode → use case → encode. Nothing else happens here.
import type { ServiceImplementation } from 'nice-grpc';
import { requireUuid } from '@family/errors';
import { requireScope, type AuthContext } from '@family/grpc-kit';
import type { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import type { Jars } from '../app/jars.js';
import type { Goals } from '../app/goals.js';
import type { Chores, RecurrenceInput } from '../app/chores.js';
import type { Allowances } from '../app/allowances.js';
import type { Scheduler } from '../app/scheduler.js';
import type { ChoreRecurrence } from '@family/contracts/goals/v1/goals';
import { dayFromMessage, Scopes } from '@family/service-kit';
import {
  decode,
  encodeAllowance,
  encodeBalance,
  encodeChore,
  encodeContribution,
  encodeEntry,
  encodeGoal,
  encodeJarSettings,
} from './goals.encode.js';

export interface GoalsUseCases {
  jars: Jars;
  goals: Goals;
  chores: Chores;
  allowances: Allowances;
  scheduler: Scheduler;
  clock: () => Date;
}

const page = (p: { nextCursor: string }) => ({ nextCursor: p.nextCursor });

function recurrence(r: ChoreRecurrence | undefined): RecurrenceInput | undefined {
  return r
    ? {
        frequency: decode.choreFrequency(r.frequency, 'recurrence.frequency'),
        daysOfWeek: r.daysOfWeek.map((d) => decode.dayOfWeek(d, 'recurrence.daysOfWeek')),
      }
    : undefined;
}

export function goalsHandlers(u: GoalsUseCases): ServiceImplementation<typeof GoalsServiceDefinition, AuthContext> {
  return {
    async getBalance(req, ctx) {
      return { balance: encodeBalance(await u.jars.balance(ctx.caller, req.familyId, req.memberId)) };
    },
    async batchGetBalances(req, ctx) {
      return { balances: (await u.jars.balances(ctx.caller, req.familyId, req.memberIds)).map(encodeBalance) };
    },
    async listLedgerEntries(req, ctx) {
      const result = await u.jars.ledger(ctx.caller, req.familyId, {
        memberId: req.memberId,
        jar: decode.jar(req.jar, 'jar'),
        kind: decode.ledgerKind(req.kind, 'kind'),
        from: dayFromMessage(req.from, 'from'),
        to: dayFromMessage(req.to, 'to'),
        page: req.page,
      });
      return { entries: result.items.map(encodeEntry), page: page(result) };
    },
    async postLedgerEntry(req, ctx) {
      const result = await u.jars.post(ctx.caller, req.familyId, {
        memberId: req.memberId,
        kind: decode.postableKind(req.kind, 'kind'),
        jar: decode.jar(req.jar, 'jar'),
        toJar: decode.jar(req.toJar, 'toJar'),
        amountMinor: req.amountMinor,
        memo: req.memo,
        description: req.description,
        merchant: req.merchant,
        categoryId: req.categoryId,
        occurredOn: dayFromMessage(req.occurredOn, 'occurredOn'),
      });
      return { entries: result.entries.map(encodeEntry), balance: encodeBalance(result.balance) };
    },
    async getJarSettings(req, ctx) {
      return { settings: encodeJarSettings(await u.jars.settings(ctx.caller, req.familyId, req.memberId)) };
    },
    async updateJarSettings(req, ctx) {
      const settings = await u.jars.updateSettings(ctx.caller, req.familyId, {
        memberId: req.memberId,
        split: decode.split(req.defaultSplit),
        interestBps: req.interestMonthlyRateBps,
        interestCapMinor: req.interestCapMinor,
      });
      return { settings: encodeJarSettings(settings) };
    },

    async listGoals(req, ctx) {
      const result = await u.goals.list(ctx.caller, req.familyId, {
        ownerMemberId: req.ownerMemberId,
        status: decode.goalStatus(req.status, 'status'),
        page: req.page,
      });
      return { goals: result.items.map(encodeGoal), page: page(result) };
    },
    async getGoal(req, ctx) {
      return { goal: encodeGoal(await u.goals.get(ctx.caller, req.familyId, req.goalId)) };
    },
    async createGoal(req, ctx) {
      const goal = await u.goals.create(ctx.caller, req.familyId, {
        ownerMemberId: req.ownerMemberId,
        name: req.name,
        description: req.description,
        targetMinor: req.targetMinor,
        deadline: dayFromMessage(req.deadline, 'deadline'),
        matching: req.matching,
        icon: req.icon,
      });
      return { goal: encodeGoal(goal) };
    },
    async updateGoal(req, ctx) {
      const goal = await u.goals.update(ctx.caller, req.familyId, req.goalId, {
        expectedVersion: req.expectedVersion,
        name: req.name,
        description: req.description,
        targetMinor: req.targetMinor,
        deadline: dayFromMessage(req.deadline, 'deadline'),
        clearDeadline: req.clearDeadline,
        matching: req.matching,
        clearMatching: req.clearMatching,
        icon: req.icon,
      });
      return { goal: encodeGoal(goal) };
    },
    async deleteGoal(req, ctx) {
      const balance = await u.goals.delete(ctx.caller, req.familyId, req.goalId, req.expectedVersion);
      return { balance: encodeBalance(balance) };
    },
    async contributeToGoal(req, ctx) {
      const r = await u.goals.contribute(ctx.caller, req.familyId, req.goalId, {
        source: decode.source(req.source, 'source'),
        amountMinor: req.amountMinor,
        memo: req.memo,
      });
      return {
        goal: encodeGoal(r.goal),
        contribution: encodeContribution(r.contribution),
        balance: encodeBalance(r.balance),
      };
    },
    async listGoalContributions(req, ctx) {
      const result = await u.goals.contributions(ctx.caller, req.familyId, req.goalId, req.page);
      return { contributions: result.items.map(encodeContribution), page: page(result) };
    },
    async withdrawFromGoal(req, ctx) {
      const r = await u.goals.withdraw(ctx.caller, req.familyId, req.goalId, {
        amountMinor: req.amountMinor,
        memo: req.memo,
      });
      return { goal: encodeGoal(r.goal), balance: encodeBalance(r.balance) };
    },
    async cancelGoal(req, ctx) {
      const r = await u.goals.cancel(ctx.caller, req.familyId, req.goalId, req.expectedVersion);
      return { goal: encodeGoal(r.goal), balance: encodeBalance(r.balance) };
    },

    async listChores(req, ctx) {
      const result = await u.chores.list(ctx.caller, req.familyId, {
        assigneeMemberId: req.assigneeMemberId,
        status: decode.choreStatus(req.status, 'status'),
        dueFrom: dayFromMessage(req.dueFrom, 'dueFrom'),
        dueTo: dayFromMessage(req.dueTo, 'dueTo'),
        page: req.page,
      });
      return { chores: result.items.map(encodeChore), page: page(result) };
    },
    async getChore(req, ctx) {
      return { chore: encodeChore(await u.chores.get(ctx.caller, req.familyId, req.choreId)) };
    },
    async createChore(req, ctx) {
      const chore = await u.chores.create(ctx.caller, req.familyId, {
        title: req.title,
        description: req.description,
        assigneeMemberId: req.assigneeMemberId,
        rewardMinor: req.rewardMinor,
        points: req.points,
        dueOn: dayFromMessage(req.dueOn, 'dueOn'),
        recurrence: recurrence(req.recurrence),
      });
      return { chore: encodeChore(chore) };
    },
    async updateChore(req, ctx) {
      const chore = await u.chores.update(ctx.caller, req.familyId, req.choreId, {
        expectedVersion: req.expectedVersion,
        title: req.title,
        description: req.description,
        assigneeMemberId: req.assigneeMemberId,
        rewardMinor: req.rewardMinor,
        points: req.points,
        dueOn: dayFromMessage(req.dueOn, 'dueOn'),
        clearDueOn: req.clearDueOn,
        recurrence: recurrence(req.recurrence),
        clearRecurrence: req.clearRecurrence,
      });
      return { chore: encodeChore(chore) };
    },
    async deleteChore(req, ctx) {
      await u.chores.delete(ctx.caller, req.familyId, req.choreId, req.expectedVersion);
      return {};
    },
    async submitChore(req, ctx) {
      return { chore: encodeChore(await u.chores.submit(ctx.caller, req.familyId, req.choreId, req.note)) };
    },
    async approveChore(req, ctx) {
      const r = await u.chores.approve(ctx.caller, req.familyId, req.choreId);
      return { chore: encodeChore(r.chore), entries: r.entries.map(encodeEntry) };
    },
    async rejectChore(req, ctx) {
      return { chore: encodeChore(await u.chores.reject(ctx.caller, req.familyId, req.choreId, req.reason)) };
    },

    async listAllowances(req, ctx) {
      const result = await u.allowances.list(ctx.caller, req.familyId, { memberId: req.memberId, page: req.page });
      return { allowances: result.items.map(encodeAllowance), page: page(result) };
    },
    async getAllowance(req, ctx) {
      return { allowance: encodeAllowance(await u.allowances.get(ctx.caller, req.familyId, req.allowanceId)) };
    },
    async createAllowance(req, ctx) {
      const allowance = await u.allowances.create(ctx.caller, req.familyId, {
        memberId: req.memberId,
        amountMinor: req.amountMinor,
        frequency: decode.allowanceFrequency(req.frequency, 'frequency'),
        dayOfWeek: decode.dayOfWeek(req.dayOfWeek, 'dayOfWeek'),
        dayOfMonth: req.dayOfMonth,
        split: decode.split(req.split),
        startOn: dayFromMessage(req.startOn, 'startOn'),
        paused: req.paused,
        minCompletionPercent: req.condition?.minChoreCompletionPercent,
      });
      return { allowance: encodeAllowance(allowance) };
    },
    async updateAllowance(req, ctx) {
      const allowance = await u.allowances.update(ctx.caller, req.familyId, req.allowanceId, {
        expectedVersion: req.expectedVersion,
        amountMinor: req.amountMinor,
        frequency:
          req.frequency === undefined ? undefined : (decode.allowanceFrequency(req.frequency, 'frequency') ?? null),
        dayOfWeek: req.dayOfWeek === undefined ? undefined : (decode.dayOfWeek(req.dayOfWeek, 'dayOfWeek') ?? null),
        dayOfMonth: req.dayOfMonth,
        split: decode.split(req.split),
        clearSplit: req.clearSplit,
        startOn: dayFromMessage(req.startOn, 'startOn'),
        paused: req.paused,
        minCompletionPercent: req.condition?.minChoreCompletionPercent,
        clearCondition: req.clearCondition,
      });
      return { allowance: encodeAllowance(allowance) };
    },
    async deleteAllowance(req, ctx) {
      await u.allowances.delete(ctx.caller, req.familyId, req.allowanceId, req.expectedVersion);
      return {};
    },

    async runScheduler(req, ctx) {
      requireScope(ctx.caller, Scopes.GOALS_ADMIN);
      return u.scheduler.runOnce({
        now: req.now ?? u.clock(),
        familyId: req.familyId ? requireUuid(req.familyId, 'familyId') : undefined,
      });
    },
  };
}
