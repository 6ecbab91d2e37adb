// The Express app, built from its dependencies: no listening, no environment, no globals.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Registry } from 'prom-client';
import type { TokenVerifier } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
import type { BffClients } from './clients.js';
import type { BffConfig } from './config.js';
import type { BffRedis } from './redis.client.js';
import type { UserEventsHub } from './events/user.events.hub.js';
import { eventsRoutes, type NotificationReplay } from './routes/events.routes.js';
import { createApiRegistry } from './openapi.js';
import { graphqlRoutes } from './graphql/graphql.route.js';
import { corsPolicy } from './middleware/cors.middleware.js';
import { identifyCaller } from './middleware/auth.middleware.js';
import { idempotency } from './middleware/idempotency.middleware.js';
import { jsonDepthLimit } from './middleware/json.depth.middleware.js';
import { httpMetrics } from './middleware/metrics.middleware.js';
import { notFoundHandler, problemHandler } from './middleware/problem.middleware.js';
import { rateLimits } from './middleware/rate.limit.js';
import { parseRegionEdges, regionEdge } from './middleware/region.edge.js';
import { requestContext } from './middleware/request.context.middleware.js';
import { allowancesRoutes } from './routes/allowances.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { badgesRoutes } from './routes/badges.routes.js';
import { bankRoutes } from './routes/bank.routes.js';
import { bankWebhookRoutes, WEBHOOKS_PATH, webhookRawBody } from './routes/bank.webhooks.routes.js';
import { budgetsRoutes } from './routes/budgets.routes.js';
import { categoriesRoutes } from './routes/categories.routes.js';
import { choresRoutes } from './routes/chores.routes.js';
import { currenciesRoutes } from './routes/currencies.routes.js';
import { expenseCsvRoutes } from './routes/expense.csv.routes.js';
import { expensesRoutes } from './routes/expenses.routes.js';
import { familiesRoutes } from './routes/families.routes.js';
import { fxRatesRoutes } from './routes/fx.rates.routes.js';
import { goalsRoutes } from './routes/goals.routes.js';
import { jarsRoutes } from './routes/jars.routes.js';
import { leaderboardRoutes } from './routes/leaderboard.routes.js';
import { notificationsRoutes } from './routes/notifications.routes.js';
import { progressRoutes } from './routes/progress.routes.js';
import { questsRoutes } from './routes/quests.routes.js';
import { recurringRoutes } from './routes/recurring.routes.js';
import { reportsRoutes } from './routes/reports.routes.js';
import { rulesRoutes } from './routes/rules.routes.js';
import { spendingLimitsRoutes } from './routes/spending.limits.routes.js';
import { systemRoutes } from './routes/system.routes.js';

