// The BFF's environment, parsed once by main.ts (tests parse `{}` plus overrides).
import { z } from 'zod';
import { env } from '@family/config';

export const bffConfigSchema = z.object({
  BFF_HOST: z.string().default('0.0.0.0'),
  BFF_PORT: env.port(8080),
  /** host:port of the auth service's gRPC endpoint, e.g. 127.0.0.1:50051. */
  AUTH_GRPC_URL: z
    .string({ error: 'is required: host:port of the auth service, e.g. 127.0.0.1:50051' })
    .regex(/^\S+:\d+$/, 'must be host:port, e.g. 127.0.0.1:50051'),
  /** host:port of the expense service's gRPC endpoint, e.g. 127.0.0.1:50052. */
  EXPENSE_GRPC_URL: z
    .string({ error: 'is required: host:port of the expense service, e.g. 127.0.0.1:50052' })
    .regex(/^\S+:\d+$/, 'must be host:port, e.g. 127.0.0.1:50052'),
  /** host:port of the goals service's gRPC endpoint, e.g. 127.0.0.1:50053. */
  GOALS_GRPC_URL: z
    .string({ error: 'is required: host:port of the goals service, e.g. 127.0.0.1:50053' })
    .regex(/^\S+:\d+$/, 'must be host:port, e.g. 127.0.0.1:50053'),
  REDIS_URL: z.url({
    protocol: /^rediss?$/,
    error: (issue) => (issue.input === undefined ? 'is required: ' : 'must be ') + 'a redis:// or rediss:// URL',
  }),
  /** Prefix of every Redis key the BFF writes (rate limits, idempotency records). */
  REDIS_KEY_PREFIX: z.string().default('family:'),
  JWT_ISSUER: z.string().default('family-auth'),
  JWT_AUDIENCE: z.string().default('family-api'),
  /** Budget of one REST request, from arrival; every gRPC call it makes shares this deadline. */
  REQUEST_TIMEOUT_MS: env.int(10_000, 100),
  BODY_LIMIT: z.string().default('100kb'),
  /** Largest CSV file POST /v1/families/{familyId}/expenses/import accepts. */
  CSV_IMPORT_LIMIT: z.string().default('5mb'),
  /** Behind a load balancer: take the client address from X-Forwarded-For. */
  TRUST_PROXY: env.bool(false),
  RATE_LIMIT_PER_MINUTE: env.int(600, 1),
  /** Stricter budget for login, register, refresh and social login (per client address). */
  AUTH_RATE_LIMIT_PER_MINUTE: env.int(20, 1),
  IDEMPOTENCY_TTL_SECONDS: env.int(86_400, 60),
  LOG_LEVEL: env.logLevel(),
});

export type BffConfig = z.infer<typeof bffConfigSchema>;
