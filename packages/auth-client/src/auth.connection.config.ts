// The environment every service that talks to auth reads: where auth is, this service's client
// credentials, what its callers' tokens must say, and how long member lists are trusted.
import { z } from 'zod';
import { env } from '@family/config';

/** Spread into a service's zod config schema; `clientId` is the service's default client id. */
export function authConnectionConfig(clientId: string) {
  return {
    /** The auth service (host:port): JWKS for verifying tokens, families, members, service tokens. */
    AUTH_GRPC_URL: z.string({ error: 'is required: host:port of the auth service' }).min(1),
    AUTH_CLIENT_ID: z.string().default(clientId),
    AUTH_CLIENT_SECRET: z
      .string({ error: 'is required: the client secret of this service at the auth service' })
      .min(1),
    JWT_ISSUER: z.string().default('family-auth'),
    JWT_AUDIENCE: z.string().default('family-api'),
    /** How long a family's member list (from auth) is trusted before it is fetched again. */
    MEMBER_CACHE_MS: env.int(60_000, 0),
    /** How often auth's revocations are polled while tokens are being checked. */
    REVOCATION_POLL_MS: env.int(250, 10),
    /** A token check waits for a fresh poll (or refuses with 503) once the last one is this old. */
    REVOCATION_STALE_MS: env.int(1000, 100),
    /**
     * The region this service runs in (e.g. "eu"): it serves only families homed here and refuses
     * the others without storing anything of theirs. Unset: a single-region installation.
     */
    REGION: env.string(),
  };
}

export interface AuthConnectionConfig {
  AUTH_GRPC_URL: string;
  AUTH_CLIENT_ID: string;
  AUTH_CLIENT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  MEMBER_CACHE_MS: number;
  REVOCATION_POLL_MS?: number;
  REVOCATION_STALE_MS?: number;
  REGION?: string | undefined;
}
