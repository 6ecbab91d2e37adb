// Pure factory: the GoalsService gRPC server (with health and reflection) over ready-made use cases,
// also serving EventConsumerService (badge rewards from the gamification service's events).
import type { Logger } from '@family/logger';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import { goalsHandlers, type GoalsUseCases } from './handlers/goals.handlers.js';
import { eventConsumerHandlers } from './handlers/event.consumer.handlers.js';
import type { BadgeRewards } from './app/badge.rewards.js';

export interface GoalsServerDeps extends GoalsUseCases {
  logger: Logger;
  verifier: TokenVerifier;
  metrics?: GrpcMetrics;
  rewards: BadgeRewards;
}

export function createGoalsServer(deps: GoalsServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [GoalsServiceDefinition.fullName, EventConsumerServiceDefinition.fullName],
    verifier: deps.verifier,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  grpc.server.add(GoalsServiceDefinition, goalsHandlers(deps));
  grpc.server.add(EventConsumerServiceDefinition, eventConsumerHandlers(deps.rewards));
  return grpc;
}
