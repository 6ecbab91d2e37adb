// Allowance schedules for children: list, create, read, change, pause or resume (If-Match), delete.
// Parents manage them; a child reads their own. Paydays are the goals service's scheduler's business.
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { AllowanceConditionDto, AllowanceDto, AllowanceRepeat, toAllowanceDto } from '../dto/allowance.dto.js';
import { DayDto, fromOptionalDay } from '../dto/calendar.day.js';
import { AmountMinorDto } from '../dto/expense.dto.js';
import { JarSplitDto } from '../dto/jar.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { Weekday } from '../dto/weekday.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';

const AllowanceParams = z.object({ familyId: z.uuid(), allowanceId: z.uuid() });
const BASE = '/v1/families/:familyId/allowances';

const dayOfMonth = z.int().min(1).max(31);

export const CreateAllowanceBody = z
  .object({
    memberId: z.uuid().meta({ description: 'A child of the family' }),
    amountMinor: AmountMinorDto,
    frequency: AllowanceRepeat.schema,
    dayOfWeek: Weekday.schema.optional().meta({ description: 'WEEKLY and BIWEEKLY: the payday' }),
    dayOfMonth: dayOfMonth.optional().meta({ description: "MONTHLY: the payday, clamped to the month's last day" }),
    split: JarSplitDto.optional().meta({ description: "Default the child's default split at payday" }),
    startOn: DayDto.optional().meta({ description: 'Default today; not in the past' }),
    paused: z.boolean().optional(),
    condition: AllowanceConditionDto.optional().meta({ description: 'Absent: unconditional' }),
  })
  .meta({ id: 'CreateAllowanceRequest' });

export const UpdateAllowanceBody = z
  .object({
    amountMinor: AmountMinorDto.optional(),
    frequency: AllowanceRepeat.schema.optional(),
    dayOfWeek: Weekday.schema.optional(),
    dayOfMonth: dayOfMonth.optional(),
    split: JarSplitDto.nullable().optional().meta({ description: "null: the child's default split" }),
    startOn: DayDto.optional(),
    paused: z.boolean().optional().meta({ description: 'Pause, or resume (missed paydays are not paid)' }),
    condition: AllowanceConditionDto.nullable().optional().meta({ description: 'null: unconditional' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateAllowanceRequest' });

const ListAllowancesQuery = PageQuery.extend({ memberId: z.uuid().optional() });

const AllowancePageDto = pageOf(AllowanceDto, 'AllowancePage');
const NOT_FOUND = 'No such allowance in the caller’s family (or, for a child, among their own)';

export function allowancesRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { goals } = ctx.clients;
  const tag = 'allowances';

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: 'Allowance schedules (a child sees only their own)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListAllowancesQuery },
    responses: { 200: { description: 'A page of allowances', schema: AllowancePageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await goals.listAllowances(
        { familyId: params.familyId, page: toPageRequest(query), memberId: query.memberId ?? '' },
        callOptions(req),
      );
      res.json({ items: r.allowances.map(toAllowanceDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Set up an allowance for a child (parents only)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateAllowanceBody },
    responses: { 201: { description: 'The allowance with its next payday', schema: AllowanceDto } },
    errors: { 403: 'Only parents manage allowances', 404: 'No such family or child' },
    async handler(req, res, { params, body }) {
      const r = await goals.createAllowance(
        {
          familyId: params.familyId,
          memberId: body.memberId,
          amountMinor: body.amountMinor,
          frequency: AllowanceRepeat.toProto(body.frequency),
          ...(body.dayOfWeek ? { dayOfWeek: Weekday.toProto(body.dayOfWeek) } : {}),
          dayOfMonth: body.dayOfMonth ?? 0,
          split: body.split,
          startOn: fromOptionalDay(body.startOn),
          paused: body.paused ?? false,
          condition: body.condition,
        },
        callOptions(req),
      );
      const dto = toAllowanceDto(r.allowance);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/allowances/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:allowanceId`,
    summary: 'One allowance; its ETag is the version to send in If-Match',
    tag,
    auth: true,
    etag: true,
    request: { params: AllowanceParams },
    responses: { 200: { description: 'The allowance', schema: AllowanceDto } },
    errors: { 404: NOT_FOUND },
    async handler(req, res, { params }) {
      const r = await goals.getAllowance(
        { familyId: params.familyId, allowanceId: params.allowanceId },
        callOptions(req),
      );
      const dto = toAllowanceDto(r.allowance);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:allowanceId`,
    summary: 'Change, pause or resume an allowance (parents only); If-Match must name its current version',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: AllowanceParams, body: UpdateAllowanceBody },
    responses: { 200: { description: 'The changed allowance', schema: AllowanceDto } },
    errors: { 403: 'Only parents manage allowances', 404: NOT_FOUND },
    async handler(req, res, { params, body }) {
      const r = await goals.updateAllowance(
        {
          familyId: params.familyId,
          allowanceId: params.allowanceId,
          expectedVersion: req.expectedVersion ?? 0,
          amountMinor: body.amountMinor,
          frequency: body.frequency && AllowanceRepeat.toProto(body.frequency),
          dayOfWeek: body.dayOfWeek && Weekday.toProto(body.dayOfWeek),
          dayOfMonth: body.dayOfMonth,
          split: body.split ?? undefined,
          clearSplit: body.split === null,
          startOn: fromOptionalDay(body.startOn),
          paused: body.paused,
          condition: body.condition ?? undefined,
          clearCondition: body.condition === null,
        },
        callOptions(req),
      );
      const dto = toAllowanceDto(r.allowance);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:allowanceId`,
    summary: 'Delete an allowance (parents only; If-Match optional)',
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: AllowanceParams },
    responses: { 204: { description: 'Deleted' } },
    errors: { 403: 'Only parents manage allowances', 404: NOT_FOUND },
    async handler(req, res, { params }) {
      await goals.deleteAllowance(
        { familyId: params.familyId, allowanceId: params.allowanceId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  return router;
}
