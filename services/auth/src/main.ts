// The auth service process: the only file with side effects.
import { loadConfig } from '@family/config';
import { openSql } from '@family/db';
import { createLogger } from '@family/logger';
import { runServiceProcess } from '@family/grpc-kit';
import { authConfigSchema } from './config.js';
import { startAuthService } from './service.js';

runServiceProcess(async (metrics) => {
  const config = loadConfig(authConfigSchema);
  const logger = createLogger('auth', config.LOG_LEVEL);
  const sql = await openSql({ databaseUrl: config.DATABASE_URL, dataDir: config.PGLITE_DIR });
  const service = await startAuthService({ config, sql, logger, metrics });
  return {
    logger,
    metricsAt: { host: config.AUTH_GRPC_HOST, port: config.METRICS_PORT },
    shutdown: [
      { name: 'grpc', run: () => service.stop() },
      { name: 'database', run: () => sql.close() },
    ],
  };
});
