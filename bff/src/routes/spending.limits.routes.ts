// A member's spending limits (per day, week and month) and blocked categories. Parents set them; a
// child may read their own. An expense over a limit is still recorded, flagged.
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { LimitPeriod, SpendingLimitsDto, toSpendingLimitsDto } from '../dto/budget.dto.js';
import { AmountMinorDto } from '../dto/expense.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { MemberParams } from './families.routes.js';

const PATH = '/v1/families/:familyId/members/:memberId/spending-limits';

export const PutSpendingLimitsBody = z
  .object({
    limits: z
      .array(z.object({ period: LimitPeriod.schema, amountMinor: AmountMinorDto }))
      .max(3)
      .meta({ description: 'At most one per period; [] removes every limit' }),
    blockedCategoryIds: z.array(z.uuid()).max(100).optional().meta({ description: 'Default none' }),
  })
  .meta({ id: 'PutSpendingLimitsRequest' });

export function spendingLimitsRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'spending-limits';

  apiRoute(route, {
    method: 'get',
    path: PATH,
    summary: "A member's spending limits and blocked categories (a child: only their own)",
    tag,
    auth: true,
    etag: true,
    request: { params: MemberParams },
    responses: { 200: { description: 'The limits (empty until set)', schema: SpendingLimitsDto } },
    errors: { 404: 'No such member in the caller’s family' },
    async handler(req, res, { params }) {
      const r = await expense.getSpendingLimits(
        { familyId: params.familyId, memberId: params.memberId },
        callOptions(req),
      );
      const dto = toSpendingLimitsDto(r.spendingLimits);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'put',
    path: PATH,
    summary: "Replace a member's spending limits and blocked categories (parents only; If-Match optional)",
    tag,
    auth: true,
    etag: true,
    ifMatch: 'optional',
    request: { params: MemberParams, body: PutSpendingLimitsBody },
    responses: { 200: { description: 'The limits', schema: SpendingLimitsDto } },
    errors: { 403: 'Only parents set limits', 404: 'No such member in the caller’s family' },
    async handler(req, res, { params, body }) {
      const r = await expense.putSpendingLimits(
        {
          familyId: params.familyId,
          memberId: params.memberId,
          limits: body.limits.map((l) => ({ period: LimitPeriod.toProto(l.period), amountMinor: l.amountMinor })),
          blockedCategoryIds: body.blockedCategoryIds ?? [],
          expectedVersion: req.expectedVersion ?? 0,
        },
        callOptions(req),
      );
      const dto = toSpendingLimitsDto(r.spendingLimits);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  return router;
}
