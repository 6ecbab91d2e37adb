// Pure factory: the ExpenseService gRPC server (with health and reflection) over ready-made use cases,
// also serving EventConsumerService for the producers' relays (goals sends jar.spent).
import type { Logger } from '@family/logger';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import type { ExpenseApp } from './app/expense.app.js';
import { expenseHandlers } from './handlers/expense.handlers.js';
import { eventConsumerHandlers } from './handlers/event.consumer.handlers.js';

export interface ExpenseServerDeps {
  logger: Logger;
  verifier: TokenVerifier;
  app: ExpenseApp;
  metrics?: GrpcMetrics;
}

export function createExpenseServer(deps: ExpenseServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [ExpenseServiceDefinition.fullName, EventConsumerServiceDefinition.fullName],
    verifier: deps.verifier,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  grpc.server.add(ExpenseServiceDefinition, expenseHandlers(deps.app));
  grpc.server.add(EventConsumerServiceDefinition, eventConsumerHandlers(deps.app));
  return grpc;
}
