// The delivery workers against the provider emulators: jobs enqueued on BullMQ as the notification
// service does, delivered by a BFF in worker mode, observed at the emulators.
import { expect } from 'chai';
import { Queue, type JobsOptions } from 'bullmq';
import request from 'supertest';
import {
  DELIVERY_QUEUES,
  deliveryJobId,
  type DeliveryChannel,
  type EmailJob,
  type PushJob,
  type SmsJob,
} from '@family/delivery-jobs';
import {
  startExpoEmulator,
  startSmtpEmulator,
  startTwilioEmulator,
  type ExpoEmulator,
  type SmtpEmulator,
  type TwilioEmulator,
} from '@family/emulators';
import { waitFor } from '@family/testing';
import { bullConnection, bullPrefix } from '../src/workers/redis.connection.js';
import { startTestBff, type TestBff } from './bff.harness.js';

const jobIdOf = (notificationId: string, channel: DeliveryChannel) => deliveryJobId(notificationId, channel);

// What the producer sets: a few attempts with exponential backoff and jitter (short for tests).
const RETRIES: JobsOptions = { attempts: 4, backoff: { type: 'exponential', delay: 50, jitter: 0.5 } };

let sequence = 0;
const base = () => ({
  notificationId: `0190a1b2-c3d4-8e5f-a000-${(Date.now() + sequence++).toString(16).padStart(12, '0')}`,
  userId: 'user-1',
  familyId: 'family-1',
  category: 'SPENDING_LIMIT',
  title: 'Kim went over the weekly limit',
  body: 'Kim spent 42.00 EUR of 30.00 EUR this week.',
  data: { expenseId: 'e-1' },
  urgent: false,
});

