// The one contract between the notification service (which enqueues) and the BFF's workers (which
// deliver): BullMQ queue names, job payloads, job ids, and the Redis pub/sub channel for live updates.
import { z } from 'zod';

/** One queue per channel, so each channel's workers scale and fail on their own. */
export const DELIVERY_QUEUES = {
  push: 'deliver-push',
  email: 'deliver-email',
  sms: 'deliver-sms',
} as const;

export type DeliveryChannel = keyof typeof DELIVERY_QUEUES;

const base = z.object({
  notificationId: z.string().min(1),
  userId: z.string().min(1),
  familyId: z.string(),
  category: z.string().min(1),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.string()).default({}),
  urgent: z.boolean().default(false),
});

export const pushJobSchema = base.extend({
  /** Expo push tokens of the user's devices at enqueue time. */
  tokens: z.array(z.string().min(1)).min(1),
});
export const emailJobSchema = base.extend({ to: z.email(), displayName: z.string().default('') });
export const smsJobSchema = base.extend({ to: z.string().min(3) });

export type PushJob = z.infer<typeof pushJobSchema>;
export type EmailJob = z.infer<typeof emailJobSchema>;
export type SmsJob = z.infer<typeof smsJobSchema>;

/**
 * The BullMQ job id of a delivery: the same notification on the same channel is one job, so a
 * redelivered event can never send twice.
 */
export function deliveryJobId(notificationId: string, channel: DeliveryChannel): string {
  // BullMQ refuses custom ids containing ':' (its key separator).
  return `${notificationId.replaceAll(':', '.')}.${channel}`;
}

/** BullMQ's key prefix for the delivery queues, under the deployment's Redis key prefix. */
export function queuePrefix(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}bull`;
}

/** Pub/sub channel that carries a user's new in-app notifications to every BFF replica. */
export function userEventsChannel(prefix: string, userId: string): string {
  return `${prefix}events:user:${userId}`;
}
