// Savings goals: list, create, read, change (If-Match), delete, and the money moving in and out —
// contributions (from the owner's SAVE jar, matched by the goal's rule, or a parent's gift),
// withdrawals and cancellation (both back to SAVE). The goals service owns every rule.
import { Router } from 'express';
import { z } from 'zod';
import { GoalStatus } from '@family/contracts/goals/v1/goals';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { DayDto, fromOptionalDay } from '../dto/calendar.day.js';
import { clearable } from '../dto/clearable.field.js';
import { AmountMinorDto } from '../dto/expense.dto.js';
import {
  ContributionSource,
  GoalContributionDto,
  GoalDto,
  GoalState,
  toGoalContributionDto,
  toGoalDto,
} from '../dto/goal.dto.js';
import { BalanceDto, toBalanceDto } from '../dto/jar.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const GoalParams = z.object({ familyId: z.uuid(), goalId: z.uuid() });
const BASE = '/v1/families/:familyId/goals';

const name = text({ min: 1, max: 100 });
const description = text({ max: 500, multiline: true });
const icon = text({ max: 50 });
const memo = text({ max: 200 });
const matching = z
  .object({
    percent: z.int().min(1).max(300),
    monthlyCapMinor: AmountMinorDto.optional().meta({ description: 'Default 0: no cap' }),
  })
  .meta({ id: 'GoalMatchingRequest', description: 'Parents add percent of each SAVE-jar contribution (parents only)' });

export const CreateGoalBody = z
  .object({
    ownerMemberId: z.uuid().optional().meta({ description: 'Default the caller (a child: only themselves)' }),
    name,
    description: description.optional(),
    targetMinor: AmountMinorDto,
    deadline: DayDto.optional(),
    matching: matching.optional(),
    icon: icon.optional(),
  })
  .meta({ id: 'CreateGoalRequest' });

