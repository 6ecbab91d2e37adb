// Everything a service needs from the auth service, built once in its composition root: a typed
// client, its own service token (client credentials), the gateway, and a verifier for callers' tokens.
import { createGrpcClient, TokenVerifier, type GrpcClientOptions } from '@family/grpc-kit';
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
  const verifier = new TokenVerifier({ keys: gateway.jwks(), issuer: options.issuer, audience: options.audience });
  return { client, serviceToken, gateway, verifier };
}
