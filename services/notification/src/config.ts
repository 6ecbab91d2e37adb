import { z } from 'zod';
import { env } from '@family/config';
import { authConnectionConfig } from '@family/auth-client';

export const notificationConfigSchema = z.object({
  NOTIFICATION_GRPC_HOST: z.string().default('0.0.0.0'),
  NOTIFICATION_GRPC_PORT: env.port(50055),
  /** Redis holds everything this service owns (inbox, preferences, devices, BullMQ queues). */
  REDIS_URL: z.url({ error: 'is required: redis:// URL of the Redis that holds inboxes and queues' }),
  /** Every key this service writes starts with this (tests use a unique one per suite). */
  REDIS_KEY_PREFIX: z.string().default('family:'),
  ...authConnectionConfig('notification'),
  /** The expense and goals services: the daily digest's spending, budgets and chores waiting for approval. */
  EXPENSE_GRPC_URL: z.string({ error: 'is required: host:port of the expense service' }).min(1),
  GOALS_GRPC_URL: z.string({ error: 'is required: host:port of the goals service' }).min(1),
  /** The web app's address (`npm start` serves it on :3000): verification and password-reset links open its pages. */
  APP_URL: z.url().default('http://127.0.0.1:3000'),
  /** Newest notifications kept per user; older ones are trimmed. */
  INBOX_MAX_ITEMS: env.int(500, 1),
  /** How long an (event, recipient) pair is remembered for deduplication. */
  DEDUP_TTL_SECONDS: env.int(7 * 24 * 3600, 60),
  /** Delivery retries: attempts per job and the first exponential backoff delay. */
  DELIVERY_ATTEMPTS: env.int(8, 1),
  DELIVERY_BACKOFF_MS: env.int(5000, 1),
  /** Finished jobs kept in the queues (count), so Redis stays bounded. */
  KEEP_COMPLETED_JOBS: env.int(1000, 0),
  KEEP_FAILED_JOBS: env.int(5000, 0),
  /** Local hour (0–23, user's zone) from which the daily digest for that day is sent. */
  DIGEST_HOUR: env.int(18, 0).pipe(z.number().max(23)),
  /** How often the digest pass runs; 0 turns the timer off. */
  DIGEST_INTERVAL_MS: env.int(5 * 60_000, 0),
  /** Prometheus metrics at http://host:METRICS_PORT/metrics; 0 turns it off. */
  METRICS_PORT: env.port(9466),
  LOG_LEVEL: env.logLevel(),
});

export type NotificationConfig = z.infer<typeof notificationConfigSchema>;
