// Builds the BFF's dependencies, listens, and knows how to stop: the composition root that main.ts
// and tests share.
import { createServer, type Server } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { GrpcMetrics, startMetricsServer, TokenVerifier } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
import { closeRedisWithin } from '@family/service-kit';
import { createApp } from './app.js';
import { createClients } from './clients.js';
import type { BffConfig } from './config.js';
import { jwksFromAuth } from './jwks.source.js';
import { connectRedis, type BffRedis } from './redis.client.js';
import { inboxReplay } from './events/notification.replay.js';
import { connectUserEventsHub, type UserEventsHub } from './events/user.events.hub.js';
import type { NotificationReplay } from './routes/events.routes.js';
import type { DeliveryReporter } from './workers/delivery.reporter.js';
import { grpcNotificationCallbacks } from './workers/notification.callbacks.js';
import type { DeviceTokenRemover } from './workers/push.worker.js';
import { startWorkers, type StartedWorkers } from './workers/workers.js';

export interface StartedBff {
  /** The REST port in api/both mode; in worker mode the port of the /metrics listener. */
  port: number;
  url: string;
  /** api/both mode: where /metrics is served (METRICS_PORT), undefined when that is 0. */
  metricsUrl?: string | undefined;
  mode: BffConfig['BFF_MODE'];
  stop(): Promise<void>;
}

export interface StartBffOptions {
  config: BffConfig;
  logger: Logger;
  /** How long stop() lets in-flight requests finish before closing their connections. */
  drainMs?: number;
  /**
   * Seams for tests: what the push worker calls for a dead token (default: RemoveDeviceToken on the
   * notification service) and how /v1/events replays after Last-Event-ID (default: ListNotifications).
   */
  removeDeviceToken?: DeviceTokenRemover;
  /** How the workers report outcomes (default: AcknowledgeDelivery / RecordDeliveryFailure). */
  deliveryReporter?: DeliveryReporter;
  replay?: NotificationReplay;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** How long an idle keep-alive connection stays open once draining (a request may be on its way). */
const IDLE_GRACE_MS = 1_000;

/**
 * Stops accepting, lets in-flight requests finish (up to drainMs), then cuts what is left. Idle
 * keep-alive connections are not cut at once: a request a client already sent on one would be reset.
 * Every response from now on carries `Connection: close` (see startBff), so clients move off them;
 * those still idle after IDLE_GRACE_MS are closed.
 */
function drain(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), drainMs);
    const idle = setTimeout(() => server.closeIdleConnections(), Math.min(IDLE_GRACE_MS, drainMs));
    // net.Server's close: stop listening, without http.Server's immediate closeIdleConnections().
    NetServer.prototype.close.call(server, () => {
      clearTimeout(cut);
      clearTimeout(idle);
      resolve();
    });
  });
}

export async function startBff(options: StartBffOptions): Promise<StartedBff> {
  const { config, logger, drainMs = 10_000 } = options;
  const mode = config.BFF_MODE;
  const serveApi = mode !== 'worker';
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const clients = createClients({
    authAddress: config.AUTH_GRPC_URL,
    expenseAddress: config.EXPENSE_GRPC_URL,
    goalsAddress: config.GOALS_GRPC_URL,
    notificationAddress: config.NOTIFICATION_GRPC_URL,
    gamificationAddress: config.GAMIFICATION_GRPC_URL,
    bankAddress: config.BANK_GRPC_URL,
    metrics: new GrpcMetrics(registry),
  });
  // Undone in reverse order when start-up fails half way, and by stop().
  const closers: { name: string; run: () => Promise<void> | void }[] = [
    { name: 'grpc clients', run: () => clients.close() },
  ];
  const closeAll = async () => {
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer.run();
      } catch (err) {
        logger.warn({ err, step: closer.name }, 'error while stopping');
      }
    }
  };

  try {
    let port: number;
    let metricsPort: number | undefined;
    if (serveApi) {
      const redis: BffRedis = await connectRedis(config.REDIS_URL, logger);
      closers.push({
        name: 'redis',
        // Bounded: closing a client whose server is gone would otherwise never return.
        run: () => closeRedisWithin(redis),
      });
      const hub: UserEventsHub = await connectUserEventsHub({
        redisUrl: config.REDIS_URL,
        keyPrefix: config.REDIS_KEY_PREFIX,
        logger,
      });
      closers.push({ name: 'redis subscriber', run: () => hub.close() });
      const verifier = new TokenVerifier({
        keys: jwksFromAuth(clients.auth),
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      });
      const replay = options.replay ?? inboxReplay(clients, config.SSE_REPLAY_LIMIT);
      // Set when stop() begins: /readyz answers 503 and every response asks the client to close.
      let draining = false;
      const app = createApp({
        config,
        logger,
        clients,
        redis,
        verifier,
        registry,
        events: { hub, replay },
        draining: () => draining,
      });
      const server = createServer((req, res) => {
        if (draining) res.setHeader('Connection', 'close');
        app(req, res);
      });
      // Behind a load balancer whose idle timeout is usually 60 s: keep connections open a bit longer.
      server.keepAliveTimeout = 65_000;
      port = await listen(server, config.BFF_PORT, config.BFF_HOST);
      // Open event streams never finish by themselves: drain() cuts them after drainMs.
      closers.push({
        name: 'http server',
        run: () => {
          draining = true;
          return drain(server, drainMs);
        },
      });
      if (config.METRICS_PORT !== 0) {
        // Off the public port: scrapers reach it inside the cluster, the internet does not.
        const metrics = await startMetricsServer(registry, config.BFF_HOST, config.METRICS_PORT);
        metricsPort = metrics.port;
        closers.push({ name: 'metrics listener', run: () => metrics.stop() });
      }
    } else {
      // Worker mode: no REST, only /metrics (scraping, and a liveness check by TCP or HTTP).
      const metrics = await startMetricsServer(registry, config.BFF_HOST, config.BFF_PORT);
      port = metrics.port;
      closers.push({ name: 'metrics listener', run: () => metrics.stop() });
    }

    let workers: StartedWorkers | undefined;
    if (mode !== 'api') {
      const callbacks = grpcNotificationCallbacks({
        clients,
        clientId: config.AUTH_CLIENT_ID,
        clientSecret: config.AUTH_CLIENT_SECRET,
        timeoutMs: config.DELIVERY_TIMEOUT_MS,
        logger,
      });
      workers = await startWorkers({
        config,
        logger,
        registry,
        removeDeviceToken: options.removeDeviceToken ?? callbacks.removeDeviceToken,
        reporter: options.deliveryReporter ?? callbacks.reporter,
      });
      const started = workers;
      // Stopped first: worker.close() lets the jobs in hand finish while their clients still work.
      closers.push({ name: 'delivery workers', run: () => started.stop() });
    }

    const shownHost = config.BFF_HOST === '0.0.0.0' || config.BFF_HOST === '::' ? '127.0.0.1' : config.BFF_HOST;
    const url = `http://${shownHost}:${port}`;
    const metricsUrl = metricsPort === undefined ? undefined : `http://${shownHost}:${metricsPort}`;
    logger.info({ url, mode }, serveApi ? 'bff listening' : 'bff workers running');

    let stopped: Promise<void> | undefined;
    return {
      port,
      url,
      metricsUrl,
      mode,
      stop() {
        stopped ??= closeAll();
        return stopped;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
