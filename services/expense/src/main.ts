// The expense service process: the only file with side effects.
import { loadConfig } from '@family/config';
import { openSql } from '@family/db';
import { createLogger } from '@family/logger';
import { runServiceProcess } from '@family/grpc-kit';
import { expenseConfigSchema } from './config.js';
import { startExpenseService } from './service.js';

runServiceProcess(async (metrics) => {
  const config = loadConfig(expenseConfigSchema);
  const logger = createLogger('expense', config.LOG_LEVEL);
  const sql = await openSql({ databaseUrl: config.DATABASE_URL, dataDir: config.PGLITE_DIR });
  const service = await startExpenseService({ config, sql, logger, metrics });
  return {
    logger,
    metricsAt: { host: config.EXPENSE_GRPC_HOST, port: config.METRICS_PORT },
    shutdown: [
      { name: 'grpc', run: () => service.stop() },
      { name: 'database', run: () => sql.close() },
    ],
  };
});
