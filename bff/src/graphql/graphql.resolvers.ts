// The resolvers: each field calls the services through the typed gRPC clients with the request's
// call options; reads that repeat per member go through the request's DataLoaders. Inputs are
// validated by the REST routes' zod schemas, so both say the same about the same mistake.
import type { z } from 'zod';
import { Jar } from '@family/contracts/common/v1/common';
import { ChoreStatus, GoalStatus, LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { AppError } from '@family/errors';
import { toAllowanceDto } from '../dto/allowance.dto.js';
import { toAccountDto, toConnectionDto } from '../dto/bank.dto.js';
import { toBudgetDto } from '../dto/budget.dto.js';
import { toChoreDto } from '../dto/chore.dto.js';
import { ChoreState } from '../dto/chore.dto.js';
import { toCategoryDto, toExpenseDto } from '../dto/expense.dto.js';
import { ContributionSource, toGoalContributionDto, toGoalDto } from '../dto/goal.dto.js';
import { toBalanceDto, toLedgerEntryDto } from '../dto/jar.dto.js';
import { toLeaderboardDto, toLeaderboardPeriod, type LeaderboardPeriodName } from '../dto/leaderboard.dto.js';
import { toNotificationDto } from '../dto/notification.dto.js';
import { PageQuery, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { toAchievementDto } from '../dto/progress.dto.js';
import { toQuestDto } from '../dto/quest.dto.js';
import { parseRequestPart } from '../middleware/validation.js';
import { RejectChoreBody, SubmitChoreBody } from '../routes/chores.routes.js';
import {
  CreateExpenseBody,
  ListExpensesQuery,
  toCreateExpenseRequest,
  toExpenseFilter,
} from '../routes/expenses.routes.js';
import { ContributeBody } from '../routes/goals.routes.js';
import {
  inboxPageKey,
  memberKey,
  notificationsOf,
  UNREAD_COUNT,
  type GraphQLContext,
  type MemberView,
} from './graphql.context.js';
import { notificationStream } from './notification.stream.js';

type FamilyView = { id: string; name: string; currency: string; timezone: string; me: MemberView };
type Args = Record<string, unknown>;

/** Parses with a REST schema; a mistake is the same VALIDATION_FAILED with the same field names. */
function valid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = parseRequestPart(schema, value, 'body');
  if ('violations' in parsed) throw AppError.invalid(parsed.violations);
  return parsed.data;
}

/** GraphQL leaves absent arguments out and sends null for explicit nulls: both mean "not given". */
function given(args: Args): Args {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null && v !== undefined));
}

const page = (args: Args) => {
  const q = valid(PageQuery, { limit: args.first, cursor: args.after ?? undefined });
  return toPageRequest(q);
};
const ALL = { limit: 200, cursor: '' };

function notifications(ctx: GraphQLContext) {
  return notificationsOf(ctx.clients);
}

function gamification(ctx: GraphQLContext) {
  if (!ctx.clients.gamification) {
    throw new AppError(
      'UNAVAILABLE',
      'GAMIFICATION_UNAVAILABLE',
      'Progress and badges are not available on this server',
    );
  }
  return ctx.clients.gamification;
}

function bank(ctx: GraphQLContext) {
  if (!ctx.clients.bank) {
    throw new AppError('UNAVAILABLE', 'BANK_UNAVAILABLE', 'Bank connections are not available on this server');
  }
  return ctx.clients.bank;
}

async function familyOf(ctx: GraphQLContext, familyId: string): Promise<FamilyView> {
  const me = await ctx.loaders.me();
  const membership = me.memberships.find((m) => m.family.id === familyId);
  // The same answer as the auth service gives for a family the caller is not in.
  if (!membership) throw AppError.notFound('Family');
  return { ...membership.family, me: { ...membership.member, familyId } };
}

