import { ServiceTokenSource } from '@family/grpc-kit';
import type { AuthClient } from './auth.gateway.js';

/** A service token for this service's own calls: client credentials at the auth service, renewed before expiry. */
export function clientCredentials(
  auth: AuthClient,
  credentials: { clientId: string; clientSecret: string; scopes: string[] },
): ServiceTokenSource {
  return new ServiceTokenSource(async () => {
    const r = await auth.issueServiceToken(credentials);
    return { accessToken: r.accessToken, expiresIn: r.expiresIn };
  });
}
