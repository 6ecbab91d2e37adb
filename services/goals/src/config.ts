import { z } from 'zod';
import { env } from '@family/config';
import { authConnectionConfig } from '@family/auth-client';
import { eventLogConfig } from '@family/outbox';

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
  ...authConnectionConfig('goals'),
  /** Event log: EVENT_SUBSCRIBERS, OUTBOX_POLL_MS, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETENTION_DAYS. */
  ...eventLogConfig,
  /** How often the scheduler (allowances, chores, interest) runs; 0 turns the timer off. */
  SCHEDULER_INTERVAL_MS: env.int(60_000, 0),
  /** Prometheus metrics (gRPC call durations) at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9464),
  LOG_LEVEL: env.logLevel(),
});

export type GoalsConfig = z.infer<typeof goalsConfigSchema>;
