// Builds a gRPC server with the kit's middleware, grpc.health.v1 and reflection. No side effects
// until listen().
import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import type { AppError } from '@family/errors';
import type { Logger } from '@family/logger';
import { descriptorSet } from '@family/contracts/descriptors';
import { errorMappingMiddleware } from './error.mapping.js';
import { authMiddleware, type AuthContext, type AuthMiddlewareOptions } from './auth.middleware.js';
import type { GrpcMetrics } from './grpc.metrics.js';
import { textBoundaryMiddleware } from './text.boundary.middleware.js';

export interface GrpcServerOptions extends AuthMiddlewareOptions {
  logger: Logger;
  /** Fully-qualified names of the services this server exposes (for health and reflection). */
  serviceNames: string[];
  metrics?: GrpcMetrics;
  /**
   * Turns a store's own failure into an AppError (e.g. Redis unreachable → UNAVAILABLE) before the
   * one mapping runs; anything it leaves alone (undefined) stays INTERNAL.
   */
  translateError?: (err: unknown) => AppError | undefined;
}

export interface GrpcServer {
  /** Register service implementations here; the kit's middleware is already in place. */
  server: Server<AuthContext>;
  health: ReturnType<typeof HealthState>;
  /** Binds and starts serving; returns the bound port (pass port 0 in tests). */
  listen(host: string, port: number): Promise<number>;
  /** A store the server depends on went away (NOT_SERVING) or came back (SERVING once listening). */
  setDependenciesUp(up: boolean): void;
  /** NOT_SERVING, then drain in-flight calls for up to `graceMs`, then force-close. */
  shutdown(graceMs?: number): Promise<void>;
}

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const health = HealthState();
  // Outermost: rich details (reason code, field violations) are written into the status trailer.
  let base = createServer({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 })
    .use(errorDetailsServerMiddleware)
    .use(errorMappingMiddleware(options.logger, options.translateError));
  if (options.metrics) base = base.use(options.metrics.serverMiddleware);
  const server = base.use(authMiddleware(options)).use(textBoundaryMiddleware());
  server.add(HealthDefinition, HealthServiceImpl(health));
  (server as unknown as Server).add(
    ServerReflectionService,
    ServerReflection(descriptorSet(), [...options.serviceNames, 'grpc.health.v1.Health']),
  );

  // SERVING only while listening and every store this server depends on answers.
  let listening = false;
  let dependenciesUp = true;
  const setHealth = (up: boolean) => {
    const status = up ? 'healthy' : 'unhealthy';
    health.setStatus(status);
    for (const name of options.serviceNames) health.setStatus(status, name);
  };

  return {
    server,
    health,
    async listen(host, port) {
      const bound = await server.listen(`${host}:${port}`);
      listening = true;
      setHealth(dependenciesUp);
      return bound;
    },
    setDependenciesUp(up) {
      dependenciesUp = up;
      if (listening) setHealth(up);
    },
    async shutdown(graceMs = 10_000) {
      listening = false;
      setHealth(false);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        server.shutdown(),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, graceMs);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
