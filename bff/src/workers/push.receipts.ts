// Expo push receipts: a ticket only says Expo accepted a message; whether Apple or Google took it is
// told later by its receipt (getReceipts, up to 1,000 ids per request, kept by Expo for a day). Each
// send request's accepted tickets become one delayed job on the push-receipts queue (so a restart
// loses none and any replica may read them); the job reads the receipts, removes the tokens reported
// DeviceNotRegistered, and retries for receipts that are not ready yet.
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Expo } from 'expo-server-sdk';
import { z } from 'zod';
import type { Logger } from '@family/logger';
import type { SentPush } from './push.batcher.js';
import type { DeviceTokenRemover } from './push.worker.js';

export const PUSH_RECEIPTS_QUEUE = 'push-receipts';

const receiptsJobSchema = z.object({
  tickets: z.array(z.object({ ticketId: z.string().min(1), token: z.string().min(1) })).min(1),
});

export interface PushReceiptsOptions {
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  /** How long after sending the receipts are first read (Expo: allow up to 15 minutes). */
  delayMs: number;
}

export interface PushReceipts {
  queue: Queue;
  worker: Worker;
  /** Schedules the reading of these tickets' receipts (best effort: a failure is logged). */
  record(sent: SentPush[]): void;
  close(): Promise<void>;
}

/**
 * Reads the receipts of `tickets`; DeviceNotRegistered tokens go to `removeToken`, other errors are
 * logged. Throws (so the job retries with only what is left) when receipts are missing or a removal
 * failed.
 */
export async function checkPushReceipts(
  expo: Expo,
  removeToken: DeviceTokenRemover,
  tickets: SentPush[],
  job?: Job,
  logger?: Logger,
): Promise<void> {
  const tokenOf = new Map(tickets.map((t) => [t.ticketId, t.token]));
  const left: SentPush[] = [];
  for (const ids of expo.chunkPushNotificationReceiptIds([...tokenOf.keys()])) {
    const receipts = await expo.getPushNotificationReceiptsAsync(ids);
    for (const ticketId of ids) {
      const token = tokenOf.get(ticketId)!;
      const receipt = receipts[ticketId];
      if (!receipt) {
        left.push({ ticketId, token });
        continue;
      }
      if (receipt.status === 'ok') continue;
      const reason = receipt.details?.error;
      if (reason !== 'DeviceNotRegistered') {
        logger?.warn({ reason, message: receipt.message }, 'Expo could not deliver a push');
        continue;
      }
      try {
        await removeToken(token, reason);
      } catch (err) {
        logger?.warn({ err, reason }, 'could not remove a push token; trying again with the next read');
        left.push({ ticketId, token });
      }
    }
  }
  if (left.length > 0) {
    await job?.updateData({ tickets: left });
    throw new Error(`${left.length} push receipt(s) not read yet`);
  }
}

export function startPushReceipts(
  expo: Expo,
  removeToken: DeviceTokenRemover,
  options: PushReceiptsOptions,
): PushReceipts {
  const logger = options.logger.child({ worker: 'push-receipts' });
  const { connection, prefix } = options;
  const queue = new Queue(PUSH_RECEIPTS_QUEUE, { connection, prefix });
  const worker = new Worker(
    PUSH_RECEIPTS_QUEUE,
    async (job) => {
      const parsed = receiptsJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError('invalid push receipts job');
      await checkPushReceipts(expo, removeToken, parsed.data.tickets, job, logger);
    },
    { connection, prefix, concurrency: 2 },
  );
  worker.on('error', (err) => logger.warn({ err }, 'push receipts worker error'));
  queue.on('error', (err) => logger.warn({ err }, 'push receipts queue error'));
  // Expo keeps receipts for 24 hours: four reads spread over the first few hours.
  const backoffMs = Math.max(options.delayMs, 1000);
  return {
    queue,
    worker,
    record(sent) {
      queue
        .add(
          'receipts',
          { tickets: sent },
          {
            ...(options.delayMs > 0 ? { delay: options.delayMs } : {}),
            attempts: 4,
            backoff: { type: 'exponential', delay: backoffMs },
            removeOnComplete: { count: 1000 },
            removeOnFail: { count: 5000 },
          },
        )
        .catch((err: unknown) => logger.warn({ err }, 'could not schedule reading push receipts'));
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
