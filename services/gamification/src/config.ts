// The gamification service's configuration, parsed once from the environment.
import { z } from 'zod';
import { env } from '@family/config';
import { authConnectionConfig } from '@family/auth-client';
import { eventLogConfig } from '@family/outbox';

export const gamificationConfigSchema = z.object({
  GAMIFICATION_GRPC_HOST: z.string().default('0.0.0.0'),
  GAMIFICATION_GRPC_PORT: env.port(50054),
  /** postgres:// URL; without it an embedded PGlite database is used (see PGLITE_DIR). */
  DATABASE_URL: env.url(),
  PGLITE_DIR: env.string(),
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('gamification'),
  /** mongodb:// URL: progress, boards, quests and badges live there; unset, in the Postgres schema. */
  GAMIFICATION_MONGODB_URL: env.url(),
  /** The MongoDB database (the URL's path, else this). */
  GAMIFICATION_MONGODB_DB: z.string().min(1).default('gamification'),
  ...authConnectionConfig('gamification'),
  /**
   * host:port of the expense service: who has spending limits, for the weekly "within the limit"
   * XP (scope expense:read). Unset, that task is off.
   */
  EXPENSE_GRPC_URL: env.string(),
  /** Pause between runs of the weekly-limits task (hourly, jittered); 0: only at start. */
  WEEKLY_LIMITS_INTERVAL_MS: env.int(3_600_000, 0),
  /** Event log: EVENT_SUBSCRIBERS, OUTBOX_POLL_MS, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETENTION_DAYS. */
  ...eventLogConfig,
  /** Prometheus metrics at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9467),
  LOG_LEVEL: env.logLevel(),
});

export type GamificationConfig = z.infer<typeof gamificationConfigSchema>;
