// The notification service process: the only file with side effects.
import { ConfigError, loadConfig } from '@family/config';
import { createLogger } from '@family/logger';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { GrpcMetrics, installShutdown, startMetricsServer } from '@family/grpc-kit';
import { notificationConfigSchema } from './config.js';
import { startNotificationService } from './service.js';

async function main() {
  const config = loadConfig(notificationConfigSchema);
  const logger = createLogger('notification', config.LOG_LEVEL);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const service = await startNotificationService({ config, logger, metrics: new GrpcMetrics(registry) });
  const metrics =
    config.METRICS_PORT > 0
      ? await startMetricsServer(registry, config.NOTIFICATION_GRPC_HOST, config.METRICS_PORT)
      : undefined;
  installShutdown(logger, [
    { name: 'metrics', run: async () => metrics?.stop() },
    { name: 'grpc and stores', run: () => service.stop() },
  ]);
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
