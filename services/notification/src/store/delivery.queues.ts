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
import { DEFAULT_REDIS_BOUNDS, redisUnavailable, within } from '@family/service-kit';

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

/** One delivery of a fan-out, deferred by `delayMs` (quiet hours) when positive. */
export interface DelayedDelivery {
  payload: DeliveryPayload;
  delayMs: number;
}

/** An enqueue that failed reached no Redis: UNAVAILABLE (retryable), never INTERNAL. */
async function unavailableWhenFailing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch {
    throw redisUnavailable('DELIVERY_QUEUE_UNAVAILABLE', 'Deliveries cannot be queued right now; try again shortly');
  }
}

const schemas = { push: pushJobSchema, email: emailJobSchema, sms: smsJobSchema } as const;

export class DeliveryQueues {
  readonly queues: Record<DeliveryChannel, Queue>;

  constructor(private readonly options: DeliveryQueueOptions) {
    // Producers fail fast while Redis is unreachable (no offline queue, one try, bounded command),
    // unlike workers, which BullMQ requires to wait for a reconnect.
    const connection = {
      url: options.redisUrl,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: DEFAULT_REDIS_BOUNDS.connectTimeoutMs,
      commandTimeout: DEFAULT_REDIS_BOUNDS.commandTimeoutMs,
    };
    const make = (name: string) => new Queue(name, { connection, prefix: options.prefix });
    this.queues = {
      push: make(DELIVERY_QUEUES.push),
      email: make(DELIVERY_QUEUES.email),
      sms: make(DELIVERY_QUEUES.sms),
    };
  }

  /** Enqueues (or, for an id already queued, leaves alone) one delivery; `delayMs` defers it. */
  async enqueue(payload: DeliveryPayload, delayMs = 0): Promise<string> {
    const { data, opts } = this.prepare(payload, delayMs);
    await unavailableWhenFailing(this.queues[payload.channel].add(payload.channel, data, opts));
    return opts.jobId!;
  }

  /**
   * Enqueues many deliveries with one bulk add per queue (one round trip each instead of one per
   * job); ids already queued are left alone, as with `enqueue`.
   */
  async enqueueMany(deliveries: readonly DelayedDelivery[]): Promise<void> {
    const byChannel = new Map<DeliveryChannel, { name: string; data: unknown; opts: JobsOptions }[]>();
    for (const { payload, delayMs } of deliveries) {
      const list = byChannel.get(payload.channel) ?? [];
      list.push({ name: payload.channel, ...this.prepare(payload, delayMs) });
      byChannel.set(payload.channel, list);
    }
    await unavailableWhenFailing(
      Promise.all([...byChannel].map(([channel, jobs]) => this.queues[channel].addBulk(jobs))),
    );
  }

  private prepare(payload: DeliveryPayload, delayMs: number): { data: PushJob | EmailJob | SmsJob; opts: JobsOptions } {
    const data = schemas[payload.channel].parse(payload.job);
    const opts: JobsOptions = {
      jobId: deliveryJobId(data.notificationId, payload.channel),
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs, jitter: 0.5 },
      removeOnComplete: { count: this.options.keepCompleted },
      removeOnFail: { count: this.options.keepFailed },
      ...(delayMs > 0 ? { delay: delayMs } : {}),
    };
    return { data, opts };
  }

  async close(): Promise<void> {
    // Bounded: a queue whose Redis is gone is disconnected instead of waiting for it.
    await Promise.all(
      Object.values(this.queues).map((q) =>
        within(q.close(), DEFAULT_REDIS_BOUNDS.closeTimeoutMs, () => q.disconnect()).catch(() => q.disconnect()),
      ),
    );
  }
}
