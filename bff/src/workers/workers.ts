// Starts the delivery workers whose provider is configured (one BullMQ worker per queue) and stops
// them with worker.close(), which lets the jobs in hand finish. A channel without configuration gets
// no worker: its jobs wait in the queue until a replica that has one picks them up.
import type { Registry } from 'prom-client';
import type { Logger } from '@family/logger';
import { within } from '@family/service-kit';
import type { BffConfig } from '../config.js';
import { DeliveryMetrics } from './delivery.metrics.js';
import type { DeliveryReporter } from './delivery.reporter.js';
import type { DeliveryWorker } from './delivery.worker.js';
import { createEmailSender, smtpTransportOptions, startEmailWorker } from './email.worker.js';
import { PushBatcher } from './push.batcher.js';
import { startPushReceipts } from './push.receipts.js';
import { createExpoClient, startPushWorker, type DeviceTokenRemover } from './push.worker.js';
import { bullConnection, bullPrefix } from './redis.connection.js';
import { createSmsSender, startSmsWorker } from './sms.worker.js';
import type { WorkerContext } from './worker.context.js';

/** How long stop() lets a worker finish the jobs in hand. */
const WORKER_CLOSE_MS = 5_000;

export interface StartWorkersOptions {
  config: BffConfig;
  logger: Logger;
  registry: Registry;
  /** Called for each push token Expo reports as DeviceNotRegistered. */
  removeDeviceToken: DeviceTokenRemover;
  /** Told each delivery's outcome (best effort). */
  reporter?: DeliveryReporter | undefined;
}

export interface StartedWorkers {
  workers: DeliveryWorker[];
  stop(): Promise<void>;
}

export async function startWorkers(options: StartWorkersOptions): Promise<StartedWorkers> {
  const { config, logger } = options;
  const ctx: WorkerContext = {
    config,
    base: {
      connection: bullConnection(config.REDIS_URL),
      prefix: bullPrefix(config),
      metrics: new DeliveryMetrics(options.registry),
      logger,
      reporter: options.reporter,
    },
  };
  const workers: DeliveryWorker[] = [];
  const cleanups: (() => void)[] = [];
  const closers: (() => Promise<void>)[] = [];

  const smtp = smtpTransportOptions(config, config.DELIVERY_TIMEOUT_MS);
  if (smtp) {
    const sender = createEmailSender(smtp, config.MAIL_FROM, {
      maxConnections: config.SMTP_MAX_CONNECTIONS,
      maxMessages: config.SMTP_MAX_MESSAGES_PER_CONNECTION,
    });
    cleanups.push(() => sender.close());
    workers.push(startEmailWorker(ctx, sender));
  } else logger.warn('SMTP is not configured (SMTP_URL or SMTP_HOST): no email worker');

  // Expo accepts unauthenticated sends unless the project enables enhanced push security.
  const expo = createExpoClient({ accessToken: config.EXPO_ACCESS_TOKEN, baseUrl: config.EXPO_BASE_URL });
  const receipts = startPushReceipts(expo, options.removeDeviceToken, {
    connection: ctx.base.connection,
    prefix: ctx.base.prefix,
    logger,
    delayMs: config.PUSH_RECEIPT_DELAY_MS,
  });
  const batcher = new PushBatcher(expo, { waitMs: config.PUSH_BATCH_WAIT_MS, onSent: (sent) => receipts.record(sent) });
  workers.push(startPushWorker(ctx, batcher, options.removeDeviceToken));
  // Once the push worker is closed: the last requests answer, then the receipts they scheduled.
  closers.push(async () => {
    await batcher.drain();
    await receipts.close();
  });

  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) {
    const sender = createSmsSender({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      from: config.TWILIO_FROM,
      baseUrl: config.TWILIO_BASE_URL,
      timeoutMs: config.DELIVERY_TIMEOUT_MS,
    });
    workers.push(startSmsWorker(ctx, sender));
  } else logger.warn('Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM): no SMS worker');

  await Promise.all([...workers.map((w) => w.worker.waitUntilReady()), receipts.worker.waitUntilReady()]);
  logger.info({ channels: workers.map((w) => w.channel) }, 'delivery workers started');

  let stopped: Promise<void> | undefined;
  return {
    workers,
    stop() {
      stopped ??= (async () => {
        // Jobs in hand may finish, within a bound: a worker whose Redis is gone is disconnected.
        await Promise.all(workers.map((w) => within(w.close(), WORKER_CLOSE_MS, () => w.worker.disconnect())));
        for (const close of closers) await close();
        for (const cleanup of cleanups) cleanup();
      })();
      return stopped;
    },
  };
}
