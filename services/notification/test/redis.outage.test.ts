// The notification service without its Redis, or with a Redis that hangs: calls fail fast with
// UNAVAILABLE (not after the caller's whole deadline), health goes NOT_SERVING, and both recover by
// themselves when Redis is back. A stalled event loop of its own does not drop a healthy connection.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { createGrpcClient, HealthDefinition } from '@family/grpc-kit';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import { DEFAULT_REDIS_BOUNDS } from '@family/service-kit';
import { expectGrpcError, startTestRedisServer, waitFor, type TestRedisServer } from '@family/testing';
import { connectRedis } from '../src/store/redis.client.js';
import { bearer, limitExceeded, startNotificationHarness, type NotificationHarness } from './notification.harness.js';

/** grpc.health.v1 HealthCheckResponse.ServingStatus */
const SERVING = 1;
const NOT_SERVING = 2;

describe('notification service when its Redis goes away', function () {
  let redis: TestRedisServer;
  let t: NotificationHarness;

  before(async () => {
    redis = await startTestRedisServer();
    t = await startNotificationHarness({ REDIS_URL: redis.url });
  });
  after(async () => {
    await redis?.start().catch(() => undefined);
    await t?.stop();
    await redis?.stop();
  });

  it('answers UNAVAILABLE at once, reports NOT_SERVING, and recovers when Redis returns', async () => {
    const h = await t.household(1);
    const health = createGrpcClient(HealthDefinition, t.service.address);
    const status = async () => (await health.check({ service: NotificationServiceDefinition.fullName })).status;
    expect(await status()).to.equal(SERVING);
    await t.send(limitExceeded(h));
    expect((await t.client.listNotifications({}, bearer(h.parent.token))).notifications).to.have.length(1);

    await redis.stop();
    // A call that waited for Redis would end in DEADLINE_EXCEEDED; it must be refused, retryable.
    const deadline = { deadline: new Date(Date.now() + 8_000) };
    const failure = await expectGrpcError(
      t.client.listNotifications({}, { ...bearer(h.parent.token), ...deadline }),
      Status.UNAVAILABLE,
      'STORE_UNAVAILABLE',
    );
    expect(failure.retryAfterSeconds, 'a retry hint').to.be.greaterThan(0);
    // An event delivered meanwhile is refused too, so the relay keeps it and tries again later.
    const later = limitExceeded(h);
    await expectGrpcError(
      t.client.handleEvents({ events: [later] }, { ...bearer(await t.serviceToken('relay')), ...deadline }),
      Status.UNAVAILABLE,
    );
    await waitFor(async () => (await status()) === NOT_SERVING, {
      what: 'NOT_SERVING without Redis',
    });

    await redis.start();
    await waitFor(async () => (await status()) === SERVING, {
      timeoutMs: 10_000,
      what: 'SERVING once Redis is back',
    });
    // The relay's next try goes through once the queues have reconnected too.
    await waitFor(
      () =>
        t.send(later).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 10_000, what: 'events accepted again' },
    );
    const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
    // The private Redis kept nothing across its restart (no persistence): only the event sent after.
    expect(inbox.notifications.map((n) => n.eventId)).to.deep.equal([later.id]);
  });

  it('answers UNAVAILABLE within the bound when Redis hangs, and recovers when it goes on', async () => {
    const h = await t.household(1);
    const health = createGrpcClient(HealthDefinition, t.service.address);
    const status = async () => (await health.check({ service: NotificationServiceDefinition.fullName })).status;
    await t.send(limitExceeded(h));
    expect(await status()).to.equal(SERVING);

    redis.pause();
    try {
      // Written to a connection nobody answers: without the reply watchdog it would wait for TCP.
      const started = Date.now();
      const deadline = { deadline: new Date(Date.now() + 15_000) };
      await expectGrpcError(
        t.client.listNotifications({}, { ...bearer(h.parent.token), ...deadline }),
        Status.UNAVAILABLE,
        'STORE_UNAVAILABLE',
      );
      expect(Date.now() - started).to.be.lessThan(2 * DEFAULT_REDIS_BOUNDS.commandTimeoutMs);
      await waitFor(async () => (await status()) === NOT_SERVING, { what: 'NOT_SERVING while Redis hangs' });
    } finally {
      redis.resume();
    }
    await waitFor(async () => (await status()) === SERVING, {
      timeoutMs: 4 * DEFAULT_REDIS_BOUNDS.commandTimeoutMs,
      what: 'SERVING once Redis goes on',
    });
    expect((await t.client.listNotifications({}, bearer(h.parent.token))).notifications).to.have.length(1);
  });

  it('keeps a healthy connection through a stall of its own event loop', async () => {
    const client = await connectRedis(redis.url, () => undefined);
    let dropped = 0;
    client.on('end', () => dropped++);
    // Stall the loop right after the watchdog's ping is written, so its reply waits unread past the
    // bound: the stall is this process's, not Redis's.
    const ping = client.ping.bind(client);
    let stalls = 0;
    (client as { ping: typeof client.ping }).ping = (() => {
      const answer = ping();
      if (stalls++ === 0) {
        const until = Date.now() + DEFAULT_REDIS_BOUNDS.commandTimeoutMs + 1_000;
        while (Date.now() < until) {
          // busy: the event loop stands still
        }
      }
      return answer;
    }) as typeof client.ping;
    try {
      await waitFor(() => stalls >= 3, { timeoutMs: 4 * DEFAULT_REDIS_BOUNDS.commandTimeoutMs, what: 'three pings' });
      expect(dropped, 'connections dropped').to.equal(0);
      expect(await client.set('still', 'up')).to.equal('OK');
    } finally {
      client.destroy();
    }
  });
});
