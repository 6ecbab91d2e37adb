// Provider webhooks: POST /v1/webhooks/{plaid|truelayer|tink|finicity|saltedge}. No bearer token: the
// bank service verifies the provider's signature over the exact bytes received, so the body is read
// raw (webhookRawBody, mounted before the global JSON parser) and forwarded untouched with the
// lower-cased headers and the path. A refused signature is the service's UNAUTHENTICATED → 401; the
// service only records and queues the work, so the provider gets its answer quickly.
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { providerOfPath, WEBHOOK_PROVIDERS } from '../dto/bank.dto.js';
import { sendProblem } from '../middleware/problem.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';

export const WEBHOOKS_PATH = '/v1/webhooks';

/** A webhook is answered within this long (or the request's own budget, when shorter). */
const WEBHOOK_DEADLINE_MS = 5000;

/**
 * Reads every webhook body as bytes, whatever its content type. Mounted on WEBHOOKS_PATH before
 * `express.json()`, which then finds the body already read and leaves it alone.
 */
export function webhookRawBody(limit: string): RequestHandler {
  return express.raw({ type: () => true, limit });
}

const WebhookParams = z.object({ provider: z.enum(WEBHOOK_PROVIDERS) });

const WebhookReceivedDto = z
  .object({
    received: z.literal(true),
    accepted: z.boolean().meta({ description: 'False when valid but not relevant (unknown item, duplicate, ignored)' }),
  })
  .meta({ id: 'WebhookReceived' });

/** Header names lower-cased (Node already does), repeated headers joined as HTTP allows. */
function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function bankWebhookRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };

  router.use(WEBHOOKS_PATH, (req, res, next) => {
    if (ctx.clients.bank) {
      next();
      return;
    }
    sendProblem(req, res, {
      status: 503,
      code: 'BANK_UNAVAILABLE',
      detail: 'Bank connections are not available on this server',
    });
  });

  apiRoute(route, {
    method: 'post',
    path: `${WEBHOOKS_PATH}/:provider`,
    summary: 'A provider’s webhook: the signature is checked over the raw body; the work is queued',
    tag: 'bank',
    auth: false,
    request: { params: WebhookParams },
    responses: { 200: { description: 'Received (and, when relevant, queued)', schema: WebhookReceivedDto } },
    errors: {
      401: 'The signature is missing, invalid or too old: nothing was done',
      503: 'Bank connections are not configured on this server',
    },
    async handler(req, res, { params }) {
      const options = callOptions(req);
      const deadline = new Date(Math.min(req.deadline.getTime(), Date.now() + WEBHOOK_DEADLINE_MS));
      const body: unknown = req.body;
      const r = await ctx.clients.bank!.handleWebhook(
        {
          provider: providerOfPath(params.provider),
          body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
          headers: headersOf(req),
          path: req.originalUrl.split('?')[0] ?? req.path,
        },
        { ...options, deadline },
      );
      res.json({ received: true, accepted: r.accepted });
    },
  });

  return router;
}
