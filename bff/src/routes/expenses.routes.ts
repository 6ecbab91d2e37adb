// Expenses: list with filters, record, read, change (If-Match), delete. Who may see and change what
// (a child only their own) is the expense service's rule; the BFF checks shapes.
import { Router } from 'express';
import { z } from 'zod';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import type { CreateExpenseRequest, ExportExpensesCsvRequest } from '@family/contracts/expense/v1/expense';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { DayDto, fromOptionalDay } from '../dto/calendar.day.js';
import { clearable } from '../dto/clearable.field.js';
import {
  AmountMinorDto,
  CurrencyDto,
  ExpenseDto,
  FxRateValueDto,
  Source,
  SplitDto,
  TagDto,
  toExpenseDto,
} from '../dto/expense.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

export const ExpenseParams = z.object({ familyId: z.uuid(), expenseId: z.uuid() });

/** The filters shared by the list and the CSV export. */
export const ExpenseFilters = z.object({
  memberId: z.uuid().optional().meta({ description: "Only this member's expenses (a child always sees their own)" }),
  categoryId: z.uuid().optional().meta({ description: 'This category, its subcategories, and splits in them' }),
  tag: TagDto.optional(),
  from: DayDto.optional().meta({ description: 'First day, inclusive' }),
  to: DayDto.optional().meta({ description: 'Last day, inclusive' }),
  q: text({ min: 1, max: 200 }).optional().meta({ description: 'Text in the description, merchant or note' }),
  source: Source.schema.optional(),
});
export type ExpenseFilters = z.infer<typeof ExpenseFilters>;

export const ListExpensesQuery = ExpenseFilters.extend({
  flagged: z.stringbool().optional().meta({ description: 'true: only flagged expenses' }),
  uncategorized: z.stringbool().optional().meta({ description: 'true: only expenses without a category' }),
  ...PageQuery.shape,
});

const description = text({ min: 1, max: 200 });
const merchant = text({ max: 100 });
const note = text({ max: 1000, multiline: true });
const tags = z.array(TagDto).max(20);
const splits = z.array(SplitDto).max(20);

export const CreateExpenseBody = z
  .object({
    memberId: z.uuid().optional().meta({ description: 'Who spent; default the caller (a child: only themselves)' }),
    amountMinor: AmountMinorDto,
    currency: CurrencyDto.optional().meta({ description: "Default the family's base currency" }),
    occurredOn: DayDto.optional().meta({ description: "Default today in the family's time zone" }),
    description,
    merchant: merchant.optional(),
    categoryId: z.uuid().optional().meta({ description: 'Absent: categorization rules decide' }),
    tags: tags.optional(),
    note: note.optional(),
    splits: splits.optional().meta({ description: 'Parts in categories that add up to amountMinor' }),
    fxRate: FxRateValueDto.optional().meta({ description: "Foreign currency: the rate used, else the family's table" }),
    baseAmountMinor: AmountMinorDto.optional().meta({ description: 'Foreign currency: the base amount charged' }),
  })
  .meta({ id: 'CreateExpenseRequest' });

