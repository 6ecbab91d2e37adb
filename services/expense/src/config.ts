import { z } from 'zod';
import { env } from '@family/config';

export const expenseConfigSchema = z.object({
  EXPENSE_GRPC_HOST: z.string().default('0.0.0.0'),
  EXPENSE_GRPC_PORT: env.port(50052),
  /** postgres:// URL; without it an embedded PGlite database is used (see PGLITE_DIR). */
  DATABASE_URL: env.url(),
  PGLITE_DIR: env.string(),
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('expense'),
  /** The auth service: JWKS for verifying tokens, family settings, members, service tokens. */
  AUTH_GRPC_URL: z.string().min(1),
  AUTH_CLIENT_ID: z.string().default('expense'),
  AUTH_CLIENT_SECRET: z.string().min(1),
  JWT_ISSUER: z.string().default('family-auth'),
  JWT_AUDIENCE: z.string().default('family-api'),
  /** Event subscribers: set the address of each service that should receive expense's events. */
  NOTIFICATION_GRPC_URL: env.string(),
  GAMIFICATION_GRPC_URL: env.string(),
  OUTBOX_POLL_MS: env.int(1000, 10),
  /** How often the recurring-expense scheduler looks for due occurrences; 0 turns it off. */
  SCHEDULER_INTERVAL_MS: env.int(60_000, 0),
  /** How long the member list of a family (from auth) is trusted before it is fetched again. */
  MEMBER_CACHE_MS: env.int(60_000, 0),
  /** Prometheus metrics (gRPC call durations) at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9464),
  LOG_LEVEL: env.logLevel(),
});

export type ExpenseConfig = z.infer<typeof expenseConfigSchema>;
