import { expect } from 'chai';
import { createServer, ServerError, Status, type Server } from 'nice-grpc';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { Role } from '@family/contracts/common/v1/common';
import { TokenVerifier, requireScope, type Caller } from '@family/grpc-kit';
import { partialImplementation, waitFor } from '@family/testing';
import { Scopes } from '@family/service-kit';
import { bearer, email, PASSWORD, startTestAuth, type AuthHarness } from './auth.harness.js';

/** A real EventConsumerService on port 0 that records what it is sent and can fail on demand. */
async function startSubscriber() {
  const received: { events: DomainEvent[]; authorization: string | undefined }[] = [];
  let failNext = 0;
  const server: Server = createServer();
  const impl = partialImplementation({
    async handleEvents(req: { events: DomainEvent[] }, ctx: { metadata: { get(k: string): unknown } }) {
      if (failNext > 0) {
        failNext--;
        throw new ServerError(Status.UNAVAILABLE, 'subscriber down');
      }
      received.push({ events: req.events, authorization: ctx.metadata.get('authorization') as string | undefined });
      return { accepted: req.events.length };
    },
  });
  server.add(EventConsumerServiceDefinition, impl);
  const port = await server.listen('127.0.0.1:0');
  return {
    address: `127.0.0.1:${port}`,
    received,
    failTimes: (n: number) => (failNext = n),
    stop: () => server.shutdown(),
  };
}

describe('auth events through the outbox', () => {
  let h: AuthHarness;
  let subscriber: Awaited<ReturnType<typeof startSubscriber>>;

  before(async () => {
    subscriber = await startSubscriber();
    h = await startTestAuth({ EVENT_SUBSCRIBERS: `notification=${subscriber.address}`, OUTBOX_POLL_MS: '50' });
  });
  after(async () => {
    await h.stop();
    await subscriber.stop();
  });

  const joinedEventsFor = (familyId: string) =>
    subscriber.received.flatMap((r) => r.events).filter((e) => e.familyId === familyId && e.type === 'member.joined');

  it('delivers member.joined for the creator and a new child, with a scoped service token', async () => {
    const parent = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    const created = await h.client.createFamily(
      { name: 'Smiths', currency: 'EUR', timezone: 'Europe/Berlin' },
      bearer(parent.tokens!.accessToken),
    );
    const familyId = created.family!.id;
    await h.client.createChild(
      { familyId, displayName: 'Sam', username: `sam${Date.now().toString(36)}`, password: 'sams secret pw' },
      bearer(created.accessToken),
    );

    const events = await waitFor(
      () => (joinedEventsFor(familyId).length === 2 ? joinedEventsFor(familyId) : undefined),
      { what: 'two member.joined events' },
    );
    const payloads = events.map((e) => (e.payload?.$case === 'memberJoined' ? e.payload.value : undefined));
    expect(payloads.map((p) => [p?.role, p?.via])).to.deep.equal([
      [Role.ROLE_OWNER, 'CREATED_FAMILY'],
      [Role.ROLE_CHILD, 'CHILD_CREATED'],
    ]);
    expect(
      events.every((e) => e.source === 'auth' && e.occurredAt instanceof Date && e.actorUserId === parent.user!.id),
    ).to.equal(true);

    const authorization = subscriber.received.at(-1)!.authorization!;
    const verifier = new TokenVerifier({
      keys: async () => (await h.client.getJwks({})).keys as never,
      issuer: h.config.JWT_ISSUER,
      audience: h.config.JWT_AUDIENCE,
    });
    const caller: Caller = await verifier.verify(authorization.replace('Bearer ', ''));
    expect(requireScope(caller, Scopes.EVENTS_WRITE).clientId).to.equal('auth');
  });

  it('retries a subscriber that is down until it acknowledges, delivering each event once', async () => {
    subscriber.failTimes(2);
    const parent = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    const created = await h.client.createFamily(
      { name: 'Retry', currency: 'USD', timezone: 'America/New_York' },
      bearer(parent.tokens!.accessToken),
    );
    const events = await waitFor(
      () => (joinedEventsFor(created.family!.id).length > 0 ? joinedEventsFor(created.family!.id) : undefined),
      {
        timeoutMs: 10_000,
        what: 'delivery after retries',
      },
    );
    expect(events).to.have.length(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(joinedEventsFor(created.family!.id)).to.have.length(1);
  });
});
