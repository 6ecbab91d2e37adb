// The expense service process: the only file with side effects.
import { ConfigError, loadConfig } from '@family/config';
import { openSql } from '@family/db';
import { createLogger } from '@family/logger';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { GrpcMetrics, installShutdown, startMetricsServer } from '@family/grpc-kit';
import { expenseConfigSchema } from './config.js';
import { startExpenseService } from './service.js';

async function main() {
  const config = loadConfig(expenseConfigSchema);
  const logger = createLogger('expense', config.LOG_LEVEL);
  const sql = await openSql({ databaseUrl: config.DATABASE_URL, dataDir: config.PGLITE_DIR });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const service = await startExpenseService({ config, sql, logger, metrics: new GrpcMetrics(registry) });
  const metrics =
    config.METRICS_PORT > 0
      ? await startMetricsServer(registry, config.EXPENSE_GRPC_HOST, config.METRICS_PORT)
      : undefined;
  installShutdown(logger, [
    { name: 'metrics', run: async () => metrics?.stop() },
    { name: 'grpc', run: () => service.stop() },
    { name: 'database', run: () => sql.close() },
  ]);
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
