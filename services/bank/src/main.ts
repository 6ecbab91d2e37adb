// The bank service process: the only file with side effects.
import { loadConfig } from '@family/config';
import { openSql } from '@family/db';
import { createLogger } from '@family/logger';
import { runServiceProcess } from '@family/grpc-kit';
import { bankConfigSchema } from './config.js';
import { startBankService } from './service.js';

runServiceProcess(async (metrics) => {
  const config = loadConfig(bankConfigSchema);
  const logger = createLogger('bank', config.LOG_LEVEL);
  const sql = await openSql({ databaseUrl: config.DATABASE_URL, dataDir: config.PGLITE_DIR });
  const service = await startBankService({ config, sql, logger, metrics });
  return {
    logger,
    metricsAt: { host: config.BANK_GRPC_HOST, port: config.METRICS_PORT },
    shutdown: [
      { name: 'grpc', run: () => service.stop() },
      { name: 'database', run: () => sql.close() },
    ],
  };
});
