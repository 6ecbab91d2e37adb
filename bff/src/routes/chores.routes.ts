// Chores: list, create, read, change (If-Match), delete, and their life — the assignee submits
// (TODO or REJECTED → SUBMITTED), a parent approves (pays the reward into the jars) or rejects with a
// reason. The goals service owns every rule (nobody approves their own chore; children approve none).
import { Router } from 'express';
import { z } from 'zod';
import { ChoreStatus } from '@family/contracts/goals/v1/goals';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { DayDto, fromOptionalDay } from '../dto/calendar.day.js';
import {
  ApprovedChoreDto,
  ChoreDto,
  ChoreRecurrenceDto,
  ChoreState,
  toChoreDto,
  toChoreRecurrence,
} from '../dto/chore.dto.js';
import { clearable } from '../dto/clearable.field.js';
import { AmountMinorDto } from '../dto/expense.dto.js';
import { toLedgerEntryDto } from '../dto/jar.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const ChoreParams = z.object({ familyId: z.uuid(), choreId: z.uuid() });
const BASE = '/v1/families/:familyId/chores';

const title = text({ min: 1, max: 100 });
const description = text({ max: 1000, multiline: true });
const points = z.int().min(0).max(10_000);

export const CreateChoreBody = z
  .object({
    title,
    description: description.optional(),
    assigneeMemberId: z.uuid().meta({ description: 'A child of the family' }),
    rewardMinor: AmountMinorDto.optional().meta({ description: 'Paid on approval by the child’s split; default 0' }),
    points: points.optional().meta({ description: 'Default 0' }),
    dueOn: DayDto.optional(),
    recurrence: ChoreRecurrenceDto.optional().meta({ description: 'Absent: a one-off chore' }),
  })
  .meta({ id: 'CreateChoreRequest' });

