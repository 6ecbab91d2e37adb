// Probes and API docs: /healthz, /readyz, /openapi.json and /docs (Swagger UI served from the
// swagger-ui-dist package, never a CDN). /metrics has its own listener (METRICS_PORT, server.ts).
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import { z } from 'zod';
import { ClientError, Status } from '@family/grpc-kit';
import type { BffClients } from '../clients.js';
import type { BffRedis } from '../redis.client.js';
import { generateOpenApiDocument } from '../openapi.js';
import { apiRoute, type RouteContext } from './api.route.js';

export interface SystemRoutesDeps extends Omit<RouteContext, 'router'> {
  clients: BffClients;
  redis: BffRedis;
  registry: OpenAPIRegistry;
  /** How long each readiness check may take. */
  probeTimeoutMs?: number;
  /** True once shutdown began: not ready, whatever the upstreams say. */
  draining?: () => boolean;
}

/** What /readyz reports for an optional upstream this server was not given an address for. */
const NOT_CONFIGURED = 'not_configured';

/** grpc.health.v1 HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;

const HealthDto = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const ReadinessDto = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z
      .record(z.string(), z.string())
      .meta({ description: 'Each upstream and Redis: "ok", what failed, or "not_configured" (optional, off)' }),
  })
  .meta({ id: 'Readiness' });

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

// Scripts load from files (no inline script), so helmet's CSP (script-src 'self') holds for /docs.
const docsHtml = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Family Expense Tracker API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="stylesheet" href="/docs/index.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/swagger-initializer.js"></script>
  </body>
</html>
`;

const docsInitializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function systemRoutes(deps: SystemRoutesDeps): Router {
  const router = Router();
  const route = { router, registry: deps.registry, idempotency: deps.idempotency };
  const probeTimeoutMs = deps.probeTimeoutMs ?? 2000;
  const tag = 'system';

  apiRoute(route, {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tag,
    auth: false,
    responses: { 200: { description: 'Up', schema: HealthDto } },
    async handler(_req, res) {
      res.json({ status: 'ok' });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: every upstream reports SERVING and Redis answers',
    tag,
    auth: false,
    responses: {
      200: { description: 'Ready', schema: ReadinessDto },
      503: { description: 'Not ready; `checks` says which dependency failed', schema: ReadinessDto },
    },
    async handler(_req, res) {
      res.setHeader('Cache-Control', 'no-store');
      if (deps.draining?.()) {
        res.status(503).json({ status: 'not_ready', checks: { shutdown: 'DRAINING' } });
        return;
      }
      const checks: Record<string, string> = {};
      await Promise.all([
        ...deps.clients.upstreams.map(async (upstream) => {
          try {
            const r = await upstream.health.check(
              { service: upstream.fullName },
              { deadline: new Date(Date.now() + probeTimeoutMs) },
            );
            checks[upstream.name] = r.status === SERVING ? 'ok' : 'NOT_SERVING';
          } catch (err) {
            checks[upstream.name] = err instanceof ClientError ? Status[err.code] : 'UNREACHABLE';
          }
        }),
        // Commands fail fast while Redis is down (no offline queue); the timeout covers a hung server.
        withTimeout(deps.redis.ping(), probeTimeoutMs).then(
          () => (checks.redis = 'ok'),
          () => (checks.redis = 'UNREACHABLE'),
        ),
      ]);
      // Optional upstreams left unconfigured are reported, not failed: their routes answer 503.
      const ready = Object.values(checks).every((v) => v === 'ok' || v === NOT_CONFIGURED);
      if (!deps.clients.bank) checks.bank = NOT_CONFIGURED;
      res.setHeader('Cache-Control', 'no-store');
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
    },
  });

  // Generated on first request, when every route has registered itself.
  let openApiJson: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    openApiJson ??= JSON.stringify(generateOpenApiDocument(deps.registry));
    res.type('application/json').send(openApiJson);
  });

  router.get(['/docs', '/docs/', '/docs/index.html'], (_req, res) => {
    res.type('html').send(docsHtml);
  });
  router.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(docsInitializer);
  });
  router.use('/docs', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));

  return router;
}
