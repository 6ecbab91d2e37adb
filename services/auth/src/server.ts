// Pure factory: the AuthService gRPC server (with health and reflection) over ready-made deps.
import type { Logger } from '@family/logger';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { AppError } from '@family/errors';
import { createGrpcServer, type GrpcMetrics, type GrpcServer, type TokenVerifier } from '@family/grpc-kit';
import type { Accounts } from './app/accounts.js';
import type { Families } from './app/families.js';
import type { KeyRing } from './app/key.ring.js';
import type { SessionsStore } from './store/sessions.store.js';
import { authHandlers } from './handlers/auth.handlers.js';

const publicMethods = new Set(
  [
    'Register',
    'Login',
    'Refresh',
    'Logout',
    'SocialLogin',
    'GetJwks',
    'IssueServiceToken',
    'VerifyEmail',
    'RequestPasswordReset',
    'ResetPassword',
  ].map((m) => `/${AuthServiceDefinition.fullName}/${m}`),
);

export interface AuthServerDeps {
  logger: Logger;
  verifier: TokenVerifier;
  accounts: Accounts;
  families: Families;
  keys: KeyRing;
  sessions: SessionsStore;
  metrics?: GrpcMetrics;
}

export function createAuthServer(deps: AuthServerDeps): GrpcServer {
  const grpc = createGrpcServer({
    logger: deps.logger,
    serviceNames: [AuthServiceDefinition.fullName],
    verifier: deps.verifier,
    publicMethods,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    // This service owns sessions, so its own calls also refuse tokens of sessions ended since issue.
    afterVerify: async (caller) => {
      if (caller.kind === 'user' && !(await deps.sessions.isActive(caller.sessionId))) {
        throw AppError.unauthenticated('This session has ended', 'SESSION_REVOKED');
      }
    },
  });
  grpc.server.add(AuthServiceDefinition, authHandlers(deps.accounts, deps.families, deps.keys));
  return grpc;
}
