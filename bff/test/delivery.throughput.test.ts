// The delivery workers at volume: pushes of many jobs share Expo requests (at most 100 messages each),
// push receipts are read later and dead tokens removed from them, and a provider's send rate bounds
// how many jobs start per window.
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { DELIVERY_QUEUES, deliveryJobId, smsJobSchema, type PushJob } from '@family/delivery-jobs';
import { startExpoEmulator, type ExpoEmulator } from '@family/emulators';
import { silentLogger } from '@family/logger';
import { waitFor } from '@family/testing';
import { bffConfigSchema } from '../src/config.js';
import { DeliveryMetrics } from '../src/workers/delivery.metrics.js';
import { startDeliveryWorker } from '../src/workers/delivery.worker.js';
import { PushBatcher } from '../src/workers/push.batcher.js';
import { checkPushReceipts } from '../src/workers/push.receipts.js';
import { createExpoClient } from '../src/workers/push.worker.js';
import { bullConnection, bullPrefix } from '../src/workers/redis.connection.js';
import { startTestBff, type TestBff } from './bff.harness.js';

let sequence = 0;
const pushJob = (tokens: string[]): PushJob => ({
  notificationId: `0190a1b2-c3d4-8e5f-b000-${(Date.now() * 1000 + sequence++).toString(16).padStart(12, '0')}`,
  userId: 'user-1',
  familyId: 'family-1',
  category: 'SPENDING_LIMIT',
  title: 'Kim went over the weekly limit',
  body: 'Kim spent 42.00 EUR of 30.00 EUR this week.',
  data: {},
  urgent: true,
  tokens,
});