export const UpdateGoalBody = z
  .object({
    name: name.optional(),
    description: description.nullable().optional().meta({ description: 'null removes it' }),
    targetMinor: AmountMinorDto.optional(),
    deadline: DayDto.nullable().optional().meta({ description: 'null removes it' }),
    matching: matching.nullable().optional().meta({ description: 'null stops matching (parents only)' }),
    icon: icon.nullable().optional().meta({ description: 'null removes it' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateGoalRequest' });

export const ContributeBody = z
  .object({
    source: ContributionSource.schema
      .optional()
      .meta({ description: "Default SAVE_JAR (the owner's savings, matched); PARENT_GIFT: parents only" }),
    amountMinor: AmountMinorDto,
    memo: memo.optional(),
  })
  .meta({ id: 'ContributeToGoalRequest' });

export const WithdrawBody = z
  .object({ amountMinor: AmountMinorDto, memo: memo.optional() })
  .meta({ id: 'WithdrawFromGoalRequest' });

const ListGoalsQuery = PageQuery.extend({
  ownerMemberId: z.uuid().optional(),
  status: GoalState.schema.optional(),
});

const GoalPageDto = pageOf(GoalDto, 'GoalPage');
const ContributionPageDto = pageOf(GoalContributionDto, 'GoalContributionPage');
const ContributedDto = z
  .object({ goal: GoalDto, contribution: GoalContributionDto, balance: BalanceDto })
  .meta({ id: 'GoalContributed' });
const GoalWithBalanceDto = z
  .object({ goal: GoalDto, balance: BalanceDto.meta({ description: "The owner's jars after the refund" }) })
  .meta({ id: 'GoalWithBalance' });

const NOT_FOUND = 'No such goal in the caller’s family (or, for a child, among their own)';

export function goalsRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { goals } = ctx.clients;
  const tag = 'goals';

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: 'Savings goals with progress and projection (a child sees only their own)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListGoalsQuery },
    responses: { 200: { description: 'A page of goals', schema: GoalPageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await goals.listGoals(
        {
          familyId: params.familyId,
          page: toPageRequest(query),
          ownerMemberId: query.ownerMemberId ?? '',
          status: query.status ? GoalState.toProto(query.status) : GoalStatus.GOAL_STATUS_UNSPECIFIED,
        },
        callOptions(req),
      );
      res.json({ items: r.goals.map(toGoalDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Create a savings goal (a child for themselves; matching is for parents to set)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateGoalBody },
    responses: { 201: { description: 'The goal', schema: GoalDto } },
    errors: { 403: 'A child creating a goal for someone else, or setting matching', 404: 'No such family or owner' },
    async handler(req, res, { params, body }) {
      const r = await goals.createGoal(
        {
          familyId: params.familyId,
          ownerMemberId: body.ownerMemberId ?? '',
          name: body.name,
          description: body.description ?? '',
          targetMinor: body.targetMinor,
          deadline: fromOptionalDay(body.deadline),
          matching: body.matching && {
            percent: body.matching.percent,
            monthlyCapMinor: body.matching.monthlyCapMinor ?? 0,
          },
          icon: body.icon ?? '',
        },
        callOptions(req),
      );
      const dto = toGoalDto(r.goal);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/goals/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:goalId`,
    summary: 'One goal; its ETag is the version to send in If-Match',
    tag,
    auth: true,
    etag: true,
    request: { params: GoalParams },
    responses: { 200: { description: 'The goal', schema: GoalDto } },
    errors: { 404: NOT_FOUND },
    async handler(req, res, { params }) {
      const r = await goals.getGoal({ familyId: params.familyId, goalId: params.goalId }, callOptions(req));
      const dto = toGoalDto(r.goal);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:goalId`,
    summary: 'Change a goal; If-Match must name its current version',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: GoalParams, body: UpdateGoalBody },
    responses: { 200: { description: 'The changed goal', schema: GoalDto } },
    errors: { 403: 'Only parents set matching', 404: NOT_FOUND, 409: 'The goal is no longer active' },
    async handler(req, res, { params, body }) {
      const r = await goals.updateGoal(
        {
          familyId: params.familyId,
          goalId: params.goalId,
          expectedVersion: req.expectedVersion ?? 0,
          name: body.name,
          description: clearable(body.description),
          targetMinor: body.targetMinor,
          deadline: fromOptionalDay(body.deadline ?? undefined),
          clearDeadline: body.deadline === null,
          matching: body.matching
            ? { percent: body.matching.percent, monthlyCapMinor: body.matching.monthlyCapMinor ?? 0 }
            : undefined,
          clearMatching: body.matching === null,
          icon: clearable(body.icon),
        },
        callOptions(req),
      );
      const dto = toGoalDto(r.goal);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:goalId`,
    summary: "Delete a goal; what it holds goes back to the owner's SAVE jar (If-Match optional)",
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: GoalParams },
    responses: { 204: { description: 'Deleted' } },
    errors: { 404: NOT_FOUND },
    async handler(req, res, { params }) {
      await goals.deleteGoal(
        { familyId: params.familyId, goalId: params.goalId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:goalId/contributions`,
    summary: 'A goal’s contributions, newest first',
    tag,
    auth: true,
    request: { params: GoalParams, query: PageQuery },
    responses: { 200: { description: 'A page of contributions', schema: ContributionPageDto } },
    errors: { 404: NOT_FOUND },
    async handler(req, res, { params, query }) {
      const r = await goals.listGoalContributions(
        { familyId: params.familyId, goalId: params.goalId, page: toPageRequest(query) },
        callOptions(req),
      );
      res.json({ items: r.contributions.map(toGoalContributionDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/:goalId/contributions`,
    summary: "Save toward a goal from the owner's SAVE jar (matched), or give as a parent",
    tag,
    auth: true,
    request: { params: GoalParams, body: ContributeBody },
    responses: { 201: { description: 'The goal, the contribution and the owner’s jars', schema: ContributedDto } },
    errors: {
      403: 'Only parents give',
      404: NOT_FOUND,
      409: 'SAVE holds too little (metadata: balanceMinor), beyond the target, or the goal is not active',
    },
    async handler(req, res, { params, body }) {
      const r = await goals.contributeToGoal(
        {
          familyId: params.familyId,
          goalId: params.goalId,
          source: ContributionSource.toProto(body.source ?? 'SAVE_JAR'),
          amountMinor: body.amountMinor,
          memo: body.memo ?? '',
        },
        callOptions(req),
      );
      const contribution = toGoalContributionDto(r.contribution);
      res
        .status(201)
        .location(`/v1/families/${params.familyId}/goals/${params.goalId}/contributions`)
        .json({ goal: toGoalDto(r.goal), contribution, balance: toBalanceDto(r.balance) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/:goalId/withdraw`,
    summary: "Move money from a goal back to the owner's SAVE jar",
    tag,
    auth: true,
    request: { params: GoalParams, body: WithdrawBody },
    responses: { 200: { description: 'The goal and the owner’s jars', schema: GoalWithBalanceDto } },
    errors: { 404: NOT_FOUND, 409: 'The goal holds less than that (metadata: balanceMinor)' },
    async handler(req, res, { params, body }) {
      const r = await goals.withdrawFromGoal(
        { familyId: params.familyId, goalId: params.goalId, amountMinor: body.amountMinor, memo: body.memo ?? '' },
        callOptions(req),
      );
      res.json({ goal: toGoalDto(r.goal), balance: toBalanceDto(r.balance) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/:goalId/cancel`,
    summary: "Stop a goal; everything in it goes back to the owner's SAVE jar (If-Match optional)",
    tag,
    auth: true,
    etag: true,
    ifMatch: 'optional',
    request: { params: GoalParams },
    responses: { 200: { description: 'The cancelled goal and the owner’s jars', schema: GoalWithBalanceDto } },
    errors: { 404: NOT_FOUND, 409: 'The goal is not active' },
    async handler(req, res, { params }) {
      const r = await goals.cancelGoal(
        { familyId: params.familyId, goalId: params.goalId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      const goal = toGoalDto(r.goal);
      setVersionTag(res, goal.version);
      res.json({ goal, balance: toBalanceDto(r.balance) });
    },
  });

  return router;
}
