// Pure factory: the NotificationService gRPC server (with health and reflection) over ready use cases,
// also serving EventConsumerService for the producers' relays.
import type { AppError } from '@family/errors';
import type { Logger } from '@family/logger';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import { notificationHandlers, type NotificationUseCases } from './handlers/notification.handlers.js';
import { eventConsumerHandlers } from './handlers/event.consumer.handlers.js';

export interface NotificationServerDeps extends NotificationUseCases {
  logger: Logger;
  verifier: TokenVerifier;
  metrics?: GrpcMetrics;
  /** A store failure that means "unavailable" (Redis unreachable) rather than INTERNAL. */
  translateError?: (err: unknown) => AppError | undefined;
}

export function createNotificationServer(deps: NotificationServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [NotificationServiceDefinition.fullName, EventConsumerServiceDefinition.fullName],
    verifier: deps.verifier,
    ...(deps.translateError ? { translateError: deps.translateError } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  grpc.server.add(NotificationServiceDefinition, notificationHandlers(deps));
  grpc.server.add(EventConsumerServiceDefinition, eventConsumerHandlers(deps.fanout));
  return grpc;
}