export const resolvers = {
  Query: {
    me: (_: unknown, _args: Args, ctx: GraphQLContext) => ctx.loaders.me(),
    family: (_: unknown, args: { id: string }, ctx: GraphQLContext) => familyOf(ctx, args.id),
    achievements: async (_: unknown, _args: Args, ctx: GraphQLContext) => {
      const r = await gamification(ctx).listAchievements({ page: ALL }, ctx.options);
      return r.achievements.map(toAchievementDto);
    },
  },

  Me: {
    id: (me: Awaited<ReturnType<GraphQLContext['loaders']['me']>>) => me.user.id,
    displayName: (me: Awaited<ReturnType<GraphQLContext['loaders']['me']>>) => me.user.displayName,
    email: (me: Awaited<ReturnType<GraphQLContext['loaders']['me']>>) => me.user.email ?? null,
    username: (me: Awaited<ReturnType<GraphQLContext['loaders']['me']>>) => me.user.username ?? null,
    locale: (me: Awaited<ReturnType<GraphQLContext['loaders']['me']>>) => me.user.locale ?? null,
    families: (me: Awaited<ReturnType<GraphQLContext['loaders']['me']>>) =>
      me.memberships.map((m) => ({ ...m.family, me: { ...m.member, familyId: m.family.id } })),
    notifications: async (_me: unknown, args: Args, ctx: GraphQLContext) => {
      const r = await ctx.loaders.inbox.load(inboxPageKey(page(args), args.unreadOnly === true));
      return {
        items: r.notifications.map(toNotificationDto),
        nextCursor: toNextCursor(r.page),
        unreadCount: r.unreadCount,
      };
    },
    unreadNotificationCount: async (_me: unknown, _args: Args, ctx: GraphQLContext) => {
      // Answered by the page of news the same request reads, when it reads one.
      const r = await ctx.loaders.inbox.load(UNREAD_COUNT);
      return r.unreadCount;
    },
  },

  Family: {
    members: (family: FamilyView, _args: Args, ctx: GraphQLContext) => ctx.loaders.members.load(family.id),
    member: async (family: FamilyView, args: { id: string }, ctx: GraphQLContext) => {
      const found = (await ctx.loaders.members.load(family.id)).find((m) => m.id === args.id);
      if (!found) throw AppError.notFound('Member');
      return found;
    },
    expenses: async (family: FamilyView, args: Args, ctx: GraphQLContext) => {
      const { first, after, ...filters } = given(args);
      const query = valid(ListExpensesQuery, {
        ...filters,
        ...(first !== undefined ? { limit: first } : {}),
        ...(after !== undefined ? { cursor: after } : {}),
        ...(filters.flagged !== undefined ? { flagged: String(filters.flagged) } : {}),
        ...(filters.uncategorized !== undefined ? { uncategorized: String(filters.uncategorized) } : {}),
      });
      const r = await ctx.clients.expense.listExpenses(
        {
          ...toExpenseFilter(family.id, query),
          page: toPageRequest(query),
          flaggedOnly: query.flagged ?? false,
          uncategorizedOnly: query.uncategorized ?? false,
        },
        ctx.options,
      );
      return { items: r.expenses.map(toExpenseDto), nextCursor: toNextCursor(r.page) };
    },
    categories: async (family: FamilyView, _args: Args, ctx: GraphQLContext) => {
      const r = await ctx.clients.expense.listCategories(
        { familyId: family.id, page: ALL, includeArchived: false },
        ctx.options,
      );
      return r.categories.map(toCategoryDto);
    },
    budgets: async (family: FamilyView, _args: Args, ctx: GraphQLContext) => {
      const r = await ctx.clients.expense.listBudgets(
        { familyId: family.id, page: ALL, memberId: '', categoryId: '', on: undefined },
        ctx.options,
      );
      return r.budgets.map(toBudgetDto);
    },
    spendingLimits: (family: FamilyView, _args: Args, ctx: GraphQLContext) =>
      ctx.loaders.spendingLimits.load(family.id),
    goals: async (family: FamilyView, _args: Args, ctx: GraphQLContext) => {
      const r = await ctx.clients.goals.listGoals(
        { familyId: family.id, page: ALL, ownerMemberId: '', status: GoalStatus.GOAL_STATUS_UNSPECIFIED },
        ctx.options,
      );
      return r.goals.map(toGoalDto);
    },
    chores: async (family: FamilyView, args: Args, ctx: GraphQLContext) => {
      const status = typeof args.status === 'string' ? ChoreState.toProto(args.status as never) : undefined;
      const r = await ctx.clients.goals.listChores(
        {
          familyId: family.id,
          page: ALL,
          assigneeMemberId: typeof args.assigneeMemberId === 'string' ? args.assigneeMemberId : '',
          status: status ?? ChoreStatus.CHORE_STATUS_UNSPECIFIED,
          dueFrom: undefined,
          dueTo: undefined,
        },
        ctx.options,
      );
      return r.chores.map(toChoreDto);
    },
    allowances: async (family: FamilyView, _args: Args, ctx: GraphQLContext) => {
      const r = await ctx.clients.goals.listAllowances({ familyId: family.id, page: ALL, memberId: '' }, ctx.options);
      return r.allowances.map(toAllowanceDto);
    },
    leaderboard: async (family: FamilyView, args: { period?: LeaderboardPeriodName }, ctx: GraphQLContext) => {
      const r = await gamification(ctx).getLeaderboard(
        { familyId: family.id, period: toLeaderboardPeriod(args.period ?? 'week') },
        ctx.options,
      );
      return toLeaderboardDto(r);
    },
    bankConnections: async (family: FamilyView, _args: Args, ctx: GraphQLContext) => {
      const r = await bank(ctx).listConnections({ familyId: family.id, page: ALL }, ctx.options);
      return r.connections.map((c) => toConnectionDto(c));
    },
    bankAccounts: async (family: FamilyView, args: Args, ctx: GraphQLContext) => {
      const r = await bank(ctx).listAccounts(
        {
          familyId: family.id,
          page: ALL,
          connectionId: typeof args.connectionId === 'string' ? args.connectionId : '',
          memberId: '',
        },
        ctx.options,
      );
      return r.accounts.map(toAccountDto);
    },
    quests: async (family: FamilyView, _args: Args, ctx: GraphQLContext) => {
      const r = await gamification(ctx).listQuests(
        { familyId: family.id, page: ALL, includeArchived: false },
        ctx.options,
      );
      return r.quests.map(toQuestDto);
    },
  },

  Member: {
    family: (member: MemberView, _args: Args, ctx: GraphQLContext) => familyOf(ctx, member.familyId),
    balance: (member: MemberView, _args: Args, ctx: GraphQLContext) =>
      ctx.loaders.balances.load(memberKey(member.familyId, member.id)),
    ledger: async (member: MemberView, args: Args, ctx: GraphQLContext) => {
      const r = await ctx.clients.goals.listLedgerEntries(
        {
          familyId: member.familyId,
          memberId: member.id,
          page: page(args),
          jar: Jar.JAR_UNSPECIFIED,
          kind: LedgerEntryKind.LEDGER_ENTRY_KIND_UNSPECIFIED,
          from: undefined,
          to: undefined,
        },
        ctx.options,
      );
      return { items: r.entries.map(toLedgerEntryDto), nextCursor: toNextCursor(r.page) };
    },
    progress: async (member: MemberView, _args: Args, ctx: GraphQLContext) =>
      (await ctx.loaders.progress.load(member.familyId)).get(member.id) ?? null,
    spendingLimits: async (member: MemberView, _args: Args, ctx: GraphQLContext) =>
      (await ctx.loaders.spendingLimits.load(member.familyId)).find((l) => l.memberId === member.id) ?? null,
  },

  Mutation: {
    createExpense: async (_: unknown, args: { familyId: string; input: Args }, ctx: GraphQLContext) => {
      const body = valid(CreateExpenseBody, given(args.input));
      const r = await ctx.clients.expense.createExpense(toCreateExpenseRequest(args.familyId, body), ctx.options);
      return toExpenseDto(r.expense);
    },
    submitChore: async (_: unknown, args: { familyId: string; choreId: string } & Args, ctx: GraphQLContext) => {
      const body = valid(SubmitChoreBody, given({ note: args.note }));
      const r = await ctx.clients.goals.submitChore(
        { familyId: args.familyId, choreId: args.choreId, note: body.note ?? '' },
        ctx.options,
      );
      return toChoreDto(r.chore);
    },
    approveChore: async (_: unknown, args: { familyId: string; choreId: string }, ctx: GraphQLContext) => {
      const r = await ctx.clients.goals.approveChore({ familyId: args.familyId, choreId: args.choreId }, ctx.options);
      return { chore: toChoreDto(r.chore), entries: r.entries.map(toLedgerEntryDto) };
    },
    rejectChore: async (
      _: unknown,
      args: { familyId: string; choreId: string; reason: string },
      ctx: GraphQLContext,
    ) => {
      const body = valid(RejectChoreBody, { reason: args.reason });
      const r = await ctx.clients.goals.rejectChore(
        { familyId: args.familyId, choreId: args.choreId, reason: body.reason },
        ctx.options,
      );
      return toChoreDto(r.chore);
    },
    contributeToGoal: async (
      _: unknown,
      args: { familyId: string; goalId: string; input: Args },
      ctx: GraphQLContext,
    ) => {
      const body = valid(ContributeBody, given(args.input));
      const r = await ctx.clients.goals.contributeToGoal(
        {
          familyId: args.familyId,
          goalId: args.goalId,
          source: ContributionSource.toProto(body.source ?? 'SAVE_JAR'),
          amountMinor: body.amountMinor,
          memo: body.memo ?? '',
        },
        ctx.options,
      );
      return { ...toGoalContributionDto(r.contribution), goal: toGoalDto(r.goal), balance: toBalanceDto(r.balance) };
    },
    markNotificationsRead: async (_: unknown, args: Args, ctx: GraphQLContext) => {
      const client = notifications(ctx);
      if (typeof args.notificationId === 'string') {
        const r = await client.markNotificationRead({ notificationId: args.notificationId }, ctx.options);
        return { markedCount: 1, unreadCount: r.unreadCount };
      }
      const r = await client.markAllNotificationsRead(
        { before: undefined, familyId: typeof args.familyId === 'string' ? args.familyId : '' },
        ctx.options,
      );
      return { markedCount: r.markedCount, unreadCount: r.unreadCount };
    },
  },

  Subscription: {
    notificationAdded: {
      subscribe: (_: unknown, _args: Args, ctx: GraphQLContext) => notificationStream(ctx),
      resolve: (payload: unknown) => payload,
    },
  },
};
