// One BullMQ worker over one delivery queue: validates the job against the shared contract, hands it
// to the channel's sender, counts the outcome. Senders throw a plain Error for a transient failure
// (BullMQ retries with the producer's exponential backoff and jitter) and UnrecoverableError for a
// permanent one (no more attempts; the job stays in the failed set).
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { z } from 'zod';
import { DELIVERY_QUEUES, type DeliveryChannel } from '@family/delivery-jobs';
import type { Logger } from '@family/logger';
import type { DeliveryMetrics } from './delivery.metrics.js';
import type { DeliveryReporter } from './delivery.reporter.js';

/**
 * A provider's send rate: at most `max` jobs of the queue start per `durationMs`, counted in Redis by
 * BullMQ's limiter, so the bound holds for every worker and replica of the deployment together.
 */
export interface SendRate {
  max: number;
  durationMs: number;
}

export const perSecond = (max: number): SendRate => ({ max, durationMs: 1000 });

export interface DeliveryWorkerOptions<S extends z.ZodType> {
  channel: DeliveryChannel;
  schema: S;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  rate: SendRate;
  metrics: DeliveryMetrics;
  logger: Logger;
  reporter?: DeliveryReporter | undefined;
  /** Resolves with the provider's message id (Expo ticket, SMTP Message-ID, Twilio SID) when known. */
  deliver(data: z.infer<S>, job: Job): Promise<string | undefined>;
}

export interface DeliveryWorker {
  channel: DeliveryChannel;
  worker: Worker;
  close(): Promise<void>;
}

export function isPermanent(err: unknown, job: Job | undefined): boolean {
  if (err instanceof UnrecoverableError || (err as Error | undefined)?.name === 'UnrecoverableError') return true;
  const attempts = job?.opts.attempts ?? 1;
  return (job?.attemptsMade ?? 0) >= attempts;
}

export function startDeliveryWorker<S extends z.ZodType>(options: DeliveryWorkerOptions<S>): DeliveryWorker {
  const { channel, metrics } = options;
  const logger = options.logger.child({ worker: channel });
  const worker = new Worker(
    DELIVERY_QUEUES[channel],
    async (job) => {
      const parsed = options.schema.safeParse(job.data);
      if (!parsed.success) {
        throw new UnrecoverableError(
          `invalid ${channel} job: ${parsed.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`,
        );
      }
      return (await options.deliver(parsed.data, job)) ?? '';
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      limiter: { max: options.rate.max, duration: options.rate.durationMs },
    },
  );
  const ids = (job: Job) => {
    const data = job.data as { notificationId?: unknown; userId?: unknown };
    return { notificationId: String(data.notificationId ?? ''), userId: String(data.userId ?? ''), channel };
  };
  const report = (what: string, run: () => Promise<void>) =>
    run().catch((err: unknown) => logger.warn({ err }, `could not report the ${what} to the notification service`));
  worker.on('completed', (job, providerMessageId: unknown) => {
    metrics.count(channel, 'delivered');
    logger.debug({ jobId: job.id }, 'delivered');
    const reporter = options.reporter;
    if (reporter) {
      void report('delivery', () =>
        reporter.delivered({
          ...ids(job),
          providerMessageId: typeof providerMessageId === 'string' ? providerMessageId : '',
        }),
      );
    }
  });
  worker.on('failed', (job, err) => {
    const permanent = isPermanent(err, job);
    metrics.count(channel, permanent ? 'failed' : 'retrying');
    const fields = { jobId: job?.id, attempt: job?.attemptsMade, err };
    if (permanent) logger.error(fields, 'delivery failed permanently');
    else logger.warn(fields, 'delivery failed, will retry');
    const reporter = options.reporter;
    if (reporter && job) {
      void report('failure', () =>
        reporter.failed({ ...ids(job), attempt: job.attemptsMade, error: err.message.slice(0, 500), permanent }),
      );
    }
  });
  // Without a listener an 'error' (e.g. Redis unreachable) would crash the process; ioredis reconnects.
  worker.on('error', (err) => logger.warn({ err }, 'delivery worker error'));
  return { channel, worker, close: () => worker.close() };
}
