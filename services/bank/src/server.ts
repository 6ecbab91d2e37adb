// Pure factory: the BankService gRPC server (with health and reflection) over ready-made use cases.
// ListProviders and HandleWebhook take no bearer (webhooks are verified by the provider's signature).
import type { Logger } from '@family/logger';
import { BankServiceDefinition } from '@family/contracts/bank/v1/bank';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import { bankHandlers, type BankUseCases } from './handlers/bank.handlers.js';

const publicMethods = new Set(['ListProviders', 'HandleWebhook'].map((m) => `/${BankServiceDefinition.fullName}/${m}`));

export interface BankServerDeps extends BankUseCases {
  logger: Logger;
  verifier: TokenVerifier;
  metrics?: GrpcMetrics;
}

export function createBankServer(deps: BankServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [BankServiceDefinition.fullName],
    verifier: deps.verifier,
    publicMethods,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  grpc.server.add(BankServiceDefinition, bankHandlers(deps));
  return grpc;
}