describe('delivery at volume: push batches, push receipts, send rates', () => {
  let expo: ExpoEmulator;
  let bff: TestBff;
  let push: Queue;
  const removed: { token: string; reason: string }[] = [];

  before(async () => {
    expo = await startExpoEmulator();
    bff = await startTestBff(
      { address: '127.0.0.1:9' },
      {
        BFF_MODE: 'worker',
        EXPO_BASE_URL: expo.url,
        PUSH_BATCH_WAIT_MS: '200',
        PUSH_RECEIPT_DELAY_MS: '0',
        DELIVERY_TIMEOUT_MS: '5000',
      },
      {
        removeDeviceToken: async (token, reason) => {
          removed.push({ token, reason });
        },
      },
    );
    push = new Queue(DELIVERY_QUEUES.push, {
      connection: bullConnection(bff.config.REDIS_URL),
      prefix: bullPrefix(bff.config),
    });
  });

  after(async () => {
    await push?.close();
    await bff?.stop();
    await expo?.stop();
  });

  it('sends the pushes of many jobs in shared Expo requests of at most 100 messages, each push once', async () => {
    const jobs = Array.from({ length: 150 }, (_, i) => pushJob([`ExponentPushToken[batch-${i}]`]));
    const ids = new Set(jobs.map((j) => j.notificationId));
    const requestsBefore = expo.requests.length;
    await push.addBulk(
      jobs.map((data) => ({
        name: 'push',
        data,
        opts: { jobId: deliveryJobId(data.notificationId, 'push'), attempts: 3 },
      })),
    );
    const ours = () => expo.messages.filter((m) => ids.has(String(m.data?.notificationId)));
    await waitFor(() => ours().length >= jobs.length, { timeoutMs: 20_000, what: '150 pushes' });
    expect(new Set(ours().map((m) => m.data?.notificationId)).size).to.equal(150);
    expect(ours()).to.have.length(150);
    const sizes = expo.requests.slice(requestsBefore).map((r) => r.messages ?? 0);
    expect(Math.max(...sizes)).to.be.at.most(100);
    // One request per job would be 150; shared requests carry ten or more messages on average.
    expect(sizes.length).to.be.at.most(15);
  });

  it('fills each request up to Expo’s 100 messages before starting the next', async () => {
    const batcher = new PushBatcher(createExpoClient({ baseUrl: expo.url }), { waitMs: 10_000 });
    const requestsBefore = expo.requests.length;
    const tickets = await Promise.all(
      Array.from({ length: 250 }, (_, i) => batcher.send({ to: `ExponentPushToken[fill-${i}]`, body: 'hello' })),
    );
    expect(tickets.every((t) => t.status === 'ok')).to.equal(true);
    expect(expo.requests.slice(requestsBefore).map((r) => r.messages)).to.deep.equal([100, 100, 50]);
  });

  it('removes a token whose receipt says DeviceNotRegistered, and only that one', async () => {
    expo.failReceipts('ExponentPushToken[receipt-gone]');
    const job = pushJob(['ExponentPushToken[receipt-gone]', 'ExponentPushToken[receipt-fine]']);
    await push.add('push', job, { jobId: deliveryJobId(job.notificationId, 'push'), attempts: 3 });
    // The ticket was ok (Expo took the message); only the receipt tells the device is gone.
    await waitFor(() => removed.find((r) => r.token === 'ExponentPushToken[receipt-gone]'), {
      timeoutMs: 10_000,
      what: 'the removal from the receipt',
    });
    expect(removed).to.deep.include({ token: 'ExponentPushToken[receipt-gone]', reason: 'DeviceNotRegistered' });
    expect(removed.map((r) => r.token)).not.to.include('ExponentPushToken[receipt-fine]');
    expect(
      expo.messages.filter((m) => m.data?.notificationId === job.notificationId),
      'both devices were sent the push',
    ).to.have.length(2);
  });

  it('keeps a ticket whose receipt Expo has not got yet for a later read', async () => {
    const gone: string[] = [];
    const err = await checkPushReceipts(
      createExpoClient({ baseUrl: expo.url }),
      async (token) => {
        gone.push(token);
      },
      [{ ticketId: 'ticket-not-yet-known', token: 'ExponentPushToken[later]' }],
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.equal('1 push receipt(s) not read yet');
    expect(gone).to.deep.equal([]);
    expect(expo.receiptRequests.at(-1)).to.deep.equal(['ticket-not-yet-known']);
  });

  it('starts no more jobs per window than the send rate allows, leaving the rest waiting', async () => {
    const connection = bullConnection(bff.config.REDIS_URL);
    // Under the BFF's key prefix, so its stop() clears these keys too.
    const prefix = `${bff.config.REDIS_KEY_PREFIX}rate:bull`;
    const sms = new Queue(DELIVERY_QUEUES.sms, { connection, prefix });
    const sent: string[] = [];
    const worker = startDeliveryWorker({
      channel: 'sms',
      schema: smsJobSchema,
      connection,
      prefix,
      concurrency: 5,
      rate: { max: 2, durationMs: 60_000 },
      metrics: new DeliveryMetrics(new Registry()),
      logger: silentLogger(),
      deliver: async (job) => {
        sent.push(job.notificationId);
        return `SM${sent.length}`;
      },
    });
    try {
      const jobs = Array.from({ length: 5 }, () => ({ ...pushJob(['x']), to: '+4915100000009' }));
      await sms.addBulk(
        jobs.map((data) => ({ name: 'sms', data, opts: { jobId: deliveryJobId(data.notificationId, 'sms') } })),
      );
      await waitFor(() => sent.length === 2, { what: 'the first two SMS' });
      await waitFor(async () => (await sms.getRateLimitTtl()) > 0, { what: 'the limiter engaged' });
      const counts = await sms.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed');
      expect(counts.completed).to.equal(2);
      expect((counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0)).to.equal(3);
      expect(sent).to.have.length(2);
    } finally {
      await worker.close();
      await sms.close();
    }
  });

  it('defaults to the providers’ documented rates: Expo 600/s per project, one SMS per second per sender', () => {
    const required = {
      AUTH_GRPC_URL: '127.0.0.1:1',
      EXPENSE_GRPC_URL: '127.0.0.1:1',
      GOALS_GRPC_URL: '127.0.0.1:1',
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    expect(bffConfigSchema.parse(required)).to.include({ PUSH_RATE_PER_SECOND: 600, SMS_RATE_PER_SECOND: 1 });
    expect(bffConfigSchema.parse({ ...required, SMS_RATE_PER_SECOND: '100' }).SMS_RATE_PER_SECOND).to.equal(100);
  });
});
