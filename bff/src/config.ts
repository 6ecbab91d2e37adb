// The BFF's environment, parsed once by main.ts (tests parse `{}` plus overrides).
import { z } from 'zod';
import { env } from '@family/config';

export const bffConfigSchema = z.object({
  BFF_HOST: z.string().default('0.0.0.0'),
  BFF_PORT: env.port(8080),
  /**
   * Prometheus /metrics on its own listener (same host as the API), never on the public port;
   * 0 turns it off. In worker mode /metrics is served on BFF_PORT, which is then not public.
   */
  METRICS_PORT: env.port(9464),
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
  /**
   * This edge's region in a multi-region installation (e.g. "eu"); with REGION_EDGES, a request
   * about a family homed elsewhere is answered by that region's edge. Unset: one region.
   */
  REGION: env.string(),
  /** The other regions' edges: "us=http://edge.us.internal:8080,eu=http://edge.eu.internal:8080". */
  REGION_EDGES: env.list(),

  /** api: REST only; worker: the delivery workers only; both (local, small installs): one process. */
  BFF_MODE: z.enum(['api', 'worker', 'both']).default('both'),
  /** host:port of the notification service; unset: notification routes answer 503, no SSE replay. */
  NOTIFICATION_GRPC_URL: env.string(),
  /** host:port of the gamification service, e.g. 127.0.0.1:50054; unset: its routes answer 503. */
  GAMIFICATION_GRPC_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\S+:\d+$/, 'must be host:port, e.g. 127.0.0.1:50054')
      .optional(),
  ),
  /** host:port of the bank service, e.g. 127.0.0.1:50056; unset: bank routes and webhooks answer 503. */
  BANK_GRPC_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\S+:\d+$/, 'must be host:port, e.g. 127.0.0.1:50056')
      .optional(),
  ),
  /** The BFF's client credentials at the auth service (service token for RemoveDeviceToken). */
  AUTH_CLIENT_ID: env.string(),
  AUTH_CLIENT_SECRET: env.string(),

  /** SMTP for email delivery: a URL (smtp://user:pass@host:587) or host/port/user/pass. */
  SMTP_URL: env.url(),
  SMTP_HOST: env.string(),
  SMTP_PORT: env.port(587),
  SMTP_SECURE: env.bool(false),
  SMTP_USER: env.string(),
  SMTP_PASS: env.string(),
  MAIL_FROM: z.string().default('Family Expenses <notifications@family.example>'),

  /** Expo push service; EXPO_BASE_URL points the workers at an emulator (tests, local). */
  EXPO_ACCESS_TOKEN: env.string(),
  EXPO_BASE_URL: env.url(),

  /** Twilio Messages API; TWILIO_BASE_URL points the workers at an emulator (tests, local). */
  TWILIO_ACCOUNT_SID: env.string(),
  TWILIO_AUTH_TOKEN: env.string(),
  TWILIO_FROM: env.string(),
  TWILIO_BASE_URL: env.url(),

  /**
   * Jobs each worker process has in hand per channel. Push jobs in hand share Expo requests (up to 100
   * messages each, gathered for PUSH_BATCH_WAIT_MS); emails share the SMTP_MAX_CONNECTIONS connections.
   */
  PUSH_CONCURRENCY: env.int(200, 1),
  EMAIL_CONCURRENCY: env.int(50, 1),
  SMS_CONCURRENCY: env.int(5, 1),
  PUSH_BATCH_WAIT_MS: env.int(20, 0),
  /** SMTP connections each worker process keeps open, and mails per connection before a new one. */
  SMTP_MAX_CONNECTIONS: env.int(10, 1),
  SMTP_MAX_MESSAGES_PER_CONNECTION: env.int(100, 1),
  /**
   * Sends per second per provider, for the whole deployment (every replica's workers together): Expo
   * accepts 600 notifications/s per project; Twilio sends 1 message/s from a US long code (toll-free 3,
   * short code 100: raise it for such a sender); EMAIL as agreed with the SMTP relay.
   */
  PUSH_RATE_PER_SECOND: env.int(600, 1),
  EMAIL_RATE_PER_SECOND: env.int(1000, 1),
  SMS_RATE_PER_SECOND: env.int(1, 1),
  /** Expo push receipts are read this long after sending (Expo: allow up to 15 minutes). */
  PUSH_RECEIPT_DELAY_MS: env.int(15 * 60_000, 0),
  /** Deadline of one provider call (SMTP, Expo, Twilio) or internal gRPC call made by a worker. */
  DELIVERY_TIMEOUT_MS: env.int(15_000, 100),

  /** A comment line on every open /v1/events stream this often, so proxies keep it open. */
  SSE_HEARTBEAT_MS: env.int(25_000, 10),
  /** Most notifications replayed after Last-Event-ID (the inbox's first page). */
  SSE_REPLAY_LIMIT: env.int(50, 1),

  /** GraphQL schema introspection (and the GraphiQL page): on for the local stack, off in production. */
  GRAPHQL_INTROSPECTION: env.bool(false),
  /** Only persisted operations (documentId / persistedQuery hash) are executed; free-form documents are refused. */
  GRAPHQL_PERSISTED_ONLY: env.bool(false),
  /** Limits checked before anything executes (graphql-armor). */
  GRAPHQL_MAX_DEPTH: env.int(8, 1),
  GRAPHQL_MAX_COST: env.int(5000, 1),
  GRAPHQL_MAX_ALIASES: env.int(15, 0),
  GRAPHQL_MAX_TOKENS: env.int(2000, 1),

  /** Web origins allowed to call the API from a browser (comma-separated, exact); empty: none. */
  CORS_ORIGINS: env.list(),
  /** Cross-origin requests may carry cookies or HTTP auth (the apps use bearer tokens: off). */
  CORS_CREDENTIALS: env.bool(false),
});

export type BffConfig = z.infer<typeof bffConfigSchema>;
