// Builds the BFF's dependencies, listens, and knows how to stop: the composition root that main.ts
// and tests share.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { GrpcMetrics, startMetricsServer, TokenVerifier } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
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

/** Stops accepting, lets in-flight requests finish (up to drainMs), then cuts what is left. */
function drain(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
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
    if (serveApi) {
      const redis: BffRedis = await connectRedis(config.REDIS_URL, logger);
      closers.push({
        name: 'redis',
        run: () =>
          redis.close().catch((err: unknown) => {
            logger.warn({ err }, 'redis did not close cleanly; destroying it');
            redis.destroy();
          }),
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
      const app = createApp({ config, logger, clients, redis, verifier, registry, events: { hub, replay } });
      const server = createServer(app);
      // Behind a load balancer whose idle timeout is usually 60 s: keep connections open a bit longer.
      server.keepAliveTimeout = 65_000;
      port = await listen(server, config.BFF_PORT, config.BFF_HOST);
      // Open event streams never finish by themselves: drain() cuts them after drainMs.
      closers.push({ name: 'http server', run: () => drain(server, drainMs) });
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
    logger.info({ url, mode }, serveApi ? 'bff listening' : 'bff workers running');

    let stopped: Promise<void> | undefined;
    return {
      port,
      url,
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
