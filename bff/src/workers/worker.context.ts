// What every delivery worker shares: config, the BullMQ connection and prefix, metrics, logger.
import type { ConnectionOptions } from 'bullmq';
import type { Logger } from '@family/logger';
import type { BffConfig } from '../config.js';
import type { DeliveryMetrics } from './delivery.metrics.js';
import type { DeliveryReporter } from './delivery.reporter.js';

export interface WorkerContext {
  config: BffConfig;
  base: {
    connection: ConnectionOptions;
    prefix: string;
    metrics: DeliveryMetrics;
    logger: Logger;
    reporter?: DeliveryReporter | undefined;
  };
}