describe('BFF delivery workers', () => {
  let smtp: SmtpEmulator;
  let expo: ExpoEmulator;
  let twilio: TwilioEmulator;
  let bff: TestBff;
  let queues: Record<DeliveryChannel, Queue>;
  const removed: { token: string; reason: string }[] = [];
  const reports: { kind: 'delivered' | 'failed'; notificationId: string; [field: string]: unknown }[] = [];

  before(async () => {
    [smtp, expo, twilio] = await Promise.all([startSmtpEmulator(), startExpoEmulator(), startTwilioEmulator()]);
    bff = await startTestBff(
      { address: '127.0.0.1:9' },
      {
        BFF_MODE: 'worker',
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Family <noreply@family.test>',
        EXPO_ACCESS_TOKEN: 'expo-test-token',
        EXPO_BASE_URL: expo.url,
        TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
        TWILIO_AUTH_TOKEN: 'twilio-secret',
        TWILIO_FROM: '+15005550006',
        TWILIO_BASE_URL: twilio.url,
        DELIVERY_TIMEOUT_MS: '5000',
      },
      {
        removeDeviceToken: async (token, reason) => {
          removed.push({ token, reason });
          if (token.includes('unreachable')) throw new Error('notification service unreachable');
        },
        deliveryReporter: {
          delivered: async (r) => {
            reports.push({ kind: 'delivered', ...r });
          },
          failed: async (r) => {
            reports.push({ kind: 'failed', ...r });
          },
        },
      },
    );
    const options = { connection: bullConnection(bff.config.REDIS_URL), prefix: bullPrefix(bff.config) };
    queues = {
      push: new Queue(DELIVERY_QUEUES.push, options),
      email: new Queue(DELIVERY_QUEUES.email, options),
      sms: new Queue(DELIVERY_QUEUES.sms, options),
    };
  });

  after(async () => {
    await Promise.all(Object.values(queues ?? {}).map((q) => q.close()));
    await bff?.stop();
    await Promise.all([smtp?.stop(), expo?.stop(), twilio?.stop()]);
  });

  const enqueue = {
    email: (job: EmailJob, opts: JobsOptions = RETRIES) =>
      queues.email.add('email', job, { ...opts, jobId: jobIdOf(job.notificationId, 'email') }),
    push: (job: PushJob, opts: JobsOptions = RETRIES) =>
      queues.push.add('push', job, { ...opts, jobId: jobIdOf(job.notificationId, 'push') }),
    sms: (job: SmsJob, opts: JobsOptions = RETRIES) =>
      queues.sms.add('sms', job, { ...opts, jobId: jobIdOf(job.notificationId, 'sms') }),
  };

  async function deliveries(channel: DeliveryChannel, outcome: string): Promise<number> {
    const r = await request(bff.url).get('/metrics');
    const line = r.text
      .split('\n')
      .find((l) => l.startsWith(`notification_deliveries_total{channel="${channel}",outcome="${outcome}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('delivers an email job as a mail the SMTP server receives', async () => {
    const job = { ...base(), to: 'pat@example.test', displayName: 'Pat' };
    await enqueue.email(job);
    const mail = await waitFor(() => smtp.mails.find((m) => m.headers['x-notification-id'] === job.notificationId), {
      what: 'the mail',
    });
    expect(mail.to).to.deep.equal(['pat@example.test']);
    expect(mail.from).to.equal('noreply@family.test');
    expect(mail.subject).to.equal(job.title);
    expect(mail.headers.to).to.contain('Pat');
    expect(mail.body).to.contain('Kim spent 42.00 EUR');
    const report = await waitFor(() => reports.find((r) => r.notificationId === job.notificationId), {
      what: 'the delivery report',
    });
    expect(report).to.include({ kind: 'delivered', channel: 'email', userId: 'user-1' });
    expect(report.providerMessageId).to.equal(mail.headers['message-id']);
  });

  it('delivers a push job as a request the Expo emulator receives, with the access token', async () => {
    const job = { ...base(), tokens: ['ExponentPushToken[device-a]', 'ExponentPushToken[device-b]'] };
    await enqueue.push(job);
    const messages = await waitFor(
      () => {
        const found = expo.messages.filter((m) => m.data?.notificationId === job.notificationId);
        return found.length === 2 && found;
      },
      { what: 'two push messages' },
    );
    expect(messages.map((m) => m.to)).to.have.members(job.tokens);
    expect(messages[0]).to.include({ title: job.title, body: job.body });
    expect(messages[0]!.data).to.include({ expenseId: 'e-1', category: 'SPENDING_LIMIT' });
    expect(expo.requests.at(-1)?.accessToken).to.equal('expo-test-token');
  });

  it('delivers an SMS job through the Twilio emulator', async () => {
    const job = { ...base(), to: '+4915112345678' };
    await enqueue.sms(job);
    const message = await waitFor(() => twilio.messages.find((m) => m.to === job.to), { what: 'the SMS' });
    expect(message.from).to.equal('+15005550006');
    expect(message.accountSid).to.equal('AC00000000000000000000000000000001');
    expect(message.body).to.equal(`${job.title}\n${job.body}`);
    await waitFor(
      () => reports.some((r) => r.notificationId === job.notificationId && r.providerMessageId === message.sid),
      { what: 'the delivery report with the Twilio SID' },
    );
  });

  it('retries a push while the provider answers 5xx, then delivers it once', async () => {
    const retryingBefore = await deliveries('push', 'retrying');
    expo.failNext(2, 503);
    const job = { ...base(), tokens: ['ExponentPushToken[flaky]'] };
    await enqueue.push(job);
    await waitFor(() => expo.messages.some((m) => m.data?.notificationId === job.notificationId), {
      what: 'the push after the outage',
    });
    expect(expo.messages.filter((m) => m.data?.notificationId === job.notificationId)).to.have.length(1);
    expect(expo.requests.filter((r) => r.failedWith === 503)).to.have.length.at.least(2);
    expect(await deliveries('push', 'retrying')).to.equal(retryingBefore + 2);
  });

  it('retries an SMS while Twilio answers 5xx, then delivers it', async () => {
    twilio.failNext(1, 500);
    const job = { ...base(), to: '+4915100000001' };
    await enqueue.sms(job);
    await waitFor(() => twilio.messages.some((m) => m.to === job.to), { what: 'the SMS after the outage' });
    expect(twilio.messages.filter((m) => m.to === job.to)).to.have.length(1);
  });

  it('retries an email the SMTP server refuses for now (4xx), then delivers it', async () => {
    smtp.failNext(1);
    const job = { ...base(), to: 'retry@example.test', displayName: '' };
    await enqueue.email(job);
    await waitFor(() => smtp.mails.some((m) => m.headers['x-notification-id'] === job.notificationId), {
      what: 'the mail after the refusal',
    });
  });

  it('counts a permanent failure and keeps the job failed without retrying it', async () => {
    const failedBefore = await deliveries('sms', 'failed');
    twilio.failNext(1, 400);
    const job = { ...base(), to: '+4915100000002' };
    const added = await enqueue.sms(job);
    await waitFor(async () => (await queues.sms.getJobState(added.id!)) === 'failed', { what: 'the failed job' });
    expect(await deliveries('sms', 'failed')).to.equal(failedBefore + 1);
    const failed = await queues.sms.getJob(added.id!);
    expect(failed?.attemptsMade).to.equal(1);
    expect(twilio.messages.some((m) => m.to === job.to)).to.equal(false);
    const report = await waitFor(() => reports.find((r) => r.notificationId === job.notificationId), {
      what: 'the failure report',
    });
    expect(report).to.include({ kind: 'failed', channel: 'sms', attempt: 1, permanent: true });
  });

  it('counts a job that runs out of attempts as failed', async () => {
    const failedBefore = await deliveries('push', 'failed');
    expo.failNext(2, 502);
    const job = { ...base(), tokens: ['ExponentPushToken[down]'] };
    const added = await enqueue.push(job, { attempts: 2, backoff: { type: 'exponential', delay: 20 } });
    await waitFor(async () => (await queues.push.getJobState(added.id!)) === 'failed', { what: 'the failed job' });
    expect(await deliveries('push', 'failed')).to.equal(failedBefore + 1);
  });

  it('reports a token Expo calls DeviceNotRegistered to the remover and still delivers to the others', async () => {
    expo.unregister('ExponentPushToken[gone]');
    const job = { ...base(), tokens: ['ExponentPushToken[gone]', 'ExponentPushToken[alive]'] };
    const added = await enqueue.push(job);
    await waitFor(async () => (await queues.push.getJobState(added.id!)) === 'completed', { what: 'the job' });
    expect(removed).to.deep.include({ token: 'ExponentPushToken[gone]', reason: 'DeviceNotRegistered' });
    expect(
      expo.messages.filter((m) => m.data?.notificationId === job.notificationId && m.to === 'ExponentPushToken[alive]'),
    ).to.have.length(1);
  });

  it('completes the push when removing a dead token fails, without resending to the live ones', async () => {
    expo.unregister('ExponentPushToken[gone-unreachable]');
    const job = { ...base(), tokens: ['ExponentPushToken[gone-unreachable]', 'ExponentPushToken[alive-2]'] };
    const added = await enqueue.push(job);
    await waitFor(async () => (await queues.push.getJobState(added.id!)) === 'completed', { what: 'the job' });
    expect(removed.map((r) => r.token)).to.include('ExponentPushToken[gone-unreachable]');
    expect(
      expo.messages.filter(
        (m) => m.data?.notificationId === job.notificationId && m.to === 'ExponentPushToken[alive-2]',
      ),
    ).to.have.length(1);
  });

  it('delivers a job enqueued twice with the same id once', async () => {
    const job = { ...base(), to: 'once@example.test', displayName: '' };
    await enqueue.email(job);
    await enqueue.email(job);
    await waitFor(() => smtp.mails.some((m) => m.headers['x-notification-id'] === job.notificationId), {
      what: 'the mail',
    });
    // Enqueued again after delivery: still the same job, nothing new is sent.
    await enqueue.email(job);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails.filter((m) => m.headers['x-notification-id'] === job.notificationId)).to.have.length(1);
  });

  it('refuses a job that does not match the contract as a permanent failure', async () => {
    const failedBefore = await deliveries('email', 'failed');
    const added = await queues.email.add('email', { notificationId: 'x' }, { ...RETRIES, jobId: 'bad-email-job' });
    await waitFor(async () => (await queues.email.getJobState(added.id!)) === 'failed', { what: 'the failed job' });
    expect(await deliveries('email', 'failed')).to.equal(failedBefore + 1);
  });

  it('serves REST and delivers in one process in both mode, sharing the queue with another replica', async () => {
    const both = await startTestBff(
      { address: '127.0.0.1:9' },
      { BFF_MODE: 'both', REDIS_KEY_PREFIX: bff.config.REDIS_KEY_PREFIX, SMTP_URL: smtp.url },
    );
    try {
      expect((await both.http().get('/healthz')).status).to.equal(200);
      // Two replicas on the same queue: the job still goes out once.
      const job = { ...base(), to: 'both@example.test', displayName: '' };
      await enqueue.email(job);
      await waitFor(() => smtp.mails.some((m) => m.headers['x-notification-id'] === job.notificationId), {
        what: 'the mail',
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(smtp.mails.filter((m) => m.headers['x-notification-id'] === job.notificationId)).to.have.length(1);
    } finally {
      await both.stop();
    }
  });

  it('serves only /metrics in worker mode', async () => {
    expect((await request(bff.url).get('/metrics')).status).to.equal(200);
    expect((await request(bff.url).get('/v1/me')).status).to.equal(404);
  });
});
