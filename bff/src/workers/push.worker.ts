// Push delivery through the Expo push service (expo-server-sdk). The SDK reads its base URL once, from
// EXPO_BASE_URL, when it is first imported; so that a process can point each client at its own
// server (tests with an emulator on port 0), EXPO_BASE_URL is applied per client through an undici
// dispatcher that sends every request to that origin instead.
import { UnrecoverableError, type Job } from 'bullmq';
import { Expo, type ExpoPushMessage } from 'expo-server-sdk';
import { Agent, type Dispatcher } from 'undici';
import { pushJobSchema, type PushJob } from '@family/delivery-jobs';
import type { Logger } from '@family/logger';
import { perSecond, startDeliveryWorker, type DeliveryWorker } from './delivery.worker.js';
import type { PushBatcher } from './push.batcher.js';
import type { WorkerContext } from './worker.context.js';

/** Forgets a push token the provider reported as dead (NotificationService.RemoveDeviceToken). */
export type DeviceTokenRemover = (token: string, reason: string) => Promise<void>;

export interface PushSettings {
  accessToken?: string | undefined;
  baseUrl?: string | undefined;
}

/** A dispatcher that sends every request to `baseUrl`'s origin, keeping path and query. */
export function redirectingDispatcher(baseUrl: string): Dispatcher {
  const origin = new URL(baseUrl).origin;
  return new Agent().compose((dispatch) => (opts, handler) => dispatch({ ...opts, origin }, handler));
}

export function createExpoClient(settings: PushSettings): Expo {
  return new Expo({
    ...(settings.accessToken ? { accessToken: settings.accessToken } : {}),
    ...(settings.baseUrl ? { httpAgent: redirectingDispatcher(settings.baseUrl) as never } : {}),
  });
}

function messageFor(job: PushJob, to: string): ExpoPushMessage & { to: string } {
  return {
    to,
    title: job.title,
    body: job.body,
    data: { ...job.data, notificationId: job.notificationId, category: job.category },
    sound: 'default',
    priority: job.urgent ? 'high' : 'default',
  };
}

function transient(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === undefined || status === 429 || status >= 500;
}

/**
 * Sends to every token of the job, each message in the batcher's next Expo request. Dead tokens go to
 * `removeToken`; tokens that failed for a transient reason are kept in the job's data so a retry only
 * sends to them (the others already got it).
 */
export async function deliverPush(
  batcher: PushBatcher,
  removeDeviceToken: DeviceTokenRemover,
  data: PushJob,
  job?: Job,
  logger?: Logger,
): Promise<string | undefined> {
  // A failed removal must not fail (and so resend) a delivery: the token comes back next time.
  const removeToken = (token: string, reason: string) =>
    removeDeviceToken(token, reason).catch((err: unknown) =>
      logger?.warn({ err, reason }, 'could not remove a push token'),
    );
  const retry: string[] = [];
  let firstTicket: string | undefined;
  const problems: string[] = [];
  const valid = data.tokens.filter((token) => Expo.isExpoPushToken(token));
  for (const token of data.tokens.filter((t) => !valid.includes(t))) await removeToken(token, 'InvalidExpoPushToken');
  const results = await Promise.allSettled(valid.map((token) => batcher.send(messageFor(data, token))));
  let refused: unknown;
  for (const [i, result] of results.entries()) {
    const token = valid[i]!;
    if (result.status === 'rejected') {
      if (!transient(result.reason)) refused ??= result.reason;
      retry.push(token);
      problems.push((result.reason as Error).message);
      continue;
    }
    const ticket = result.value;
    if (ticket.status === 'ok') {
      firstTicket ??= ticket.id;
      continue;
    }
    const reason = ticket.details?.error;
    if (reason === 'DeviceNotRegistered') await removeToken(token, reason);
    else if (reason === 'MessageRateExceeded' || reason === undefined) retry.push(token);
    else problems.push(`${token}: ${reason} ${ticket.message}`);
  }
  if (refused !== undefined) throw new UnrecoverableError(`Expo refused the request: ${(refused as Error).message}`);
  if (retry.length > 0) {
    await job?.updateData({ ...data, tokens: retry });
    throw new Error(`push to ${retry.length} device(s) failed, will retry: ${problems.join('; ')}`);
  }
  if (problems.length > 0 && problems.length === valid.length) {
    throw new UnrecoverableError(`Expo refused every message: ${problems.join('; ')}`);
  }
  return firstTicket;
}

export function startPushWorker(
  ctx: WorkerContext,
  batcher: PushBatcher,
  removeToken: DeviceTokenRemover,
): DeliveryWorker {
  return startDeliveryWorker({
    ...ctx.base,
    channel: 'push',
    schema: pushJobSchema,
    concurrency: ctx.config.PUSH_CONCURRENCY,
    rate: perSecond(ctx.config.PUSH_RATE_PER_SECOND),
    deliver: (data, job) => deliverPush(batcher, removeToken, data, job, ctx.base.logger),
  });
}
