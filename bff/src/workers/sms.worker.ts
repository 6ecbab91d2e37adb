// SMS delivery through Twilio's Messages API. TWILIO_BASE_URL replaces the API domain's base URL
// (`client.api.baseUrl`), which is how tests reach the emulator. HTTP 429/5xx and network failures are
// transient; other 4xx (bad number, unverified sender) are permanent.
import { UnrecoverableError } from 'bullmq';
import twilio from 'twilio';
import { smsJobSchema, type SmsJob } from '@family/delivery-jobs';
import { perSecond, startDeliveryWorker, type DeliveryWorker } from './delivery.worker.js';
import type { WorkerContext } from './worker.context.js';

/** Resolves with the Twilio message SID. */
export type SmsSender = (job: SmsJob) => Promise<string | undefined>;

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl?: string | undefined;
  timeoutMs: number;
}

/** SMS text: the title, then the body; one segment is 160 GSM characters, Twilio splits longer ones. */
export function smsText(job: SmsJob): string {
  return job.title ? `${job.title}\n${job.body}` : job.body;
}

export function createSmsSender(settings: TwilioSettings): SmsSender {
  const client = twilio(settings.accountSid, settings.authToken, { autoRetry: false, timeout: settings.timeoutMs });
  if (settings.baseUrl) client.api.baseUrl = settings.baseUrl.replace(/\/+$/, '');
  return async (job) => {
    try {
      const message = await client.messages.create({ to: job.to, from: settings.from, body: smsText(job) });
      return message.sid;
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
        throw new UnrecoverableError(`Twilio refused the message (${status}): ${(err as Error).message}`);
      }
      throw err;
    }
  };
}

export function startSmsWorker(ctx: WorkerContext, send: SmsSender): DeliveryWorker {
  return startDeliveryWorker({
    ...ctx.base,
    channel: 'sms',
    schema: smsJobSchema,
    concurrency: ctx.config.SMS_CONCURRENCY,
    rate: perSecond(ctx.config.SMS_RATE_PER_SECOND),
    deliver: (job) => send(job),
  });
}
