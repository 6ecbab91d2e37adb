import { z } from 'zod';
import { cipherKeys, env } from '@family/config';
import { eventLogConfig } from '@family/outbox';

export const authConfigSchema = z.object({
  AUTH_GRPC_HOST: z.string().default('0.0.0.0'),
  AUTH_GRPC_PORT: env.port(50051),
  /** postgres:// URL; without it an embedded PGlite database is used (see PGLITE_DIR). */
  DATABASE_URL: env.url(),
  PGLITE_DIR: env.string(),
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('auth'),
  JWT_ISSUER: z.string().default('family-auth'),
  JWT_AUDIENCE: z.string().default('family-api'),
  ACCESS_TOKEN_TTL_SECONDS: env.int(600, 30),
  REFRESH_TOKEN_TTL_DAYS: env.int(30, 1),
  SERVICE_TOKEN_TTL_SECONDS: env.int(600, 30),
  SIGNING_KEY_ROTATION_DAYS: env.int(30, 1),
  /**
   * Keys sealing the signing private keys at rest, `k1:<32 bytes base64>,k0:...`: the first seals,
   * any listed one opens (add a new key first, restart, then drop the old one).
   */
  SIGNING_KEY_ENCRYPTION_KEYS: cipherKeys(),
  /** "client-id:secret:scope1 scope2" entries separated by commas (a Kubernetes Secret in production). */
  AUTH_SERVICE_CLIENTS: z.string().default(''),
  ARGON2_MAX_CONCURRENCY: env.int(2, 1),
  ARGON2_MAX_QUEUE: env.int(64, 1),
  LOGIN_WINDOW_SECONDS: env.int(900, 1),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: env.int(5, 1),
  LOGIN_MAX_FAILURES_PER_ADDRESS: env.int(30, 1),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: env.int(20, 1),
  /** How long an email-verification link works (default 2 days). */
  EMAIL_VERIFICATION_TTL_MINUTES: env.int(2880, 1),
  /** How long a password-reset link works. */
  PASSWORD_RESET_TTL_MINUTES: env.int(30, 1),
  GOOGLE_JWKS_URL: z.url().default('https://www.googleapis.com/oauth2/v3/certs'),
  GOOGLE_ISSUERS: env.list('https://accounts.google.com,accounts.google.com'),
  GOOGLE_CLIENT_IDS: env.list(),
  APPLE_JWKS_URL: z.url().default('https://appleid.apple.com/auth/keys'),
  APPLE_ISSUERS: env.list('https://appleid.apple.com'),
  APPLE_CLIENT_IDS: env.list(),
  /**
   * The regions this installation runs (e.g. "eu,us"); each family is homed in one of them.
   * Empty: a single-region installation, families have no region.
   */
  REGIONS: env.list(),
  /** Where a family goes when neither its request nor its country names a region; default: the first. */
  DEFAULT_REGION: env.string(),
  /** Event log: EVENT_SUBSCRIBERS, OUTBOX_POLL_MS, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETENTION_DAYS. */
  ...eventLogConfig,
  /** Prometheus metrics (gRPC call durations) at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9464),
  LOG_LEVEL: env.logLevel(),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;
