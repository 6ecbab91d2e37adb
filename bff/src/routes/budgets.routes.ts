// Budgets: overall or per category (with its subcategories), optionally per member, per week, month
// or year in the family's time zone, each answered with its status for the current period (or the
// period containing `?on=`). Every member reads them; parents write them.
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { clearable } from '../dto/clearable.field.js';
import { BudgetDto, Period, toBudgetDto } from '../dto/budget.dto.js';
import { DayDto, fromOptionalDay } from '../dto/calendar.day.js';
import { AmountMinorDto } from '../dto/expense.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const BudgetParams = z.object({ familyId: z.uuid(), budgetId: z.uuid() });
const BASE = '/v1/families/:familyId/budgets';

const name = text({ min: 1, max: 80 });
const thresholds = z
  .array(z.int().min(1).max(1000))
  .max(10)
  .meta({ description: 'Percentages that notify once per period when crossed; default [80, 100]' });

export const CreateBudgetBody = z
  .object({
    name,
    categoryId: z.uuid().optional().meta({ description: 'Absent: every category' }),
    memberId: z.uuid().optional().meta({ description: 'Absent: the whole family' }),
    period: Period.schema,
    amountMinor: AmountMinorDto.meta({ description: "The limit per period in the family's base currency" }),
    rollover: z.boolean().optional().meta({ description: 'Carry what is left (or overspent) into the next period' }),
    thresholds: thresholds.optional(),
  })
  .meta({ id: 'CreateBudgetRequest' });

export const UpdateBudgetBody = z
  .object({
    name: name.optional(),
    categoryId: z.uuid().nullable().optional().meta({ description: 'null: every category' }),
    memberId: z.uuid().nullable().optional().meta({ description: 'null: the whole family' }),
    period: Period.schema.optional(),
    amountMinor: AmountMinorDto.optional(),
    rollover: z.boolean().optional(),
    thresholds: thresholds.optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateBudgetRequest' });

const OnQuery = z.object({
  on: DayDto.optional().meta({ description: 'Status of the period containing this day; default today' }),
});
const ListBudgetsQuery = PageQuery.extend({
  memberId: z.uuid().optional(),
  categoryId: z.uuid().optional(),
  ...OnQuery.shape,
});

const BudgetPageDto = pageOf(BudgetDto, 'BudgetPage');

export function budgetsRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'budgets';

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: 'Budgets with their status (spent, remaining, percent, projection)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListBudgetsQuery },
    responses: { 200: { description: 'A page of budgets', schema: BudgetPageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await expense.listBudgets(
        {
          familyId: params.familyId,
          page: toPageRequest(query),
          memberId: query.memberId ?? '',
          categoryId: query.categoryId ?? '',
          on: fromOptionalDay(query.on),
        },
        callOptions(req),
      );
      res.json({ items: r.budgets.map(toBudgetDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Create a budget (parents only)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateBudgetBody },
    responses: { 201: { description: 'The budget with its current status', schema: BudgetDto } },
    errors: { 403: 'Only parents manage budgets', 404: 'No such family among the caller’s' },
    async handler(req, res, { params, body }) {
      const r = await expense.createBudget(
        {
          familyId: params.familyId,
          name: body.name,
          categoryId: body.categoryId ?? '',
          memberId: body.memberId ?? '',
          period: Period.toProto(body.period),
          amountMinor: body.amountMinor,
          rollover: body.rollover ?? false,
          thresholds: body.thresholds ?? [],
        },
        callOptions(req),
      );
      const dto = toBudgetDto(r.budget);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/budgets/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:budgetId`,
    summary: 'One budget with its status; its ETag is the version for If-Match',
    tag,
    auth: true,
    etag: true,
    request: { params: BudgetParams, query: OnQuery },
    responses: { 200: { description: 'The budget', schema: BudgetDto } },
    errors: { 404: 'No such budget in the caller’s family' },
    async handler(req, res, { params, query }) {
      const r = await expense.getBudget(
        { familyId: params.familyId, budgetId: params.budgetId, on: fromOptionalDay(query.on) },
        callOptions(req),
      );
      const dto = toBudgetDto(r.budget);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:budgetId`,
    summary: 'Change a budget (parents only; If-Match required)',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: BudgetParams, body: UpdateBudgetBody },
    responses: { 200: { description: 'The budget', schema: BudgetDto } },
    errors: { 403: 'Only parents manage budgets', 404: 'No such budget in the caller’s family' },
    async handler(req, res, { params, body }) {
      const r = await expense.updateBudget(
        {
          familyId: params.familyId,
          budgetId: params.budgetId,
          expectedVersion: req.expectedVersion ?? 0,
          name: body.name,
          categoryId: clearable(body.categoryId),
          memberId: clearable(body.memberId),
          period: body.period && Period.toProto(body.period),
          amountMinor: body.amountMinor,
          rollover: body.rollover,
          thresholds: body.thresholds && { thresholds: body.thresholds },
        },
        callOptions(req),
      );
      const dto = toBudgetDto(r.budget);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:budgetId`,
    summary: 'Delete a budget (parents only)',
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: BudgetParams },
    responses: { 204: { description: 'Deleted' } },
    errors: { 403: 'Only parents manage budgets', 404: 'No such budget in the caller’s family' },
    async handler(req, res, { params }) {
      await expense.deleteBudget(
        { familyId: params.familyId, budgetId: params.budgetId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  return router;
}
