// Everything a service needs from the auth service, built once in its composition root: a typed
// client, its own service token (client credentials), the gateway, and a verifier for callers' tokens.
import {
  createGrpcClient,
  RevocationFeed,
  TokenVerifier,
  type GrpcClientOptions,
  type RevocationFeedOptions,
} from '@family/grpc-kit';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { AuthGateway, type AuthClient } from './auth.gateway.js';
import { clientCredentials } from './client.credentials.js';
import type { AuthConnectionConfig } from './auth.connection.config.js';

export interface AuthConnectionOptions {
  address: string;
  clientId: string;
  clientSecret: string;
  /** Scopes this service's own token asks for (e.g. auth:read, events:write). */
  scopes: string[];
  issuer: string;
  audience: string;
  clientOptions?: GrpcClientOptions;
  /** Poll interval and staleness bound of the revocation feed (defaults: 250 ms, 1 s). */
  revocations?: Pick<RevocationFeedOptions, 'pollMs' | 'staleAfterMs'>;
}

/** The connection options a service's config (authConnectionConfig) describes. */
export function authConnectionOptions(
  config: AuthConnectionConfig,
  scopes: string[],
  clientOptions: GrpcClientOptions = {},
): AuthConnectionOptions {
  return {
    address: config.AUTH_GRPC_URL,
    clientId: config.AUTH_CLIENT_ID,
    clientSecret: config.AUTH_CLIENT_SECRET,
    scopes,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    clientOptions,
    revocations: { pollMs: config.REVOCATION_POLL_MS ?? 250, staleAfterMs: config.REVOCATION_STALE_MS ?? 1000 },
  };
}

export function connectToAuth(options: AuthConnectionOptions) {
  const client: AuthClient = createGrpcClient(AuthServiceDefinition, options.address, options.clientOptions ?? {});
  const serviceToken = clientCredentials(client, {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: options.scopes,
  });
  const gateway = new AuthGateway(client, serviceToken);
  // Every user token is checked against auth's revocations, kept in memory from a poll.
  const revocations = new RevocationFeed({ source: gateway.revocations(), ...options.revocations });
  const verifier = new TokenVerifier({
    keys: gateway.jwks(),
    issuer: options.issuer,
    audience: options.audience,
    revocations,
  });
  return { client, serviceToken, gateway, verifier, revocations };
}
