// The notification service process: the only file with side effects.
import { loadConfig } from '@family/config';
import { createLogger } from '@family/logger';
import { runServiceProcess } from '@family/grpc-kit';
import { notificationConfigSchema } from './config.js';
import { startNotificationService } from './service.js';

runServiceProcess(async (metrics) => {
  const config = loadConfig(notificationConfigSchema);
  const logger = createLogger('notification', config.LOG_LEVEL);
  const service = await startNotificationService({ config, logger, metrics });
  return {
    logger,
    metricsAt: { host: config.NOTIFICATION_GRPC_HOST, port: config.METRICS_PORT },
    shutdown: [{ name: 'grpc and stores', run: () => service.stop() }],
  };
});
