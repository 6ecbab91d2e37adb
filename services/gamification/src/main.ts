// The gamification service process: the only file with side effects.
import { loadConfig } from '@family/config';
import { openSql } from '@family/db';
import { createLogger } from '@family/logger';
import { runServiceProcess } from '@family/grpc-kit';
import { gamificationConfigSchema } from './config.js';
import { startGamificationService } from './service.js';

runServiceProcess(async (metrics) => {
  const config = loadConfig(gamificationConfigSchema);
  const logger = createLogger('gamification', config.LOG_LEVEL);
  const sql = await openSql({ databaseUrl: config.DATABASE_URL, dataDir: config.PGLITE_DIR });
  const service = await startGamificationService({ config, sql, logger, metrics });
  return {
    logger,
    metricsAt: { host: config.GAMIFICATION_GRPC_HOST, port: config.METRICS_PORT },
    shutdown: [
      { name: 'grpc', run: () => service.stop() },
      { name: 'database', run: () => sql.close() },
    ],
  };
});
