// The bank service's configuration, parsed once from the environment. A provider is enabled when its
// settings are present; a half-configured provider stops start-up naming the missing variable, and the
// Plaid environment URL is never defaulted (so nothing reaches production by accident).
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { cipherKeys, env } from '@family/config';
import { authConnectionConfig } from '@family/auth-client';
import { eventLogConfig } from '@family/outbox';

/** A PEM key from the environment (literal `\n` escapes become newlines), checked to parse. */
function pem(kind: 'private' | 'public') {
  return env.string().transform((value, ctx) => {
    if (value === undefined) return undefined;
    const text = value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : value;
    try {
      if (kind === 'private') createPrivateKey(text);
      else createPublicKey(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not a PEM ${kind} key` });
      return z.NEVER;
    }
    return text;
  });
}

export const bankConfigSchema = z
  .object({
    BANK_GRPC_HOST: z.string().default('0.0.0.0'),
    BANK_GRPC_PORT: env.port(50056),
    /** postgres:// URL; without it an embedded PGlite database is used (see PGLITE_DIR). */
    DATABASE_URL: env.url(),
    PGLITE_DIR: env.string(),
    DB_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('bank'),
    ...authConnectionConfig('bank'),
    /** Event log: EVENT_SUBSCRIBERS, OUTBOX_POLL_MS, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETENTION_DAYS. */
    ...eventLogConfig,
    /** The expense service (host:port), which records the synced transactions as expenses. */
    EXPENSE_GRPC_URL: z.string({ error: 'is required: host:port of the expense service' }).min(1),
    /** Keys encrypting provider tokens at rest; the first encrypts, any listed key decrypts. */
    BANK_TOKEN_KEYS: cipherKeys(),
    PLAID_BASE_URL: env.url(),
    PLAID_CLIENT_ID: env.string(),
    PLAID_SECRET: env.string(),
    /** Where Plaid sends this deployment's webhooks (the BFF's POST /v1/webhooks/plaid). */
    PLAID_WEBHOOK_URL: env.url(),
    /** The OAuth redirect URI registered with Plaid, when OAuth institutions are used. */
    PLAID_REDIRECT_URI: env.url(),
    /** The name Plaid Link shows. */
    PLAID_CLIENT_NAME: z.string().min(1).default('Family Expenses'),
    /** Link sessions with a redirect URI use Plaid's Hosted Link (the web app's way to link Plaid). */
    PLAID_HOSTED_LINK: env.bool(true),
    /** Transactions per /transactions/sync page (Plaid allows 1–500). */
    PLAID_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(500),
    TRUELAYER_AUTH_URL: env.url(),
    TRUELAYER_API_URL: env.url(),
    TRUELAYER_CLIENT_ID: env.string(),
    TRUELAYER_CLIENT_SECRET: env.string(),
    /** The one JWKS URL TrueLayer webhook signatures may name (its `jku`). */
    TRUELAYER_WEBHOOK_JWKS_URL: env.url(),
    /** Tink's API host (e.g. https://api.tink.com) or its sandbox emulator: never defaulted. */
    TINK_API_URL: env.url(),
    /** Tink Link (e.g. https://link.tink.com) or its sandbox emulator: never defaulted. */
    TINK_LINK_URL: env.url(),
    TINK_CLIENT_ID: env.string(),
    TINK_CLIENT_SECRET: env.string(),
    /** The secret of this deployment's Tink webhook endpoint (X-Tink-Signature is an HMAC with it). */
    TINK_WEBHOOK_SECRET: env.string(),
    /** Finicity's API host (e.g. https://api.finicity.com) or its sandbox emulator: never defaulted. */
    FINICITY_API_URL: env.url(),
    FINICITY_PARTNER_ID: env.string(),
    FINICITY_SECRET: env.string(),
    FINICITY_APP_KEY: env.string(),
    /** Finicity-Signature webhooks are verified with this (HMAC-SHA256 of the body); unset: all refused. */
    FINICITY_WEBHOOK_SECRET: env.string(),
    /** Where Connect posts its events (the BFF's POST /v1/webhooks/finicity). */
    FINICITY_WEBHOOK_URL: env.url(),
    /** `testing` customers reach only Finicity's test banks; `active` ones are real (and billed). */
    FINICITY_CUSTOMER_TYPE: z.enum(['testing', 'active']).default('active'),
    /** Salt Edge's API (e.g. https://www.saltedge.com/api/v5) or its sandbox emulator: never defaulted. */
    SALTEDGE_API_URL: env.url(),
    SALTEDGE_APP_ID: env.string(),
    SALTEDGE_SECRET: env.string(),
    /** The client's RSA private key (PEM; `\n` escapes allowed): every request is signed with it. */
    SALTEDGE_PRIVATE_KEY: pem('private'),
    /** Salt Edge's public key (PEM) that callbacks are verified with. */
    SALTEDGE_CALLBACK_PUBLIC_KEY: pem('public'),
    /** The callback URL set at Salt Edge (the BFF's POST /v1/webhooks/saltedge): Salt Edge signs it. */
    SALTEDGE_CALLBACK_URL: env.url(),
    /** How many days the first sync of a connection reaches back. */
    BANK_FIRST_SYNC_DAYS: env.int(90, 1),
    /** Pause between scheduled syncs of one connection (jittered by 10 %); 0 turns the timer off. */
    BANK_SYNC_INTERVAL_MS: env.int(6 * 3600_000, 0),
    /** How often the scheduler looks for connections that are due (schedule, webhook, retry, consent). */
    BANK_SCHEDULER_POLL_MS: env.int(15_000, 0),
    /** First retry after a rate limit or outage; doubles per failure up to BANK_RETRY_MAX_MS. */
    BANK_RETRY_BASE_MS: env.int(30_000, 1),
    BANK_RETRY_MAX_MS: env.int(3600_000, 1),
    /** How long SyncConnection waits before answering that the sync continues in the background. */
    BANK_SYNC_WAIT_MS: env.int(3000, 0),
    /**
     * Parts of a sync batch the expense service records side by side (on Postgres; one embedded
     * connection takes them one after another anyway): parts never touch the same expense.
     */
    BANK_IMPORT_PARTS: env.int(2, 1),
    /** Provider transactions gathered into one batch: one expense import and one write (at most 5,000). */
    BANK_SYNC_BATCH: z.coerce.number().int().min(1).max(5000).default(5000),
    /** A sync's hold on its connection; renewed while it runs, taken over by another replica after. */
    BANK_SYNC_LEASE_MS: env.int(120_000, 1000),
    /** Webhooks signed longer ago than this (or this far in the future) are dropped as replays. */
    BANK_WEBHOOK_WINDOW_MS: env.int(5 * 60_000, 1000),
    /** How long a link session (its state) may be used. */
    BANK_LINK_SESSION_TTL_MS: env.int(30 * 60_000, 60_000),
    /** Prometheus metrics at http://host:METRICS_PORT/metrics; 0 turns it off. */
    METRICS_PORT: env.port(9469),
    LOG_LEVEL: env.logLevel(),
  })
  .superRefine((c, ctx) => {
    const plaid = {
      PLAID_BASE_URL: c.PLAID_BASE_URL,
      PLAID_CLIENT_ID: c.PLAID_CLIENT_ID,
      PLAID_SECRET: c.PLAID_SECRET,
    };
    const trueLayer = {
      TRUELAYER_AUTH_URL: c.TRUELAYER_AUTH_URL,
      TRUELAYER_API_URL: c.TRUELAYER_API_URL,
      TRUELAYER_CLIENT_ID: c.TRUELAYER_CLIENT_ID,
      TRUELAYER_CLIENT_SECRET: c.TRUELAYER_CLIENT_SECRET,
      TRUELAYER_WEBHOOK_JWKS_URL: c.TRUELAYER_WEBHOOK_JWKS_URL,
    };
    const tink = {
      TINK_API_URL: c.TINK_API_URL,
      TINK_LINK_URL: c.TINK_LINK_URL,
      TINK_CLIENT_ID: c.TINK_CLIENT_ID,
      TINK_CLIENT_SECRET: c.TINK_CLIENT_SECRET,
      TINK_WEBHOOK_SECRET: c.TINK_WEBHOOK_SECRET,
    };
    const finicity = {
      FINICITY_API_URL: c.FINICITY_API_URL,
      FINICITY_PARTNER_ID: c.FINICITY_PARTNER_ID,
      FINICITY_SECRET: c.FINICITY_SECRET,
      FINICITY_APP_KEY: c.FINICITY_APP_KEY,
    };
    const saltEdge = {
      SALTEDGE_API_URL: c.SALTEDGE_API_URL,
      SALTEDGE_APP_ID: c.SALTEDGE_APP_ID,
      SALTEDGE_SECRET: c.SALTEDGE_SECRET,
      SALTEDGE_PRIVATE_KEY: c.SALTEDGE_PRIVATE_KEY,
      SALTEDGE_CALLBACK_PUBLIC_KEY: c.SALTEDGE_CALLBACK_PUBLIC_KEY,
      SALTEDGE_CALLBACK_URL: c.SALTEDGE_CALLBACK_URL,
    };
    for (const [provider, settings] of [
      ['Plaid', plaid],
      ['TrueLayer', trueLayer],
      ['Salt Edge', saltEdge],
      ['Tink', tink],
      ['Finicity', finicity],
    ] as const) {
      const given = Object.values(settings).some((v) => v !== undefined);
      if (!given) continue;
      for (const [name, value] of Object.entries(settings)) {
        if (value === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `is required when ${provider} is enabled (another ${provider} setting is set)${
              name === 'SALTEDGE_API_URL' ? '; e.g. https://www.saltedge.com/api/v5 — there is no default' : ''
            }${
              name === 'TINK_API_URL' || name === 'TINK_LINK_URL'
                ? `; e.g. ${name === 'TINK_API_URL' ? 'https://api.tink.com' : 'https://link.tink.com'} — there is no default`
                : name === 'PLAID_BASE_URL'
                  ? '; e.g. https://sandbox.plaid.com — there is no default'
                  : name === 'FINICITY_API_URL'
                    ? '; e.g. https://api.finicity.com — there is no default'
                    : ''
            }`,
          });
        }
      }
    }
  });

export type BankConfig = z.infer<typeof bankConfigSchema>;

export const plaidEnabled = (c: BankConfig) => Boolean(c.PLAID_BASE_URL && c.PLAID_CLIENT_ID && c.PLAID_SECRET);
export const trueLayerEnabled = (c: BankConfig) =>
  Boolean(
    c.TRUELAYER_AUTH_URL &&
    c.TRUELAYER_API_URL &&
    c.TRUELAYER_CLIENT_ID &&
    c.TRUELAYER_CLIENT_SECRET &&
    c.TRUELAYER_WEBHOOK_JWKS_URL,
  );

export const finicityEnabled = (c: BankConfig) =>
  Boolean(c.FINICITY_API_URL && c.FINICITY_PARTNER_ID && c.FINICITY_SECRET && c.FINICITY_APP_KEY);

export const tinkEnabled = (c: BankConfig) =>
  Boolean(c.TINK_API_URL && c.TINK_LINK_URL && c.TINK_CLIENT_ID && c.TINK_CLIENT_SECRET && c.TINK_WEBHOOK_SECRET);

export const saltEdgeEnabled = (c: BankConfig) =>
  Boolean(
    c.SALTEDGE_API_URL &&
    c.SALTEDGE_APP_ID &&
    c.SALTEDGE_SECRET &&
    c.SALTEDGE_PRIVATE_KEY &&
    c.SALTEDGE_CALLBACK_PUBLIC_KEY &&
    c.SALTEDGE_CALLBACK_URL,
  );
