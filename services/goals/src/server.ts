// Pure factory: the GoalsService gRPC server (with health and reflection) over ready-made use cases.
import type { Logger } from '@family/logger';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import { goalsHandlers, type GoalsUseCases } from './handlers/goals.handlers.js';

export interface GoalsServerDeps extends GoalsUseCases {
  logger: Logger;
  verifier: TokenVerifier;
  metrics?: GrpcMetrics;
}

export function createGoalsServer(deps: GoalsServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [GoalsServiceDefinition.fullName],
    verifier: deps.verifier,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  grpc.server.add(GoalsServiceDefinition, goalsHandlers(deps));
  return grpc;
}
