// Email delivery over SMTP with nodemailer. SMTP 5xx replies are permanent; 4xx replies, timeouts and
// refused connections are transient.
import { connect } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { emailJobSchema, type EmailJob } from '@family/delivery-jobs';
import type { BffConfig } from '../config.js';
import { perSecond, startDeliveryWorker, type DeliveryWorker } from './delivery.worker.js';
import type { WorkerContext } from './worker.context.js';

/** Resolves with the Message-ID. */
export type EmailSender = (job: EmailJob) => Promise<string | undefined>;

/** The SMTP transport from SMTP_URL, else SMTP_HOST/PORT/SECURE/USER/PASS; undefined when neither is set. */
export function smtpTransportOptions(config: BffConfig, timeoutMs: number): SMTPTransport.Options | undefined {
  const timeouts = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs };
  if (config.SMTP_URL) {
    const url = new URL(config.SMTP_URL);
    return {
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      ...timeouts,
    };
  }
  if (!config.SMTP_HOST) return undefined;
  return {
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } } : {}),
    ...timeouts,
  };
}

export interface SmtpPoolSettings {
  /** Connections kept open to the SMTP server; the worker's jobs in hand share them. */
  maxConnections: number;
  /** Mails sent over one connection before it is replaced (many servers cap this). */
  maxMessages: number;
}

/**
 * Opens the pool's connections with TCP_NODELAY: an SMTP conversation is many small writes (MAIL,
 * RCPT, DATA pipelined), and without it each small write waits for the server's delayed ACK — about
 * 40 ms a mail, whatever the connection count.
 */
function noDelayConnection(timeoutMs: number) {
  return (options: SMTPTransport.Options, callback: (err: Error | null, socketOptions: object) => void): void => {
    let done = false;
    const socket = connect({ host: options.host ?? 'localhost', port: options.port ?? 587, noDelay: true });
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      socket.setTimeout(0);
      socket.off('error', finish);
      if (err) {
        socket.destroy();
        callback(err, {});
      } else callback(null, { connection: socket });
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`SMTP connection timed out after ${timeoutMs} ms`)));
    socket.once('error', finish);
    socket.once('connect', () => finish(null));
  };
}

export function createEmailSender(
  transportOptions: SMTPTransport.Options,
  from: string,
  pool: SmtpPoolSettings,
): EmailSender & { close(): void } {
  const transport = nodemailer.createTransport({
    ...transportOptions,
    pool: true,
    ...pool,
    getSocket: noDelayConnection(transportOptions.connectionTimeout ?? 15_000),
  });
  const send: EmailSender = async (job) => {
    try {
      const info = await transport.sendMail({
        from,
        to: job.displayName ? { name: job.displayName, address: job.to } : job.to,
        subject: job.title,
        text: job.body,
        headers: { 'X-Notification-Id': job.notificationId, 'X-Notification-Category': job.category },
      });
      return info.messageId;
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500)
        throw new UnrecoverableError(`SMTP refused the mail: ${(err as Error).message}`);
      throw err;
    }
  };
  return Object.assign(send, { close: () => transport.close() });
}

export function startEmailWorker(ctx: WorkerContext, send: EmailSender): DeliveryWorker {
  return startDeliveryWorker({
    ...ctx.base,
    channel: 'email',
    schema: emailJobSchema,
    concurrency: ctx.config.EMAIL_CONCURRENCY,
    rate: perSecond(ctx.config.EMAIL_RATE_PER_SECOND),
    deliver: (job) => send(job),
  });
}
