// Starts the whole mesh in one process for local use: every implemented service on its own gRPC
// port, and the BFF in front. Ctrl-C stops everything cleanly.
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '@family/config';
import { openSql } from '@family/db';
import { createLogger } from '@family/logger';
import { installShutdown } from '@family/grpc-kit';
import { authConfigSchema, startAuthService } from '@family/auth-service';
import { bffConfigSchema, startBff } from '@family/bff';
import { devstackConfigSchema } from './config.js';
import { RedisMissingError, startPrivateRedis } from './redis.process.js';

async function main() {
  const config = loadConfig(devstackConfigSchema);
  const logger = createLogger('devstack', config.LOG_LEVEL);
  const env = process.env;

  const redis = config.REDIS_URL
    ? { url: config.REDIS_URL, stop: async () => undefined }
    : await startPrivateRedis(config.HOST, resolve('.data/redis'));
  const pgliteDir = resolve(config.PGLITE_DIR);
  const sql = await openSql({ databaseUrl: config.DATABASE_URL, dataDir: pgliteDir });

  const auth = await startAuthService({
    config: loadConfig(authConfigSchema, {
      ...env,
      AUTH_GRPC_HOST: config.HOST,
      AUTH_GRPC_PORT: String(config.AUTH_GRPC_PORT),
    }),
    sql,
    logger: logger.child({ service: 'auth' }),
  });
  const bff = await startBff({
    config: loadConfig(bffConfigSchema, {
      ...env,
      BFF_HOST: config.HOST,
      BFF_PORT: String(config.BFF_PORT),
      AUTH_GRPC_URL: `${config.HOST}:${auth.port}`,
      REDIS_URL: redis.url,
    }),
    logger: logger.child({ service: 'bff' }),
  });

  const lines = [
    '',
    'Family Expense Tracker is running:',
    `  REST API (BFF)   ${bff.url}    docs ${bff.url}/docs   ready ${bff.url}/readyz`,
    `  auth  (gRPC)     ${config.HOST}:${auth.port}`,
    `  database         ${config.DATABASE_URL ? 'Postgres at DATABASE_URL' : `embedded PGlite in ${pgliteDir}`}`,
    `  redis            ${redis.url}${config.REDIS_URL ? '' : ' (private redis-server)'}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  installShutdown(logger, [
    { name: 'bff', run: () => bff.stop() },
    { name: 'auth', run: () => auth.stop() },
    { name: 'database', run: () => sql.close() },
    { name: 'redis', run: () => redis.stop() },
  ]);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof RedisMissingError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