export const UpdateExpenseBody = z
  .object({
    memberId: z.uuid().optional(),
    amountMinor: AmountMinorDto.optional(),
    currency: CurrencyDto.optional(),
    occurredOn: DayDto.optional(),
    description: description.optional(),
    merchant: merchant.nullable().optional().meta({ description: 'null removes it' }),
    categoryId: z.uuid().nullable().optional().meta({ description: 'null leaves the expense uncategorized' }),
    tags: tags.optional().meta({ description: 'Replaces the tags' }),
    note: note.nullable().optional().meta({ description: 'null removes it' }),
    splits: splits.optional().meta({ description: 'Replaces the splits; [] removes them' }),
    fxRate: FxRateValueDto.optional(),
    baseAmountMinor: AmountMinorDto.optional(),
    flagged: z.boolean().optional().meta({ description: 'Parents may clear (or set) the flag' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateExpenseRequest' });

const ExpensePageDto = pageOf(ExpenseDto, 'ExpensePage');

/** The contract's filter fields from the REST query (shared with the CSV export). */
/** The CreateExpense request for a validated body (REST and GraphQL's createExpense). */
export function toCreateExpenseRequest(
  familyId: string,
  body: z.output<typeof CreateExpenseBody>,
): CreateExpenseRequest {
  return {
    familyId,
    memberId: body.memberId ?? '',
    amountMinor: body.amountMinor,
    currency: body.currency ?? '',
    occurredOn: fromOptionalDay(body.occurredOn),
    description: body.description,
    merchant: body.merchant ?? '',
    categoryId: body.categoryId ?? '',
    tags: body.tags ?? [],
    note: body.note ?? '',
    splits: body.splits ?? [],
    fxRate: body.fxRate,
    baseAmountMinor: body.baseAmountMinor,
  };
}

export function toExpenseFilter(familyId: string, query: ExpenseFilters): ExportExpensesCsvRequest {
  return {
    familyId,
    memberId: query.memberId ?? '',
    categoryId: query.categoryId ?? '',
    tag: query.tag ?? '',
    from: fromOptionalDay(query.from),
    to: fromOptionalDay(query.to),
    q: query.q ?? '',
    source: query.source ? Source.toProto(query.source) : ExpenseSource.EXPENSE_SOURCE_UNSPECIFIED,
  };
}

export function expensesRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'expenses';

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/expenses',
    summary: 'Expenses, newest first, filtered, a page at a time (a child sees only their own)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListExpensesQuery },
    responses: {
      200: { description: 'A page of expenses; nextCursor is null on the last page', schema: ExpensePageDto },
    },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await expense.listExpenses(
        {
          ...toExpenseFilter(params.familyId, query),
          page: toPageRequest(query),
          flaggedOnly: query.flagged ?? false,
          uncategorizedOnly: query.uncategorized ?? false,
        },
        callOptions(req),
      );
      res.json({ items: r.expenses.map(toExpenseDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/families/:familyId/expenses',
    summary: 'Record an expense (checked against spending limits and budgets)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateExpenseBody },
    responses: { 201: { description: 'The expense (flagged when it broke a limit)', schema: ExpenseDto } },
    errors: { 403: 'A child may record only their own expenses', 404: 'No such family among the caller’s' },
    async handler(req, res, { params, body }) {
      const r = await expense.createExpense(toCreateExpenseRequest(params.familyId, body), callOptions(req));
      const dto = toExpenseDto(r.expense);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/expenses/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/expenses/:expenseId',
    summary: 'One expense; its ETag is the version to send in If-Match',
    tag,
    auth: true,
    etag: true,
    request: { params: ExpenseParams },
    responses: { 200: { description: 'The expense', schema: ExpenseDto } },
    errors: { 404: 'No such expense in the caller’s family (or, for a child, among their own)' },
    async handler(req, res, { params }) {
      const r = await expense.getExpense({ familyId: params.familyId, expenseId: params.expenseId }, callOptions(req));
      const dto = toExpenseDto(r.expense);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: '/v1/families/:familyId/expenses/:expenseId',
    summary: 'Change an expense; If-Match must name its current version',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: ExpenseParams, body: UpdateExpenseBody },
    responses: { 200: { description: 'The changed expense', schema: ExpenseDto } },
    errors: { 403: 'Not allowed for the caller’s role', 404: 'No such expense in the caller’s family' },
    async handler(req, res, { params, body }) {
      const r = await expense.updateExpense(
        {
          familyId: params.familyId,
          expenseId: params.expenseId,
          expectedVersion: req.expectedVersion ?? 0,
          memberId: body.memberId,
          amountMinor: body.amountMinor,
          currency: body.currency,
          occurredOn: fromOptionalDay(body.occurredOn),
          description: body.description,
          merchant: clearable(body.merchant),
          categoryId: clearable(body.categoryId),
          tags: body.tags && { tags: body.tags },
          note: clearable(body.note),
          splits: body.splits && { splits: body.splits },
          fxRate: body.fxRate,
          baseAmountMinor: body.baseAmountMinor,
          flagged: body.flagged,
        },
        callOptions(req),
      );
      const dto = toExpenseDto(r.expense);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: '/v1/families/:familyId/expenses/:expenseId',
    summary: 'Delete an expense (If-Match optional: when given it must be current)',
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: ExpenseParams },
    responses: { 204: { description: 'Deleted' } },
    errors: { 404: 'No such expense in the caller’s family' },
    async handler(req, res, { params }) {
      await expense.deleteExpense(
        { familyId: params.familyId, expenseId: params.expenseId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  return router;
}
