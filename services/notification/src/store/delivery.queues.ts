// BullMQ producers for the delivery queues of @family/delivery-jobs: one job per (notification,
// channel) with an idempotent job id, exponential-backoff retries and bounded history.
import { Queue, type JobsOptions } from 'bullmq';
import {
  DELIVERY_QUEUES,
  deliveryJobId,
  emailJobSchema,
  pushJobSchema,
  smsJobSchema,
  type DeliveryChannel,
  type EmailJob,
  type PushJob,
  type SmsJob,
} from '@family/delivery-jobs';

export interface DeliveryQueueOptions {
  redisUrl: string;
  prefix: string;
  attempts: number;
  backoffMs: number;
  keepCompleted: number;
  keepFailed: number;
}

export type DeliveryPayload =
  { channel: 'push'; job: PushJob } | { channel: 'email'; job: EmailJob } | { channel: 'sms'; job: SmsJob };

const schemas = { push: pushJobSchema, email: emailJobSchema, sms: smsJobSchema } as const;

export class DeliveryQueues {
  readonly queues: Record<DeliveryChannel, Queue>;

  constructor(private readonly options: DeliveryQueueOptions) {
    const make = (name: string) => new Queue(name, { connection: { url: options.redisUrl }, prefix: options.prefix });
    this.queues = {
      push: make(DELIVERY_QUEUES.push),
      email: make(DELIVERY_QUEUES.email),
      sms: make(DELIVERY_QUEUES.sms),
    };
  }

  /** Enqueues (or, for an id already queued, leaves alone) one delivery; `delayMs` defers it. */
  async enqueue(payload: DeliveryPayload, delayMs = 0): Promise<string> {
    const job = schemas[payload.channel].parse(payload.job);
    const jobId = deliveryJobId(job.notificationId, payload.channel);
    const opts: JobsOptions = {
      jobId,
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs, jitter: 0.5 },
      removeOnComplete: { count: this.options.keepCompleted },
      removeOnFail: { count: this.options.keepFailed },
      ...(delayMs > 0 ? { delay: delayMs } : {}),
    };
    await this.queues[payload.channel].add(payload.channel, job, opts);
    return jobId;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
  }
}
