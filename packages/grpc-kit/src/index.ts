export { toServerError, errorMappingMiddleware } from './error.mapping.js';
export { problemFromClientError, type GrpcFailure } from './client.errors.js';
export {
  type Caller,
  type UserCaller,
  type ServiceCaller,
  type FamilyRole,
  type Membership,
  anonymous,
  requireUser,
  requireMembership,
  requireScope,
  PARENT_ROLES,
} from './caller.js';
export { ACCESS_TOKEN_TYPE, TOKEN_ALG, type UserClaims, type ServiceClaims, callerFromClaims } from './token.claims.js';
export { TokenVerifier, type KeySource, type TokenVerifierOptions } from './token.verifier.js';
export {
  RevocationFeed,
  type RevocationEntry,
  type RevocationFeedOptions,
  type RevocationSource,
} from './revocation.feed.js';
export { authMiddleware, type AuthContext } from './auth.middleware.js';
export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from './server.factory.js';
export {
  createGrpcClient,
  openChannel,
  type GrpcClientOptions,
  type KitCallOptions,
  callMetadata,
} from './client.factory.js';
export { GrpcMetrics } from './grpc.metrics.js';
export { ServiceTokenSource } from './service.token.js';
export { installShutdown, type Shutdown, type ShutdownStep } from './shutdown.js';
export { Metadata, Status, ClientError, ServerError } from 'nice-grpc';
export { startMetricsServer } from './metrics.server.js';
export { runServiceProcess, type StartedProcess } from './service.process.js';
// The standard health service, for clients that probe a server (readiness checks, tests).
export { HealthDefinition } from 'nice-grpc-server-health';
