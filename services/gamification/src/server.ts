// Pure factory: the GamificationService gRPC server (with health and reflection) over ready use cases,
// also serving EventConsumerService for the producers' relays.
import type { Logger } from '@family/logger';
import { GamificationServiceDefinition } from '@family/contracts/gamification/v1/gamification';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import { gamificationHandlers, type GamificationUseCases } from './handlers/gamification.handlers.js';
import { eventConsumerHandlers } from './handlers/event.consumer.handlers.js';

export interface GamificationServerDeps extends GamificationUseCases {
  logger: Logger;
  verifier: TokenVerifier;
  metrics?: GrpcMetrics;
}

export function createGamificationServer(deps: GamificationServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [GamificationServiceDefinition.fullName, EventConsumerServiceDefinition.fullName],
    verifier: deps.verifier,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  grpc.server.add(GamificationServiceDefinition, gamificationHandlers(deps));
  grpc.server.add(EventConsumerServiceDefinition, eventConsumerHandlers(deps.recorder));
  return grpc;
}
