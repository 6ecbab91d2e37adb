import { z } from 'zod';
import { env } from '@family/config';

export const devstackConfigSchema = z.object({
  /** A real Postgres; without it every service shares one embedded PGlite database on disk. */
  DATABASE_URL: env.url(),
  PGLITE_DIR: z.string().default('.data/pglite'),
  /** A running Redis; without it a private redis-server is started, if one is installed. */
  REDIS_URL: env.url(),
  HOST: z.string().default('127.0.0.1'),
  AUTH_GRPC_PORT: env.port(50051),
  EXPENSE_GRPC_PORT: env.port(50052),
  GOALS_GRPC_PORT: env.port(50053),
  NOTIFICATION_GRPC_PORT: env.port(50055),
  BFF_PORT: env.port(8080),
  LOG_LEVEL: env.logLevel(),
});

export type DevstackConfig = z.infer<typeof devstackConfigSchema>;
