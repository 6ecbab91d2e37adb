// Starts the whole mesh for local use: every service on its own gRPC port, and the BFF in front.
// On an embedded database, all in this one process; on Postgres (DATABASE_URL), each service and
// the BFF's API and workers in a process of their own, as in containers. Ctrl-C stops everything.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '@family/config';
import { openSql } from '@family/db';
import { createLogger } from '@family/logger';
import { installShutdown, type Shutdown, type ShutdownStep } from '@family/grpc-kit';
import { Scopes, type Scope } from '@family/service-kit';
import { authConfigSchema, startAuthService } from '@family/auth-service';
import { bankConfigSchema, startBankService } from '@family/bank-service';
import { expenseConfigSchema, startExpenseService } from '@family/expense-service';
import { gamificationConfigSchema, startGamificationService } from '@family/gamification-service';
import { goalsConfigSchema, startGoalsService } from '@family/goals-service';
import { notificationConfigSchema, startNotificationService } from '@family/notification-service';
import { startExpoEmulator, startSmtpEmulator, startTwilioEmulator } from '@family/emulators';
import { bffConfigSchema, startBff } from '@family/bff';
import { SANDBOX_CREDENTIALS, startBankSandboxes } from './bank.sandboxes.js';
import { startMeshProcess, type MeshEntry } from './mesh.processes.js';
import { localBankTokenKeys } from './bank.token.keys.js';
import { devstackConfigSchema } from './config.js';
import { RedisMissingError, startPrivateRedis } from './redis.process.js';

/** A Ctrl-C came while the system was starting: what was starting is stopped, and nothing more starts. */
class StartInterrupted extends Error {}

let shutdown: Shutdown | undefined;