export interface AppDeps {
  config: BffConfig;
  logger: Logger;
  clients: BffClients;
  redis: BffRedis;
  verifier: TokenVerifier;
  /** Holds the HTTP histogram; the METRICS_PORT listener serves it (with GrpcMetrics' client histogram). */
  registry: Registry;
  /** Live updates for GET /v1/events (the route is absent without it). */
  events?: { hub: UserEventsHub; replay?: NotificationReplay | undefined };
  /** Where the routes register their OpenAPI entries (the document writer reads it); a fresh one by default. */
  apiRegistry?: OpenAPIRegistry;
  /** True once shutdown began: /readyz answers 503 so no new traffic is sent here. */
  draining?: () => boolean;
}

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);

  app.use(requestContext({ timeoutMs: config.REQUEST_TIMEOUT_MS }));
  // Before everything else that answers: a preflight is answered here, and refusals carry the headers too.
  app.use(corsPolicy({ origins: config.CORS_ORIGINS, credentials: config.CORS_CREDENTIALS }));
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as express.Request).requestId,
      autoLogging: { ignore: (req) => QUIET_PATHS.has((req as express.Request).path) },
      customLogLevel: (_req, res, err) => {
        if (res.statusCode === 503 || res.statusCode === 504) return 'warn';
        return err || res.statusCode >= 500 ? 'error' : 'info';
      },
      // GET /v1/events may carry the token in ?access_token= (EventSource cannot set headers).
      serializers: {
        req: (req: { url?: string; query?: Record<string, unknown> }) => {
          if (req.url) req.url = req.url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');
          if (req.query && 'access_token' in req.query) req.query = { ...req.query, access_token: '[redacted]' };
          return req;
        },
      },
    }),
  );
  app.use(
    helmet({
      // TLS ends at the ingress (which sends HSTS); upgrading would break /docs over plain local HTTP.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  // Webhook signatures cover the exact bytes sent: read them raw before any JSON parser sees them.
  app.use(WEBHOOKS_PATH, webhookRawBody(config.BODY_LIMIT));
  app.use(express.json({ limit: config.BODY_LIMIT }));
  app.use(jsonDepthLimit());
  app.use(httpMetrics(deps.registry));
  app.use(identifyCaller(deps.verifier));
  app.use(
    rateLimits({
      redis: deps.redis,
      keyPrefix: config.REDIS_KEY_PREFIX,
      perMinute: config.RATE_LIMIT_PER_MINUTE,
      authPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE,
      logger,
    }),
  );
  app.use(
    regionEdge({
      region: config.REGION,
      edges: parseRegionEdges(config.REGION_EDGES),
      timeoutMs: config.REQUEST_TIMEOUT_MS,
      logger,
    }),
  );

  const routeContext = {
    registry: deps.apiRegistry ?? createApiRegistry(),
    clients: deps.clients,
    idempotency: idempotency({
      redis: deps.redis,
      keyPrefix: config.REDIS_KEY_PREFIX,
      ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
      lockTtlSeconds: Math.ceil((2 * config.REQUEST_TIMEOUT_MS) / 1000) + 5,
    }),
  };
  app.use(authRoutes(routeContext));
  app.use(familiesRoutes(routeContext));
  // The CSV routes first: `/expenses.csv` and `/expenses/import` are not expense ids.
  app.use(expenseCsvRoutes({ ...routeContext, csvImportLimit: config.CSV_IMPORT_LIMIT }));
  app.use(expensesRoutes(routeContext));
  app.use(categoriesRoutes(routeContext));
  app.use(recurringRoutes(routeContext));
  app.use(rulesRoutes(routeContext));
  app.use(budgetsRoutes(routeContext));
  app.use(spendingLimitsRoutes(routeContext));
  app.use(reportsRoutes(routeContext));
  app.use(fxRatesRoutes(routeContext));
  app.use(currenciesRoutes(routeContext));
  app.use(jarsRoutes(routeContext));
  app.use(goalsRoutes(routeContext));
  app.use(choresRoutes(routeContext));
  app.use(allowancesRoutes(routeContext));
  app.use(notificationsRoutes(routeContext));
  app.use(progressRoutes(routeContext));
  app.use(leaderboardRoutes(routeContext));
  app.use(questsRoutes(routeContext));
  app.use(badgesRoutes(routeContext));
  app.use(bankRoutes(routeContext));
  app.use(bankWebhookRoutes(routeContext));
  if (deps.events) {
    app.use(
      eventsRoutes({
        hub: deps.events.hub,
        replay: deps.events.replay,
        verifier: deps.verifier,
        heartbeatMs: config.SSE_HEARTBEAT_MS,
        registry: routeContext.registry,
      }),
    );
  }
  app.use(
    graphqlRoutes({
      config,
      clients: deps.clients,
      logger,
      idempotency: routeContext.idempotency,
      hub: deps.events?.hub,
    }),
  );
  app.use(systemRoutes({ ...routeContext, redis: deps.redis, ...(deps.draining ? { draining: deps.draining } : {}) }));

  app.use(notFoundHandler());
  app.use(problemHandler());
  return app;
}
