// Composition root of the auth service: builds stores and use cases over a SqlHandle, migrates,
// starts the gRPC server and the outbox relay. main.ts and the local launcher both call this.
import { SecretCipher } from '@family/config';
import { createKysely, migrateToLatest, type SqlHandle } from '@family/db';
import type { Logger } from '@family/logger';
import { openEventLog, type OutboxRelay } from '@family/outbox';
import { RevocationFeed, ServiceTokenSource, TokenVerifier, type GrpcMetrics } from '@family/grpc-kit';
import { PeriodicTask, Scopes } from '@family/service-kit';
import type { AuthConfig } from './config.js';
import type { AuthDatabase } from './db/schema.js';
import { migrations } from './db/migrations/index.js';
import { UsersStore } from './store/users.store.js';
import { FamiliesStore } from './store/families.store.js';
import { SessionsStore } from './store/sessions.store.js';
import { RevocationsStore } from './store/revocations.store.js';
import { AccountTokensStore } from './store/account-tokens.store.js';
import { ThrottleStore } from './store/throttle.store.js';
import { ServiceClientsStore } from './store/service-clients.store.js';
import { SigningKeysStore } from './store/signing-keys.store.js';
import { PasswordHasher } from './app/password.hasher.js';
import { KeyRing } from './app/key.ring.js';
import { sha256, TokenIssuer } from './app/token.issuer.js';
import { SocialVerifier } from './app/social.verifier.js';
import { Accounts } from './app/accounts.js';
import { Families } from './app/families.js';
import { createAuthServer } from './server.js';

export interface RunningAuthService {
  port: number;
  address: string;
  accounts: Accounts;
  keys: KeyRing;
  relay: OutboxRelay;
  verifier: TokenVerifier;
  stop(): Promise<void>;
}

/** Parses AUTH_SERVICE_CLIENTS: "id:secret:scope1 scope2,id2:secret2:scope". */
export function parseServiceClients(value: string) {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      // Scopes may contain colons themselves ("auth:read"), so only the first two separate fields.
      const first = entry.indexOf(':');
      const second = entry.indexOf(':', first + 1);
      const clientId = first > 0 ? entry.slice(0, first) : '';
      const secret = second > first ? entry.slice(first + 1, second) : entry.slice(first + 1);
      const scopes = second > first ? entry.slice(second + 1) : '';
      if (!clientId || !secret) throw new Error('AUTH_SERVICE_CLIENTS: each entry must be client-id:secret:scopes');
      return { clientId, secretHash: sha256(secret), scopes: scopes.split(' ').filter(Boolean) };
    });
}