export const UpdateChoreBody = z
  .object({
    title: title.optional(),
    description: description.nullable().optional().meta({ description: 'null removes it' }),
    assigneeMemberId: z.uuid().optional(),
    rewardMinor: AmountMinorDto.optional(),
    points: points.optional(),
    dueOn: DayDto.nullable().optional().meta({ description: 'null removes it' }),
    recurrence: ChoreRecurrenceDto.nullable().optional().meta({ description: 'null makes it a one-off chore' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateChoreRequest' });

export const SubmitChoreBody = z
  .object({
    note: text({ max: 500, multiline: true }).optional().meta({ description: 'For the parent who reviews it' }),
  })
  .meta({ id: 'SubmitChoreRequest' });

export const RejectChoreBody = z
  .object({
    reason: text({ min: 1, max: 500, multiline: true }).meta({
      description: 'Shown to the child, who may submit again',
    }),
  })
  .meta({ id: 'RejectChoreRequest' });

const ListChoresQuery = PageQuery.extend({
  assigneeMemberId: z.uuid().optional(),
  status: ChoreState.schema.optional(),
  dueFrom: DayDto.optional().meta({ description: 'First due day, inclusive' }),
  dueTo: DayDto.optional().meta({ description: 'Last due day, inclusive' }),
});

const ChorePageDto = pageOf(ChoreDto, 'ChorePage');
const NOT_FOUND = 'No such chore in the caller’s family (or, for a child, among their own)';

export function choresRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { goals } = ctx.clients;
  const tag = 'chores';

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: 'Chores, filtered, a page at a time (a child sees only their own)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListChoresQuery },
    responses: { 200: { description: 'A page of chores', schema: ChorePageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await goals.listChores(
        {
          familyId: params.familyId,
          page: toPageRequest(query),
          assigneeMemberId: query.assigneeMemberId ?? '',
          status: query.status ? ChoreState.toProto(query.status) : ChoreStatus.CHORE_STATUS_UNSPECIFIED,
          dueFrom: fromOptionalDay(query.dueFrom),
          dueTo: fromOptionalDay(query.dueTo),
        },
        callOptions(req),
      );
      res.json({ items: r.chores.map(toChoreDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Create a chore for a child (parents only)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateChoreBody },
    responses: { 201: { description: 'The chore', schema: ChoreDto } },
    errors: { 403: 'Only parents create chores', 404: 'No such family or assignee' },
    async handler(req, res, { params, body }) {
      const r = await goals.createChore(
        {
          familyId: params.familyId,
          title: body.title,
          description: body.description ?? '',
          assigneeMemberId: body.assigneeMemberId,
          rewardMinor: body.rewardMinor ?? 0,
          points: body.points ?? 0,
          dueOn: fromOptionalDay(body.dueOn),
          recurrence: body.recurrence && toChoreRecurrence(body.recurrence),
        },
        callOptions(req),
      );
      const dto = toChoreDto(r.chore);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/chores/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:choreId`,
    summary: 'One chore; its ETag is the version to send in If-Match',
    tag,
    auth: true,
    etag: true,
    request: { params: ChoreParams },
    responses: { 200: { description: 'The chore', schema: ChoreDto } },
    errors: { 404: NOT_FOUND },
    async handler(req, res, { params }) {
      const r = await goals.getChore({ familyId: params.familyId, choreId: params.choreId }, callOptions(req));
      const dto = toChoreDto(r.chore);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:choreId`,
    summary: 'Change a chore (parents only); If-Match must name its current version',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: ChoreParams, body: UpdateChoreBody },
    responses: { 200: { description: 'The changed chore', schema: ChoreDto } },
    errors: { 403: 'Only parents change chores', 404: NOT_FOUND },
    async handler(req, res, { params, body }) {
      const r = await goals.updateChore(
        {
          familyId: params.familyId,
          choreId: params.choreId,
          expectedVersion: req.expectedVersion ?? 0,
          title: body.title,
          description: clearable(body.description),
          assigneeMemberId: body.assigneeMemberId,
          rewardMinor: body.rewardMinor,
          points: body.points,
          dueOn: fromOptionalDay(body.dueOn ?? undefined),
          clearDueOn: body.dueOn === null,
          recurrence: body.recurrence ? toChoreRecurrence(body.recurrence) : undefined,
          clearRecurrence: body.recurrence === null,
        },
        callOptions(req),
      );
      const dto = toChoreDto(r.chore);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:choreId`,
    summary: 'Delete a chore (parents only; If-Match optional)',
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: ChoreParams },
    responses: { 204: { description: 'Deleted' } },
    errors: { 403: 'Only parents delete chores', 404: NOT_FOUND },
    async handler(req, res, { params }) {
      await goals.deleteChore(
        { familyId: params.familyId, choreId: params.choreId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/:choreId/submit`,
    summary: 'The assignee marks the chore done, with an optional note',
    tag,
    auth: true,
    etag: true,
    request: { params: ChoreParams, body: SubmitChoreBody },
    responses: { 200: { description: 'The submitted chore', schema: ChoreDto } },
    errors: { 403: 'Only the assignee submits', 404: NOT_FOUND, 409: 'The chore is not open (TODO or REJECTED)' },
    async handler(req, res, { params, body }) {
      const r = await goals.submitChore(
        { familyId: params.familyId, choreId: params.choreId, note: body.note ?? '' },
        callOptions(req),
      );
      const dto = toChoreDto(r.chore);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/:choreId/approve`,
    summary: "Approve a submitted chore (parents, not on their own) and pay the reward into the child's jars",
    tag,
    auth: true,
    etag: true,
    request: { params: ChoreParams },
    responses: { 200: { description: 'The approved chore and the reward’s ledger entries', schema: ApprovedChoreDto } },
    errors: { 403: 'Children approve nothing; nobody approves their own chore', 404: NOT_FOUND, 409: 'Not submitted' },
    async handler(req, res, { params }) {
      const r = await goals.approveChore({ familyId: params.familyId, choreId: params.choreId }, callOptions(req));
      const chore = toChoreDto(r.chore);
      setVersionTag(res, chore.version);
      res.json({ chore, entries: r.entries.map(toLedgerEntryDto) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/:choreId/reject`,
    summary: 'Reject a submitted chore with a reason (parents only); the child may submit again',
    tag,
    auth: true,
    etag: true,
    request: { params: ChoreParams, body: RejectChoreBody },
    responses: { 200: { description: 'The rejected chore', schema: ChoreDto } },
    errors: { 403: 'Only parents reject', 404: NOT_FOUND, 409: 'Not submitted' },
    async handler(req, res, { params, body }) {
      const r = await goals.rejectChore(
        { familyId: params.familyId, choreId: params.choreId, reason: body.reason },
        callOptions(req),
      );
      const dto = toChoreDto(r.chore);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  return router;
}
