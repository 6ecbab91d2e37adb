import { z } from 'zod';
import { env } from '@family/config';
import { authConnectionConfig } from '@family/auth-client';
import { eventLogConfig } from '@family/outbox';

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
  ...authConnectionConfig('expense'),
  /** Event log: EVENT_SUBSCRIBERS, OUTBOX_POLL_MS, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETENTION_DAYS. */
  ...eventLogConfig,
  /** How often the recurring-expense scheduler looks for due occurrences; 0 turns it off. */
  SCHEDULER_INTERVAL_MS: env.int(60_000, 0),
  /** Prometheus metrics (gRPC call durations) at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9464),
  LOG_LEVEL: env.logLevel(),
});

export type ExpenseConfig = z.infer<typeof expenseConfigSchema>;
