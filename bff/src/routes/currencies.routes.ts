// GET /v1/currencies: the currencies a family, expense or rate may be in, from the ISO 4217 table in
// @family/service-kit/money. Public and static, so it is cached like a file.
import { Router } from 'express';
import { z } from 'zod';
import { CURRENCIES } from '@family/service-kit/money';
import { apiRoute, type RouteContext } from './api.route.js';

const CurrencyInfoDto = z
  .object({
    code: z.string().meta({ example: 'HUF', description: 'ISO 4217 alphabetic code' }),
    exponent: z.int().meta({ example: 2, description: 'Decimals of the minor unit: amountMinor / 10^exponent' }),
    name: z.string().meta({ example: 'Forint', description: 'English name as ISO 4217 gives it' }),
  })
  .meta({ id: 'Currency' });
const CurrencyListDto = z
  .object({ items: z.array(CurrencyInfoDto).meta({ description: 'Sorted by code' }) })
  .meta({ id: 'CurrencyList' });

/** A day in every cache; a new table comes with a deploy, so stale copies last a day at most. */
const CACHE_CONTROL = 'public, max-age=86400';

export function currenciesRoutes(ctx: Omit<RouteContext, 'router'>): Router {
  const router = Router();
  // Built once: the table does not change while the process runs.
  const body = { items: CURRENCIES.map(({ code, exponent, name }) => ({ code, exponent, name })) };

  apiRoute(
    { ...ctx, router },
    {
      method: 'get',
      path: '/v1/currencies',
      summary: 'Currencies a family, expense or FX rate may be in (ISO 4217, with their minor units)',
      tag: 'currencies',
      auth: false,
      responses: { 200: { description: 'Every accepted currency', schema: CurrencyListDto } },
      async handler(_req, res) {
        res.setHeader('Cache-Control', CACHE_CONTROL);
        res.json(body);
      },
    },
  );

  return router;
}
