import { z } from 'zod';
import { env } from '@family/config';

export const goalsConfigSchema = z.object({
  GOALS_GRPC_HOST: z.string().default('0.0.0.0'),
  GOALS_GRPC_PORT: env.port(50053),
  /** postgres:// URL; without it an embedded PGlite database is used (see PGLITE_DIR). */
  DATABASE_URL: env.url(),
  PGLITE_DIR: env.string(),
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('goals'),
  /** The auth service: JWKS for verifying tokens, family settings, members, service tokens. */
  AUTH_GRPC_URL: z.string({ error: 'is required: host:port of the auth service' }).min(1),
  AUTH_CLIENT_ID: z.string().default('goals'),
  AUTH_CLIENT_SECRET: z.string({ error: 'is required: the client secret of this service at the auth service' }).min(1),
  JWT_ISSUER: z.string().default('family-auth'),
  JWT_AUDIENCE: z.string().default('family-api'),
  /** Event subscribers: set the address of each service that should receive goals' events. */
  NOTIFICATION_GRPC_URL: env.string(),
  GAMIFICATION_GRPC_URL: env.string(),
  /** The expense service receives jar.spent (and only that) to record purchases paid from a jar. */
  EXPENSE_GRPC_URL: env.string(),
  OUTBOX_POLL_MS: env.int(1000, 10),
  /** How often the scheduler (allowances, chores, interest) runs; 0 turns the timer off. */
  SCHEDULER_INTERVAL_MS: env.int(60_000, 0),
  /** How long a family's member list (from auth) is trusted before it is fetched again. */
  MEMBER_CACHE_MS: env.int(60_000, 0),
  /** Prometheus metrics (gRPC call durations) at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9464),
  LOG_LEVEL: env.logLevel(),
});

export type GoalsConfig = z.infer<typeof goalsConfigSchema>;