export async function startAuthService(input: {
  config: AuthConfig;
  sql: SqlHandle;
  logger: Logger;
  metrics?: GrpcMetrics;
}): Promise<RunningAuthService> {
  const { config, logger } = input;
  const db = createKysely<AuthDatabase>(input.sql, config.DB_SCHEMA);
  await migrateToLatest(db, config.DB_SCHEMA, migrations);

  const sessions = new SessionsStore(db);
  const revocations = new RevocationsStore(db);
  // A revocation matters while a token issued before it can be alive (and a margin for clocks).
  const revocationWindowMs = (Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.SERVICE_TOKEN_TTL_SECONDS) + 300) * 1000;
  const keys = new KeyRing(
    new SigningKeysStore(db),
    new SecretCipher(config.SIGNING_KEY_ENCRYPTION_KEYS, 'SIGNING_KEY_ENCRYPTION_KEYS'),
    {
      rotationDays: config.SIGNING_KEY_ROTATION_DAYS,
      maxTokenTtlSeconds: Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.SERVICE_TOKEN_TTL_SECONDS),
    },
  );
  const sealed = await keys.sealStoredKeys();
  if (sealed > 0) logger.info({ sealed }, 'signing keys sealed under the current encryption key');
  await keys.ensureCurrent();
  const serviceClients = new ServiceClientsStore(db);
  await serviceClients.upsert(parseServiceClients(config.AUTH_SERVICE_CLIENTS));
  const issuer = new TokenIssuer(keys, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    serviceTtlSeconds: config.SERVICE_TOKEN_TTL_SECONDS,
  });

  // Event subscribers come from EVENT_SUBSCRIBERS; auth signs its own token.
  const ownToken = new ServiceTokenSource(async () => {
    const t = await issuer.serviceToken('auth', [Scopes.EVENTS_WRITE]);
    return { accessToken: t.token, expiresIn: t.expiresIn };
  });
  const { outbox, relay } = openEventLog({
    db,
    producer: 'auth',
    config,
    token: () => ownToken.get(),
    logger,
    metrics: input.metrics,
  });

  const deps = {
    db,
    users: new UsersStore(db),
    families: new FamiliesStore(db),
    sessions,
    revocations,
    revocationWindowMs,
    throttle: new ThrottleStore(db),
    serviceClients,
    hasher: new PasswordHasher(config.ARGON2_MAX_CONCURRENCY, config.ARGON2_MAX_QUEUE),
    issuer,
    keys,
    social: new SocialVerifier({
      google: { jwksUrl: config.GOOGLE_JWKS_URL, issuers: config.GOOGLE_ISSUERS, audiences: config.GOOGLE_CLIENT_IDS },
      apple: { jwksUrl: config.APPLE_JWKS_URL, issuers: config.APPLE_ISSUERS, audiences: config.APPLE_CLIENT_IDS },
    }),
    outbox,
    limits: {
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
      perLoginAndAddress: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
      perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      perLogin: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    },
    refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    accountTokens: new AccountTokensStore(db),
    linkTtlMinutes: {
      EMAIL_VERIFICATION: config.EMAIL_VERIFICATION_TTL_MINUTES,
      PASSWORD_RESET: config.PASSWORD_RESET_TTL_MINUTES,
    },
    regions: { regions: config.REGIONS, defaultRegion: config.DEFAULT_REGION },
  };
  const accounts = new Accounts(deps);
  const families = new Families(deps, accounts);
  // Verifying our own tokens reads keys from our own table; a short cooldown picks up a rotation.
  // Revocations come from our own table too, through the same feed every other service polls.
  const revocationFeed = new RevocationFeed({
    source: async (since) => {
      const r = await accounts.revocationsSince(since);
      return {
        asOf: r.asOf,
        entries: r.rows.map((row) => ({
          userId: row.user_id,
          sessionId: row.session_id ?? undefined,
          familyId: row.family_id ?? undefined,
          role: row.role ?? undefined,
          notBefore: row.not_before,
        })),
      };
    },
    keepMs: revocationWindowMs,
    onError: (err) => logger.warn({ err }, 'revocation poll failed'),
  });
  const verifier = new TokenVerifier({
    keys: () => keys.publicJwks(),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    refreshCooldownMs: 1000,
    revocations: revocationFeed,
  });
  const grpc = createAuthServer({
    logger,
    verifier,
    accounts,
    families,
    keys,
    sessions,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const port = await grpc.listen(config.AUTH_GRPC_HOST, config.AUTH_GRPC_PORT);
  relay.start();
  // The current key was just ensured; the hourly check rotates it once it is due.
  const rotation = new PeriodicTask({
    name: 'signing-key-rotation',
    intervalMs: 3600_000,
    run: () => keys.ensureCurrent(),
    runAtStart: false,
    logger,
    registry: input.metrics?.registry,
  });
  rotation.start();
  const pruning = new PeriodicTask({
    name: 'revocation-pruning',
    intervalMs: 3600_000,
    run: () => revocations.prune(new Date(Date.now() - revocationWindowMs - 86400_000)),
    runAtStart: false,
    logger,
    registry: input.metrics?.registry,
  });
  pruning.start();
  logger.info({ port }, 'auth service listening');

  return {
    port,
    address: `127.0.0.1:${port}`,
    accounts,
    keys,
    relay,
    verifier,
    async stop() {
      revocationFeed.stop();
      await pruning.stop();
      await rotation.stop();
      await grpc.shutdown();
      await relay.stop();
    },
  };
}
