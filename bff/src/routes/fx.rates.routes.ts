// The family's FX rate table: the rate used for an expense in a foreign currency when the user gives
// neither a rate nor the base amount. Every member reads it; parents set rates.
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { CurrencyDto, FxRateDto, FxRateValueDto, toFxRateDto } from '../dto/expense.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';

const FxRateParams = z.object({ familyId: z.uuid(), currency: CurrencyDto });
const PutFxRateBody = z
  .object({ rate: FxRateValueDto.meta({ description: 'Base-currency units per one unit of the currency' }) })
  .meta({ id: 'PutFxRateRequest' });

const FxRatePageDto = pageOf(FxRateDto, 'FxRatePage');

export function fxRatesRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'fx-rates';

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/fx-rates',
    summary: "The family's FX rates, one per foreign currency",
    tag,
    auth: true,
    request: { params: FamilyParams, query: PageQuery },
    responses: { 200: { description: 'A page of rates', schema: FxRatePageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await expense.listFxRates({ familyId: params.familyId, page: toPageRequest(query) }, callOptions(req));
      res.json({ items: r.rates.map(toFxRateDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'put',
    path: '/v1/families/:familyId/fx-rates/:currency',
    summary: 'Set the rate for one currency (parents only)',
    tag,
    auth: true,
    request: { params: FxRateParams, body: PutFxRateBody },
    responses: { 200: { description: 'The rate', schema: FxRateDto } },
    errors: { 403: 'Only parents set rates', 404: 'No such family among the caller’s' },
    async handler(req, res, { params, body }) {
      const r = await expense.setFxRate(
        { familyId: params.familyId, currency: params.currency, rate: body.rate },
        callOptions(req),
      );
      res.json(toFxRateDto(r.rate));
    },
  });

  return router;
}
