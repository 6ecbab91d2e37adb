// Builds the BFF's dependencies, listens, and knows how to stop: the composition root that main.ts
// and tests share.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { GrpcMetrics, TokenVerifier } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
import { createApp } from './app.js';
import { createClients } from './clients.js';
import type { BffConfig } from './config.js';
import { jwksFromAuth } from './jwks.source.js';
import { connectRedis, type BffRedis } from './redis.client.js';

export interface StartedBff {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export interface StartBffOptions {
  config: BffConfig;
  logger: Logger;
  /** How long stop() lets in-flight requests finish before closing their connections. */
  drainMs?: number;
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

export async function startBff({ config, logger, drainMs = 10_000 }: StartBffOptions): Promise<StartedBff> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const clients = createClients({
    authAddress: config.AUTH_GRPC_URL,
    expenseAddress: config.EXPENSE_GRPC_URL,
    goalsAddress: config.GOALS_GRPC_URL,
    metrics: new GrpcMetrics(registry),
  });
  let redis: BffRedis;
  try {
    redis = await connectRedis(config.REDIS_URL, logger);
  } catch (err) {
    clients.close();
    throw err;
  }
  const verifier = new TokenVerifier({
    keys: jwksFromAuth(clients.auth),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const app = createApp({ config, logger, clients, redis, verifier, registry });
  const server = createServer(app);
  // Behind a load balancer whose idle timeout is usually 60 s: keep connections open a bit longer.
  server.keepAliveTimeout = 65_000;
  let port: number;
  try {
    port = await listen(server, config.BFF_PORT, config.BFF_HOST);
  } catch (err) {
    clients.close();
    redis.destroy();
    throw err;
  }
  const shownHost = config.BFF_HOST === '0.0.0.0' || config.BFF_HOST === '::' ? '127.0.0.1' : config.BFF_HOST;
  const url = `http://${shownHost}:${port}`;
  logger.info({ url }, 'bff listening');

  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    stop() {
      stopped ??= (async () => {
        await drain(server, drainMs);
        await redis.close().catch(() => redis.destroy());
        clients.close();
      })();
      return stopped;
    },
  };
}
