import { z } from 'zod';
import { env } from '@family/config';

export const devstackConfigSchema = z.object({
  /** A real Postgres; without it every service shares one embedded PGlite database on disk. */
  DATABASE_URL: env.url(),
  PGLITE_DIR: z.string().default('.data/pglite'),
  /**
   * `many`: each service and the BFF's API and workers in its own process, as in containers (the
   * default with DATABASE_URL); `one`: all in the launcher's process (the default, and the only
   * choice, on the embedded database).
   */
  DEVSTACK_PROCESSES: z.enum(['one', 'many']).optional(),
  /** Extra Node options for each process of the `many` mode, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  DEVSTACK_NODE_ARGS: z.string().default(''),
  /** A running Redis; without it a private redis-server is started, if one is installed. */
  REDIS_URL: env.url(),
  HOST: z.string().default('127.0.0.1'),
  AUTH_GRPC_PORT: env.port(50051),
  EXPENSE_GRPC_PORT: env.port(50052),
  GOALS_GRPC_PORT: env.port(50053),
  GAMIFICATION_GRPC_PORT: env.port(50054),
  NOTIFICATION_GRPC_PORT: env.port(50055),
  BFF_PORT: env.port(8080),
  /** The web app (Next.js, served in front of the BFF); WEB=off leaves it out. */
  WEB_PORT: env.port(3000),
  WEB: z.enum(['on', 'off']).default('on'),
  /** The BFF's Prometheus /metrics listener (never the public port); 0 turns it off. */
  BFF_METRICS_PORT: env.port(9464),
  BANK_GRPC_PORT: env.port(50056),
  /** The provider sandboxes (local emulators), started unless that provider is configured for real. */
  PLAID_SANDBOX_PORT: env.port(8091),
  TRUELAYER_AUTH_SANDBOX_PORT: env.port(8092),
  TRUELAYER_API_SANDBOX_PORT: env.port(8093),
  TINK_SANDBOX_PORT: env.port(8094),
  FINICITY_SANDBOX_PORT: env.port(8096),
  SALTEDGE_SANDBOX_PORT: env.port(8097),
  /** Currency of the sandbox banks' accounts (a family in the same currency needs no exchange rates). */
  BANK_SANDBOX_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('EUR'),
  /** The sandbox console: sends signed provider webhooks, adds sandbox transactions. */
  SANDBOX_CONSOLE_PORT: env.port(8090),
  /** The SMTP emulator's mailbox over HTTP (a page, and JSON at /messages), when no SMTP server is set. */
  MAILBOX_PORT: env.port(8025),
  /** Where the bank service's token key lives when BANK_TOKEN_KEYS is not given (kept across runs). */
  BANK_TOKEN_KEYS_FILE: z.string().default('.data/bank-token-keys'),
  /** Where the key sealing auth's signing keys lives when SIGNING_KEY_ENCRYPTION_KEYS is not given. */
  SIGNING_KEY_ENCRYPTION_KEYS_FILE: z.string().default('.data/signing-key-encryption-keys'),
  LOG_LEVEL: env.logLevel(),
});

export type DevstackConfig = z.infer<typeof devstackConfigSchema>;
