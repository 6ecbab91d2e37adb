// GET /v1/events: live notifications over Server-Sent Events, fanned out from Redis pub/sub to every
// BFF replica, with heartbeats and replay from the inbox after Last-Event-ID.
import { expect } from 'chai';
import { createServer as createGrpcServer } from 'nice-grpc';
import { createClient } from 'redis';
import { userEventsChannel } from '@family/delivery-jobs';
import { NotificationCategory } from '@family/contracts/common/v1/common';
import {
  NotificationServiceDefinition,
  type ListNotificationsRequest,
  type Notification,
} from '@family/contracts/notification/v1/notification';
import { partialImplementation, testRedisUrl, uniqueName, waitFor } from '@family/testing';
import { expectProblem, register, startTestAuth, startTestBff, type AuthStack, type TestBff } from './bff.harness.js';
import { openSse, type SseStream } from './sse.client.js';

function inboxEntry(id: string, minutesAgo: number): Notification {
  return {
    id,
    familyId: 'family-1',
    category: NotificationCategory.NOTIFICATION_CATEGORY_CHORES,
    title: `Chore ${id}`,
    body: 'Waiting for approval',
    data: { choreId: id },
    createdAt: new Date(Date.now() - minutesAgo * 60_000),
    readAt: undefined,
    urgent: false,
    eventId: `event-${id}`,
  };
}

describe('GET /v1/events (Server-Sent Events)', () => {
  const prefix = `${uniqueName('sse')}:`;
  let auth: AuthStack;
  let replicaA: TestBff;
  let replicaB: TestBff;
  let publisher: ReturnType<typeof createClient>;
  let inbox: ReturnType<typeof createGrpcServer>;
  const listCalls: { request: ListNotificationsRequest; authorization: string | undefined }[] = [];
  const streams: SseStream[] = [];

  // The inbox the fake notification service answers with, newest first.
  const inboxItems = [inboxEntry('n-3', 1), inboxEntry('n-2', 2), inboxEntry('n-1', 3)];

  before(async () => {
    inbox = createGrpcServer();
    inbox.add(
      NotificationServiceDefinition,
      partialImplementation({
        async listNotifications(request: ListNotificationsRequest, context: { metadata: { get(k: string): unknown } }) {
          listCalls.push({ request, authorization: context.metadata.get('authorization') as string | undefined });
          return { notifications: inboxItems, page: { nextCursor: '' }, unreadCount: 3 };
        },
      }),
    );
    const inboxPort = await inbox.listen('127.0.0.1:0');
    auth = await startTestAuth();
    const env = { REDIS_KEY_PREFIX: prefix, SSE_HEARTBEAT_MS: '100', NOTIFICATION_GRPC_URL: `127.0.0.1:${inboxPort}` };
    replicaA = await startTestBff(auth, env);
    replicaB = await startTestBff(auth, env);
    publisher = createClient({ url: testRedisUrl() });
    await publisher.connect();
  });

  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });

  after(async () => {
    await publisher?.close();
    await replicaA?.stop();
    await replicaB?.stop();
    await auth?.stop();
    await inbox?.shutdown();
  });

  async function open(bff: TestBff, token: string, headers: Record<string, string> = {}) {
    const stream = await openSse(`${bff.url}/v1/events`, { authorization: `Bearer ${token}`, ...headers });
    streams.push(stream);
    return stream;
  }

  /** Publishes and waits until every stream got one more event (streams subscribe before answering). */
  async function publishTo(userId: string, payload: object, ...wanting: SseStream[]) {
    const before = wanting.map((s) => s.events.length);
    const message = JSON.stringify(payload);
    await publisher.publish(userEventsChannel(prefix, userId), message);
    await waitFor(() => wanting.every((s, i) => s.events.length > before[i]!), { what: 'the published event' });
  }

  it('streams a notification published for the caller, as an SSE event with its id', async () => {
    const pat = await register(replicaA, 'Pat');
    const stream = await open(replicaA, pat.accessToken);
    expect(stream.status).to.equal(200);
    expect(stream.headers['content-type']).to.match(/^text\/event-stream/);
    const notification = { id: 'n-live-1', category: 'BUDGET', title: 'Groceries at 80%', body: '...' };
    await publishTo(pat.userId, notification, stream);
    const [event] = stream.events;
    expect(event).to.deep.equal({ id: 'n-live-1', event: 'notification', data: JSON.stringify(notification) });
  });

  it("does not stream another user's notifications", async () => {
    const pat = await register(replicaA, 'Pat');
    const sam = await register(replicaA, 'Sam');
    const patStream = await open(replicaA, pat.accessToken);
    const samStream = await open(replicaA, sam.accessToken);
    await publisher.publish(userEventsChannel(prefix, sam.userId), JSON.stringify({ id: 'for-sam' }));
    await publishTo(pat.userId, { id: 'for-pat' }, patStream);
    await samStream.next();
    expect(patStream.events.map((e) => e.id)).to.deep.equal(['for-pat']);
    expect(samStream.events.map((e) => e.id)).to.deep.equal(['for-sam']);
  });

  it('sends heartbeats while nothing happens', async () => {
    const pat = await register(replicaA, 'Pat');
    const stream = await open(replicaA, pat.accessToken);
    await waitFor(() => stream.comments.filter((c) => c === 'ping').length >= 2, { what: 'two heartbeats' });
  });

  it("delivers one publish to the caller's streams on every replica", async () => {
    const pat = await register(replicaA, 'Pat');
    const onA = await open(replicaA, pat.accessToken);
    const onB = await open(replicaB, pat.accessToken);
    await publishTo(pat.userId, { id: 'n-both' }, onA, onB);
    expect(onA.events.map((e) => e.id)).to.deep.equal(['n-both']);
    expect(onB.events.map((e) => e.id)).to.deep.equal(['n-both']);
  });

  it("replays the inbox entries newer than Last-Event-ID, oldest first, with the caller's token", async () => {
    const pat = await register(replicaA, 'Pat');
    const stream = await open(replicaB, pat.accessToken, { 'last-event-id': 'n-1' });
    const replayed = await stream.next(2);
    expect(replayed.map((e) => e.id)).to.deep.equal(['n-2', 'n-3']);
    expect(JSON.parse(replayed[0]!.data)).to.include({ id: 'n-2', category: 'CHORES', title: 'Chore n-2' });
    expect(listCalls.at(-1)?.authorization).to.equal(`Bearer ${pat.accessToken}`);
    // Then live, without repeating what the replay sent.
    await publisher.publish(userEventsChannel(prefix, pat.userId), JSON.stringify({ id: 'n-3' }));
    await publishTo(pat.userId, { id: 'n-4' }, stream);
    expect(stream.events.map((e) => e.id)).to.deep.equal(['n-2', 'n-3', 'n-4']);
  });

  it('accepts the token as ?access_token= for EventSource', async () => {
    const pat = await register(replicaA, 'Pat');
    const stream = await openSse(`${replicaA.url}/v1/events?access_token=${encodeURIComponent(pat.accessToken)}`);
    streams.push(stream);
    expect(stream.status).to.equal(200);
    await publishTo(pat.userId, { id: 'n-query' }, stream);
  });

  it('refuses a stream without a valid token', async () => {
    expectProblem(await replicaA.http().get('/v1/events'), 401, 'TOKEN_MISSING');
    const r = await replicaA.http().get('/v1/events?access_token=not-a-jwt');
    expect(r.status).to.equal(401);
  });
});