async function main() {
  const config = loadConfig(devstackConfigSchema);
  const logger = createLogger('devstack', config.LOG_LEVEL);
  const env = process.env;

  // What has started, stopped on Ctrl-C or SIGTERM also while the rest is still starting: the BFF
  // first, then the services in the reverse of their start order, then what they use.
  type Stoppable = { stop(): Promise<void> };
  const stops: ShutdownStep[] = [];
  const held: { sql?: Stoppable; emulators: Stoppable[]; sandboxes?: Stoppable; redis?: Stoppable } = { emulators: [] };
  shutdown = installShutdown(logger, () => [
    ...stops,
    { name: 'database', run: async () => held.sql?.stop() },
    { name: 'emulators', run: async () => void (await Promise.all(held.emulators.map((e) => e.stop()))) },
    { name: 'bank sandboxes', run: async () => held.sandboxes?.stop() },
    { name: 'redis', run: async () => held.redis?.stop() },
  ]);
  /** Keeps what just started for the shutdown; when a signal came meanwhile, stops it and starts nothing more. */
  const keep = async <T extends Stoppable>(started: T, hold: (started: T) => void): Promise<T> => {
    if (shutdown?.begun) {
      await started.stop();
      throw new StartInterrupted();
    }
    hold(started);
    return started;
  };
  const keepService = <T extends Stoppable>(name: string, started: T) =>
    keep(started, () => stops.unshift({ name, run: () => started.stop() }));

  const redis = config.REDIS_URL
    ? { url: config.REDIS_URL, stop: async () => undefined }
    : await keep(await startPrivateRedis(config.HOST, resolve('.data/redis')), (r) => (held.redis = r));
  const pgliteDir = resolve(config.PGLITE_DIR);
  const processes = config.DEVSTACK_PROCESSES ?? (config.DATABASE_URL ? 'many' : 'one');
  if (processes === 'many' && !config.DATABASE_URL) {
    throw new ConfigError('DEVSTACK_PROCESSES=many needs DATABASE_URL: processes cannot share an embedded database.');
  }
  const sql =
    processes === 'one'
      ? await openSql({ databaseUrl: config.DATABASE_URL, dataDir: pgliteDir }).then((opened) =>
          keep({ stop: () => opened.close() }, (closer) => (held.sql = closer)).then(() => opened),
        )
      : undefined;
  const nodeArgs = config.DEVSTACK_NODE_ARGS.split(/\s+/).filter(Boolean);
  /**
   * One service: in this process over the shared database, or as its own process with the same
   * settings (its metrics listener off: the default ports would collide on one machine).
   */
  const launch = async (
    name: MeshEntry,
    port: number,
    settings: Record<string, string>,
    inProcess: (
      env: NodeJS.ProcessEnv,
      db: NonNullable<typeof sql>,
    ) => Promise<{ port: number; stop(): Promise<void> }>,
  ): Promise<string> => {
    if (!sql) {
      const address = `${config.HOST}:${port}`;
      const child = await startMeshProcess({
        name,
        entry: name,
        env: { ...settings, METRICS_PORT: '0' },
        nodeArgs,
        grpcAddress: address,
      });
      await keepService(name, child);
      return address;
    }
    const started = await keepService(name, await inProcess({ ...env, ...settings }, sql));
    return `${config.HOST}:${started.port}`;
  };

  // Service credentials for this run only: each service gets a client at auth with what it may do.
  const secret = () => randomBytes(24).toString('base64url');
  const credentials = {
    expense: secret(),
    goals: secret(),
    gamification: secret(),
    bank: secret(),
    notification: secret(),
    bff: secret(),
  };
  const client = (id: keyof typeof credentials, ...scopes: Scope[]) => `${id}:${credentials[id]}:${scopes.join(' ')}`;
  const serviceClients = [
    client('expense', Scopes.AUTH_READ, Scopes.EVENTS_WRITE),
    client('goals', Scopes.AUTH_READ, Scopes.EVENTS_WRITE),
    // Reads families, delivers its events, reads who has spending limits (the weekly limit XP).
    client('gamification', Scopes.AUTH_READ, Scopes.EVENTS_WRITE, Scopes.EXPENSE_READ),
    // Reads families, delivers its events, records synced transactions as expenses.
    client('bank', Scopes.AUTH_READ, Scopes.EVENTS_WRITE, Scopes.EXPENSE_IMPORT),
    client('notification', Scopes.AUTH_READ, Scopes.EXPENSE_READ, Scopes.GOALS_READ),
    client('bff', Scopes.NOTIFICATIONS_DELIVER),
  ].join(',');

  // Producers learn the notification service's fixed address up front; their relays retry until it
  // is up (it starts last among the services: it needs auth's keys and reads expense and goals).
  const notificationUrl = `${config.HOST}:${config.NOTIFICATION_GRPC_PORT}`;
  // Gamification earns progress from every producer's events, so it too has a fixed address.
  const gamificationUrl = `${config.HOST}:${config.GAMIFICATION_GRPC_PORT}`;
  const subscribers = (...extra: string[]) =>
    [`notification=${notificationUrl}`, `gamification=${gamificationUrl}`, ...extra].join(',');
  const authUrl = await launch(
    'auth',
    config.AUTH_GRPC_PORT,
    {
      AUTH_GRPC_HOST: config.HOST,
      AUTH_GRPC_PORT: String(config.AUTH_GRPC_PORT),
      AUTH_SERVICE_CLIENTS: [env.AUTH_SERVICE_CLIENTS, serviceClients].filter(Boolean).join(','),
      EVENT_SUBSCRIBERS: subscribers(),
      // Kept under .data (or given): a new key each start could not open the signing keys stored before.
      SIGNING_KEY_ENCRYPTION_KEYS:
        env.SIGNING_KEY_ENCRYPTION_KEYS || localBankTokenKeys(resolve(config.SIGNING_KEY_ENCRYPTION_KEYS_FILE)),
    },
    (settings, db) =>
      startAuthService({
        config: loadConfig(authConfigSchema, settings),
        sql: db,
        logger: logger.child({ service: 'auth' }),
      }),
  );
  const expenseUrl = await launch(
    'expense',
    config.EXPENSE_GRPC_PORT,
    {
      EXPENSE_GRPC_HOST: config.HOST,
      EXPENSE_GRPC_PORT: String(config.EXPENSE_GRPC_PORT),
      AUTH_GRPC_URL: authUrl,
      AUTH_CLIENT_ID: 'expense',
      AUTH_CLIENT_SECRET: credentials.expense,
      EVENT_SUBSCRIBERS: subscribers(),
    },
    (settings, db) =>
      startExpenseService({
        config: loadConfig(expenseConfigSchema, settings),
        sql: db,
        logger: logger.child({ service: 'expense' }),
      }),
  );
  const goalsUrl = await launch(
    'goals',
    config.GOALS_GRPC_PORT,
    {
      GOALS_GRPC_HOST: config.HOST,
      GOALS_GRPC_PORT: String(config.GOALS_GRPC_PORT),
      AUTH_GRPC_URL: authUrl,
      AUTH_CLIENT_ID: 'goals',
      AUTH_CLIENT_SECRET: credentials.goals,
      // The expense service records purchases paid from a jar, and wants nothing else.
      EVENT_SUBSCRIBERS: subscribers(`expense=${expenseUrl}[jar.spent]`),
    },
    (settings, db) =>
      startGoalsService({
        config: loadConfig(goalsConfigSchema, settings),
        sql: db,
        logger: logger.child({ service: 'goals' }),
      }),
  );
  // Its Postgres store on the same database unless GAMIFICATION_MONGODB_URL is set; its news (badges,
  // levels, streaks, quests) goes to the notification service, and rewards to the goals service.
  await launch(
    'gamification',
    config.GAMIFICATION_GRPC_PORT,
    {
      GAMIFICATION_GRPC_HOST: config.HOST,
      GAMIFICATION_GRPC_PORT: String(config.GAMIFICATION_GRPC_PORT),
      AUTH_GRPC_URL: authUrl,
      AUTH_CLIENT_ID: 'gamification',
      AUTH_CLIENT_SECRET: credentials.gamification,
      EXPENSE_GRPC_URL: expenseUrl,
      // The goals service pays parent-made badges' rewards into the jar, once per reward key.
      EVENT_SUBSCRIBERS: `notification=${notificationUrl},goals=${goalsUrl}[achievement.unlocked]`,
    },
    (settings, db) =>
      startGamificationService({
        config: loadConfig(gamificationConfigSchema, settings),
        sql: db,
        logger: logger.child({ service: 'gamification' }),
      }),
  );
  await launch(
    'notification',
    config.NOTIFICATION_GRPC_PORT,
    {
      NOTIFICATION_GRPC_HOST: config.HOST,
      NOTIFICATION_GRPC_PORT: String(config.NOTIFICATION_GRPC_PORT),
      REDIS_URL: redis.url,
      AUTH_GRPC_URL: authUrl,
      AUTH_CLIENT_ID: 'notification',
      AUTH_CLIENT_SECRET: credentials.notification,
      EXPENSE_GRPC_URL: expenseUrl,
      GOALS_GRPC_URL: goalsUrl,
      // Verification and password-reset links open the web app.
      APP_URL: `http://${config.HOST}:${config.WEB_PORT}`,
    },
    (settings) =>
      startNotificationService({
        config: loadConfig(notificationConfigSchema, settings),
        logger: logger.child({ service: 'notification' }),
      }),
  );
  // Bank providers: each one not configured for real is its local sandbox (an emulator the real client
  // library talks to unchanged) on a fixed port, so link URLs and webhooks work from curl.
  const bffUrl = `http://${config.HOST}:${config.BFF_PORT}`;
  // The Salt Edge sandbox verifies request signatures: a key pair for this run, its public half to the
  // emulator (as a client uploads it at Salt Edge), the private half to the bank service.
  const saltEdgeKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sandboxes = await keep(
    await startBankSandboxes({
      host: config.HOST,
      plaidPort: config.PLAID_SANDBOX_PORT,
      trueLayerAuthPort: config.TRUELAYER_AUTH_SANDBOX_PORT,
      trueLayerApiPort: config.TRUELAYER_API_SANDBOX_PORT,
      tinkPort: config.TINK_SANDBOX_PORT,
      finicityPort: config.FINICITY_SANDBOX_PORT,
      saltEdgePort: config.SALTEDGE_SANDBOX_PORT,
      saltEdgeClientPublicKey: saltEdgeKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      consolePort: config.SANDBOX_CONSOLE_PORT,
      currency: config.BANK_SANDBOX_CURRENCY,
      webhooksUrl: `${bffUrl}/v1/webhooks`,
    }),
    (started) => (held.sandboxes = started),
  );
  const bankSandboxEnv: Record<string, string> = {};
  if (!env.PLAID_BASE_URL) {
    Object.assign(bankSandboxEnv, {
      PLAID_BASE_URL: sandboxes.plaid.url,
      PLAID_CLIENT_ID: SANDBOX_CREDENTIALS.plaid.clientId,
      PLAID_SECRET: SANDBOX_CREDENTIALS.plaid.secret,
    });
  }
  if (!env.TRUELAYER_AUTH_URL) {
    Object.assign(bankSandboxEnv, {
      TRUELAYER_AUTH_URL: sandboxes.trueLayer.authUrl,
      TRUELAYER_API_URL: sandboxes.trueLayer.apiUrl,
      TRUELAYER_CLIENT_ID: SANDBOX_CREDENTIALS.trueLayer.clientId,
      TRUELAYER_CLIENT_SECRET: SANDBOX_CREDENTIALS.trueLayer.secret,
      TRUELAYER_WEBHOOK_JWKS_URL: sandboxes.trueLayer.jwksUrl,
    });
  }
  if (!env.TINK_API_URL) {
    Object.assign(bankSandboxEnv, {
      TINK_API_URL: sandboxes.tink.apiUrl,
      TINK_LINK_URL: sandboxes.tink.linkUrl,
      TINK_CLIENT_ID: SANDBOX_CREDENTIALS.tink.clientId,
      TINK_CLIENT_SECRET: SANDBOX_CREDENTIALS.tink.secret,
      TINK_WEBHOOK_SECRET: SANDBOX_CREDENTIALS.tink.webhookSecret,
    });
  }
  if (!env.FINICITY_API_URL) {
    Object.assign(bankSandboxEnv, {
      FINICITY_API_URL: sandboxes.finicity.url,
      FINICITY_PARTNER_ID: SANDBOX_CREDENTIALS.finicity.partnerId,
      FINICITY_SECRET: SANDBOX_CREDENTIALS.finicity.secret,
      FINICITY_APP_KEY: SANDBOX_CREDENTIALS.finicity.appKey,
      FINICITY_WEBHOOK_SECRET: SANDBOX_CREDENTIALS.finicity.webhookSecret,
      FINICITY_WEBHOOK_URL: `${bffUrl}/v1/webhooks/finicity`,
      FINICITY_CUSTOMER_TYPE: 'testing',
    });
  }
  if (!env.SALTEDGE_API_URL) {
    Object.assign(bankSandboxEnv, {
      SALTEDGE_API_URL: sandboxes.saltEdge.url,
      SALTEDGE_APP_ID: SANDBOX_CREDENTIALS.saltEdge.appId,
      SALTEDGE_SECRET: SANDBOX_CREDENTIALS.saltEdge.secret,
      SALTEDGE_PRIVATE_KEY: saltEdgeKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      SALTEDGE_CALLBACK_PUBLIC_KEY: sandboxes.saltEdge.callbackPublicKey,
      SALTEDGE_CALLBACK_URL: `${bffUrl}/v1/webhooks/saltedge`,
    });
  }
  const bankUrl = await launch(
    'bank',
    config.BANK_GRPC_PORT,
    {
      ...bankSandboxEnv,
      BANK_GRPC_HOST: config.HOST,
      BANK_GRPC_PORT: String(config.BANK_GRPC_PORT),
      AUTH_GRPC_URL: authUrl,
      AUTH_CLIENT_ID: 'bank',
      AUTH_CLIENT_SECRET: credentials.bank,
      EXPENSE_GRPC_URL: expenseUrl,
      // Kept under .data (or given): a new key each start could not decrypt the tokens stored before.
      BANK_TOKEN_KEYS: env.BANK_TOKEN_KEYS || localBankTokenKeys(resolve(config.BANK_TOKEN_KEYS_FILE)),
      PLAID_WEBHOOK_URL: env.PLAID_WEBHOOK_URL ?? `${bffUrl}/v1/webhooks/plaid`,
      // Needs reauth and consent expiring reach the parents; gamification hears of syncs.
      EVENT_SUBSCRIBERS: subscribers(),
    },
    (settings, db) =>
      startBankService({
        config: loadConfig(bankConfigSchema, settings),
        sql: db,
        logger: logger.child({ service: 'bank' }),
      }),
  );

  // Email, push and SMS go to local emulators unless a real provider is configured: nothing leaves
  // the machine.
  const delivery: Record<string, string> = {};
  const emulator = <T extends Stoppable>(started: T) => keep(started, () => held.emulators.push(started));
  let mailboxUrl: string | undefined;
  if (!env.SMTP_URL && !env.SMTP_HOST) {
    const smtp = await emulator(await startSmtpEmulator({ mailbox: { port: config.MAILBOX_PORT } }));
    delivery.SMTP_URL = smtp.url;
    mailboxUrl = smtp.mailboxUrl;
  }
  if (!env.EXPO_ACCESS_TOKEN && !env.EXPO_BASE_URL) {
    const expo = await emulator(await startExpoEmulator());
    delivery.EXPO_BASE_URL = expo.url;
  }
  if (!env.TWILIO_ACCOUNT_SID) {
    const twilio = await emulator(await startTwilioEmulator());
    Object.assign(delivery, {
      TWILIO_BASE_URL: twilio.url,
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
      TWILIO_AUTH_TOKEN: 'local',
      TWILIO_FROM: '+15550000000',
    });
  }

  const bffSettings: Record<string, string> = {
    BFF_HOST: config.HOST,
    BFF_PORT: String(config.BFF_PORT),
    METRICS_PORT: String(config.BFF_METRICS_PORT),
    AUTH_GRPC_URL: authUrl,
    EXPENSE_GRPC_URL: expenseUrl,
    GOALS_GRPC_URL: goalsUrl,
    NOTIFICATION_GRPC_URL: notificationUrl,
    GAMIFICATION_GRPC_URL: gamificationUrl,
    BANK_GRPC_URL: bankUrl,
    AUTH_CLIENT_ID: 'bff',
    AUTH_CLIENT_SECRET: credentials.bff,
    REDIS_URL: redis.url,
    // Locally the schema is explorable and the web app's dev server (next dev) may call the API.
    GRAPHQL_INTROSPECTION: env.GRAPHQL_INTROSPECTION ?? 'true',
    CORS_ORIGINS: env.CORS_ORIGINS ?? `http://localhost:${config.WEB_PORT},http://127.0.0.1:${config.WEB_PORT}`,
    ...delivery,
  };
  let bffUrlShown = bffUrl;
  if (sql) {
    const bff = await keepService(
      'bff',
      await startBff({
        config: loadConfig(bffConfigSchema, { ...env, ...bffSettings }),
        logger: logger.child({ service: 'bff' }),
      }),
    );
    bffUrlShown = bff.url;
  } else {
    // The delivery workers first, then the API: as two deployments would run.
    const workers = await startMeshProcess({
      name: 'bff workers',
      entry: 'bff',
      env: { ...bffSettings, BFF_MODE: 'worker', BFF_PORT: '0' },
      nodeArgs,
    });
    await keepService('bff workers', workers);
    const api = await startMeshProcess({
      name: 'bff',
      entry: 'bff',
      env: { ...bffSettings, BFF_MODE: 'api' },
      nodeArgs,
      httpReadyUrl: `${bffUrl}/healthz`,
    });
    await keepService('bff', api);
  }

  // The web app in its own process (it builds itself first when its sources changed).
  const webUrl = `http://${config.HOST}:${config.WEB_PORT}`;
  if (config.WEB === 'on') {
    const web = await startMeshProcess({
      name: 'web',
      entry: 'web',
      env: { FAMILY_BFF_URL: bffUrlShown, WEB_HOST: config.HOST, WEB_PORT: String(config.WEB_PORT) },
      nodeArgs,
      httpReadyUrl: `${webUrl}/login`,
      startDeadlineMs: 600_000,
    });
    await keepService('web', web);
  }

  const lines = [
    '',
    'Family Expense Tracker is running:',
    `  web app          ${config.WEB === 'on' ? `${webUrl}    (open this in a browser)` : 'off (WEB=off)'}`,
    `  REST API (BFF)   ${bffUrlShown}    docs ${bffUrlShown}/docs   ready ${bffUrlShown}/readyz`,
    `  BFF metrics      ${config.BFF_METRICS_PORT ? `http://${config.HOST}:${config.BFF_METRICS_PORT}/metrics` : 'off (BFF_METRICS_PORT=0)'}`,
    `  auth    (gRPC)   ${authUrl}`,
    `  expense (gRPC)   ${expenseUrl}`,
    `  goals   (gRPC)   ${goalsUrl}`,
    `  gamification (gRPC) ${gamificationUrl}   (${env.GAMIFICATION_MONGODB_URL ? 'MongoDB' : 'Postgres store'})`,
    `  notification (gRPC) ${notificationUrl}`,
    `  bank    (gRPC)   ${bankUrl}`,
    `  bank sandboxes   Plaid ${bankSandboxEnv.PLAID_BASE_URL ? sandboxes.plaid.url : '(real, PLAID_BASE_URL)'}   TrueLayer ${bankSandboxEnv.TRUELAYER_AUTH_URL ? `${sandboxes.trueLayer.authUrl} (auth) ${sandboxes.trueLayer.apiUrl} (data)` : '(real, TRUELAYER_AUTH_URL)'}`,
    `  Finicity sandbox ${bankSandboxEnv.FINICITY_API_URL ? sandboxes.finicity.url : '(real, FINICITY_API_URL)'}`,
    `  Tink sandbox     ${bankSandboxEnv.TINK_API_URL ? `${sandboxes.tink.apiUrl} (API) ${sandboxes.tink.linkUrl} (Tink Link)` : '(real, TINK_API_URL)'}`,
    `  Salt Edge sandbox ${bankSandboxEnv.SALTEDGE_API_URL ? sandboxes.saltEdge.url : '(real, SALTEDGE_API_URL)'}`,
    `  sandbox console  ${sandboxes.console.url}   (signed webhooks, new sandbox transactions)`,
    `  database         ${config.DATABASE_URL ? 'Postgres at DATABASE_URL' : `embedded PGlite in ${pgliteDir}`}`,
    `  processes        ${sql ? 'one (every service and the BFF in this process)' : 'one per service, the BFF API and the BFF workers (DEVSTACK_PROCESSES=many)'}`,
    `  redis            ${redis.url}${config.REDIS_URL ? '' : ' (private redis-server)'}`,
    ...(mailboxUrl ? [`  mailbox          ${mailboxUrl}   (mail the SMTP emulator received; JSON at /messages)`] : []),
    `  delivery         ${Object.keys(delivery).length ? `local emulators for ${[delivery.SMTP_URL && 'email', delivery.EXPO_BASE_URL && 'push', delivery.TWILIO_BASE_URL && 'SMS'].filter(Boolean).join(', ')}` : 'real providers'}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((err) => {
  // Interrupted while starting: the shutdown under way stops what started, and exits.
  if (err instanceof StartInterrupted || shutdown?.begun) return;
  if (err instanceof ConfigError || err instanceof RedisMissingError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
