// Recurring expenses: a template recorded on a schedule (daily/weekly/monthly/yearly with an
// interval, month-end aware), paused and resumed by PATCH, with a preview of the next dates.
import { Router } from 'express';
import { z } from 'zod';
import type { ExpenseTemplate } from '@family/contracts/expense/v1/expense';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { DayDto, fromDay, fromOptionalDay, toDay } from '../dto/calendar.day.js';
import { AmountMinorDto, CurrencyDto, SplitDto, TagDto } from '../dto/expense.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { Frequency, RecurrencePreviewDto, RecurringExpenseDto, toRecurringExpenseDto } from '../dto/recurring.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const RecurringParams = z.object({ familyId: z.uuid(), recurringExpenseId: z.uuid() });
const BASE = '/v1/families/:familyId/recurring-expenses';

export const ExpenseTemplateBody = z
  .object({
    memberId: z.uuid().optional().meta({ description: 'Who spends; default the caller (a child: only themselves)' }),
    amountMinor: AmountMinorDto,
    currency: CurrencyDto.optional(),
    description: text({ min: 1, max: 200 }),
    merchant: text({ max: 100 }).optional(),
    categoryId: z.uuid().optional(),
    tags: z.array(TagDto).max(20).optional(),
    note: text({ max: 1000, multiline: true }).optional(),
    splits: z.array(SplitDto).max(20).optional(),
  })
  .meta({ id: 'ExpenseTemplateRequest' });

const interval = z.int().min(1).max(366).meta({ description: 'Every `interval` periods; default 1' });

export const CreateRecurringBody = z
  .object({
    template: ExpenseTemplateBody,
    frequency: Frequency.schema,
    interval: interval.optional(),
    startOn: DayDto.meta({ description: 'The first occurrence; a monthly rule repeats on its day of month' }),
    endOn: DayDto.optional().meta({ description: 'The last possible occurrence; absent means no end' }),
    paused: z.boolean().optional(),
  })
  .meta({ id: 'CreateRecurringExpenseRequest' });

export const UpdateRecurringBody = z
  .object({
    template: ExpenseTemplateBody.optional().meta({
      description: 'Replaces the whole template (an absent memberId means the caller, as on create)',
    }),
    frequency: Frequency.schema.optional(),
    interval: interval.optional(),
    startOn: DayDto.optional(),
    endOn: DayDto.nullable().optional().meta({ description: 'null removes the end' }),
    paused: z.boolean().optional().meta({ description: 'Pause or resume (missed dates are not back-filled)' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateRecurringExpenseRequest' });

const ListRecurringQuery = PageQuery.extend({ memberId: z.uuid().optional() });

const PreviewQuery = z.object({
  count: z.coerce.number().int().min(1).max(100).optional().meta({ description: 'How many dates; default 5' }),
  after: DayDto.optional().meta({ description: 'First day considered; default today' }),
});

const RecurringPageDto = pageOf(RecurringExpenseDto, 'RecurringExpensePage');

function toTemplate(t: z.infer<typeof ExpenseTemplateBody>): ExpenseTemplate {
  return {
    memberId: t.memberId ?? '',
    amountMinor: t.amountMinor,
    currency: t.currency ?? '',
    description: t.description,
    merchant: t.merchant ?? '',
    categoryId: t.categoryId ?? '',
    tags: t.tags ?? [],
    note: t.note ?? '',
    splits: t.splits ?? [],
  };
}

export function recurringRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'recurring-expenses';

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: 'Recurring expenses (a child sees only their own)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListRecurringQuery },
    responses: { 200: { description: 'A page of recurring expenses', schema: RecurringPageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await expense.listRecurringExpenses(
        { familyId: params.familyId, page: toPageRequest(query), memberId: query.memberId ?? '' },
        callOptions(req),
      );
      res.json({ items: r.recurringExpenses.map(toRecurringExpenseDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Schedule a recurring expense',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateRecurringBody },
    responses: { 201: { description: 'The recurring expense', schema: RecurringExpenseDto } },
    errors: { 403: 'A child may schedule only their own expenses', 404: 'No such family among the caller’s' },
    async handler(req, res, { params, body }) {
      const r = await expense.createRecurringExpense(
        {
          familyId: params.familyId,
          template: toTemplate(body.template),
          frequency: Frequency.toProto(body.frequency),
          interval: body.interval ?? 0,
          startOn: fromDay(body.startOn),
          endOn: fromOptionalDay(body.endOn),
          paused: body.paused ?? false,
        },
        callOptions(req),
      );
      const dto = toRecurringExpenseDto(r.recurringExpense);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/recurring-expenses/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:recurringExpenseId`,
    summary: 'One recurring expense; its ETag is the version for If-Match',
    tag,
    auth: true,
    etag: true,
    request: { params: RecurringParams },
    responses: { 200: { description: 'The recurring expense', schema: RecurringExpenseDto } },
    errors: { 404: 'No such recurring expense in the caller’s family' },
    async handler(req, res, { params }) {
      const r = await expense.getRecurringExpense(
        { familyId: params.familyId, recurringExpenseId: params.recurringExpenseId },
        callOptions(req),
      );
      const dto = toRecurringExpenseDto(r.recurringExpense);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:recurringExpenseId`,
    summary: 'Change, pause or resume a recurring expense (If-Match required)',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: RecurringParams, body: UpdateRecurringBody },
    responses: { 200: { description: 'The recurring expense', schema: RecurringExpenseDto } },
    errors: { 404: 'No such recurring expense in the caller’s family' },
    async handler(req, res, { params, body }) {
      const r = await expense.updateRecurringExpense(
        {
          familyId: params.familyId,
          recurringExpenseId: params.recurringExpenseId,
          expectedVersion: req.expectedVersion ?? 0,
          template: body.template && toTemplate(body.template),
          frequency: body.frequency && Frequency.toProto(body.frequency),
          interval: body.interval,
          startOn: fromOptionalDay(body.startOn),
          endOn: body.endOn ? fromDay(body.endOn) : undefined,
          clearEndOn: body.endOn === null,
          paused: body.paused,
        },
        callOptions(req),
      );
      const dto = toRecurringExpenseDto(r.recurringExpense);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:recurringExpenseId`,
    summary: 'Stop and delete a recurring expense (expenses it recorded stay)',
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: RecurringParams },
    responses: { 204: { description: 'Deleted' } },
    errors: { 404: 'No such recurring expense in the caller’s family' },
    async handler(req, res, { params }) {
      await expense.deleteRecurringExpense(
        {
          familyId: params.familyId,
          recurringExpenseId: params.recurringExpenseId,
          expectedVersion: req.expectedVersion ?? 0,
        },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:recurringExpenseId/preview`,
    summary: 'The next occurrence dates of a recurring expense',
    tag,
    auth: true,
    request: { params: RecurringParams, query: PreviewQuery },
    responses: { 200: { description: 'The next dates', schema: RecurrencePreviewDto } },
    errors: { 404: 'No such recurring expense in the caller’s family' },
    async handler(req, res, { params, query }) {
      const r = await expense.previewRecurringExpense(
        {
          familyId: params.familyId,
          recurringExpenseId: params.recurringExpenseId,
          count: query.count ?? 0,
          after: fromOptionalDay(query.after),
        },
        callOptions(req),
      );
      res.json({ dates: r.dates.map((d) => toDay(d, 'preview date')) });
    },
  });

  return router;
}
