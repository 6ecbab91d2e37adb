// Spending reports: totals over a range grouped by category, member, month or tag, in the family's
// base currency, with the previous period of the same length and the top merchants.
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { DayDto, fromDay } from '../dto/calendar.day.js';
import { GroupByDto, SpendingReportDto, fromGroupByDto, toSpendingReportDto } from '../dto/report.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';

const SpendingReportQuery = z.object({
  from: DayDto.meta({ description: 'First day, inclusive' }),
  to: DayDto.meta({ description: 'Last day, inclusive' }),
  groupBy: GroupByDto.optional().meta({ description: 'Default category' }),
  memberId: z.uuid().optional().meta({ description: "Only this member's spending (a child: always their own)" }),
  categoryId: z.uuid().optional().meta({ description: 'Only this category and its subcategories' }),
  topMerchants: z.coerce.number().int().min(0).max(50).optional().meta({ description: 'How many; default 5' }),
});

export function reportsRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/reports/spending',
    summary: 'Spending over a range, grouped, compared with the previous period',
    tag: 'reports',
    auth: true,
    request: { params: FamilyParams, query: SpendingReportQuery },
    responses: { 200: { description: 'The report', schema: SpendingReportDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const groupBy = query.groupBy ?? 'category';
      const r = await expense.getSpendingReport(
        {
          familyId: params.familyId,
          from: fromDay(query.from),
          to: fromDay(query.to),
          groupBy: fromGroupByDto(groupBy),
          memberId: query.memberId ?? '',
          categoryId: query.categoryId ?? '',
          topMerchantsLimit: query.topMerchants ?? 0,
        },
        callOptions(req),
      );
      res.json(toSpendingReportDto(r, { from: query.from, to: query.to, groupBy }));
    },
  });

  return router;
}
