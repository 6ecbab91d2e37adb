// Pure factory: the ExpenseService gRPC server (with health and reflection) over ready-made use cases.
import type { Logger } from '@family/logger';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import type { ExpenseApp } from './app/expense.app.js';
import { expenseHandlers } from './handlers/expense.handlers.js';

export interface ExpenseServerDeps {
  logger: Logger;
  verifier: TokenVerifier;
  app: ExpenseApp;
  metrics?: GrpcMetrics;
}

export function createExpenseServer(deps: ExpenseServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [ExpenseServiceDefinition.fullName],
    verifier: deps.verifier,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  grpc.server.add(ExpenseServiceDefinition, expenseHandlers(deps.app));
  return grpc;
}
