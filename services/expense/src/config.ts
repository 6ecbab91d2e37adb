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
  /** CSV files of at most this many rows are written within the call; larger ones run as jobs. */
  CSV_IMPORT_SYNC_ROWS: env.int(2000, 1),
  /**
   * On the embedded database (one connection for every query) a job writes this many rows per
   * transaction, letting other requests in between, and a file of more rows runs as a job.
   */
  CSV_IMPORT_CHUNK_ROWS: env.int(100, 1),
  /** How often the import worker looks for queued jobs (a submit wakes it at once); 0 turns polling off. */
  CSV_IMPORT_POLL_MS: env.int(1000, 0),
  /** How long a replica's claim on an import job holds before another may take the job over. */
  CSV_IMPORT_LEASE_MS: env.int(300_000, 1000),
  /** How long an import job and its result are kept. */
  CSV_IMPORT_RETENTION_DAYS: env.int(7, 1),
  /** Prometheus metrics (gRPC call durations) at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9464),
  LOG_LEVEL: env.logLevel(),
});

export type ExpenseConfig = z.infer<typeof expenseConfigSchema>;
