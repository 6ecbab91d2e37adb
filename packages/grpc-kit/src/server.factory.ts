// Builds a gRPC server with the kit's middleware, grpc.health.v1 and reflection. No side effects
// until listen().
import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import type { Logger } from '@family/logger';
import { descriptorSet } from '@family/contracts/descriptors';
import { errorMappingMiddleware } from './error.mapping.js';
import { authMiddleware, type AuthContext, type AuthMiddlewareOptions } from './auth.middleware.js';
import type { GrpcMetrics } from './grpc.metrics.js';

export interface GrpcServerOptions extends AuthMiddlewareOptions {
  logger: Logger;
  /** Fully-qualified names of the services this server exposes (for health and reflection). */
  serviceNames: string[];
  metrics?: GrpcMetrics;
}

export interface GrpcServer {
  /** Register service implementations here; the kit's middleware is already in place. */
  server: Server<AuthContext>;
  health: ReturnType<typeof HealthState>;
  /** Binds and starts serving; returns the bound port (pass port 0 in tests). */
  listen(host: string, port: number): Promise<number>;
  /** NOT_SERVING, then drain in-flight calls for up to `graceMs`, then force-close. */
  shutdown(graceMs?: number): Promise<void>;
}

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const health = HealthState();
  // Outermost: rich details (reason code, field violations) are written into the status trailer.
  let base = createServer({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 })
    .use(errorDetailsServerMiddleware)
    .use(errorMappingMiddleware(options.logger));
  if (options.metrics) base = base.use(options.metrics.serverMiddleware);
  const server = base.use(authMiddleware(options));
  server.add(HealthDefinition, HealthServiceImpl(health));
  (server as unknown as Server).add(
    ServerReflectionService,
    ServerReflection(descriptorSet(), [...options.serviceNames, 'grpc.health.v1.Health']),
  );

  return {
    server,
    health,
    async listen(host, port) {
      const bound = await server.listen(`${host}:${port}`);
      health.setStatus('healthy');
      for (const name of options.serviceNames) health.setStatus('healthy', name);
      return bound;
    },
    async shutdown(graceMs = 10_000) {
      health.setStatus('unhealthy');
      for (const name of options.serviceNames) health.setStatus('unhealthy', name);
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
