import { expect } from 'chai';
import { createServer, type Server } from 'nice-grpc';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { createKysely, migrateToLatest, newId, openSql, sql as rawSql, type Kysely, type SqlHandle } from '@family/db';
import { silentLogger } from '@family/logger';
import { dropSchema, openTestSql, uniqueName, waitFor } from '@family/testing';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import {
  createOutboxTable,
  eventSubscribersEnv,
  grpcEventConsumers,
  migrateOutboxToEventLog,
  newEvent,
  Outbox,
  OutboxRelay,
  type OutboxRelayOptions,
  type OutboxSubscriber,
} from '@family/outbox';
import { DomainEvent as DomainEventCodec } from '@family/contracts/events/v1/events';

function removed(familyId: string, n: number): DomainEvent {
  return newEvent({
    source: 'test',
    familyId,
    payload: { $case: 'memberRemoved', value: { memberId: `m${n}`, userId: `u${n}` } },
  });
}

function jarSpent(familyId: string): DomainEvent {
  return newEvent({
    source: 'test',
    familyId,
    payload: {
      $case: 'jarSpent',
      value: {
        ledgerEntryId: newId(),
        memberId: 'm1',
        amount: { amountMinor: 250, currency: 'EUR' },
        description: 'comic',
        merchant: '',
        categoryId: '',
        occurredOn: { year: 2026, month: 1, day: 2 },
      },
    },
  });
}

/** A subscriber that records the ids it was given, in order. */
function recorder(name: string, eventTypes?: string[]) {
  const ids: string[] = [];
  const subscriber: OutboxSubscriber = {
    name,
    ...(eventTypes ? { eventTypes } : {}),
    deliver: async (events) => void ids.push(...events.map((e) => e.id)),
  };
  return { ids, subscriber };
}

describe('outbox event log and relay', () => {
  let handle: SqlHandle;
  let schema: string;
  let db: Kysely<any>;
  let relays: OutboxRelay[];
  const outbox = new Outbox();

  const write = (events: DomainEvent[]) => db.transaction().execute((trx) => outbox.enqueue(trx, events));
  const relay = (options: Partial<OutboxRelayOptions> & { subscribers: OutboxSubscriber[] }) => {
    const r = new OutboxRelay({
      db,
      logger: silentLogger(),
      pollIntervalMs: 10,
      retryBaseMs: 5,
      retryMaxMs: 20,
      ...options,
    });
    relays.push(r);
    return r;
  };

  before(async () => {
    handle = await openTestSql(10);
  });
  after(async () => {
    await handle.close();
  });
  beforeEach(async () => {
    relays = [];
    schema = uniqueName('outbox');
    db = createKysely(handle, schema);
    await migrateToLatest(db, schema, { '0001_event_log': { up: migrateOutboxToEventLog } });
  });
  afterEach(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await dropSchema(handle, schema);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const event = removed('f0', 0);
    await db
      .transaction()
      .execute(async (trx) => {
        await outbox.enqueue(trx, [event]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const rows = await db.selectFrom('event_log').select('position').execute();
    expect(rows).to.have.length(0);
  });

  it('stores each event once, however many subscribers there are', async () => {
    await write([removed('f1', 1), removed('f1', 2)]);
    const rows = await db.selectFrom('event_log').select(['event_id', 'event_type']).execute();
    expect(rows.map((r) => r.event_type)).to.deep.equal(['member.removed', 'member.removed']);
  });

  it('gives a subscriber configured later every retained event oldest first, then the later ones', async () => {
    const early = Array.from({ length: 25 }, (_, i) => removed('f2', i));
    for (let i = 0; i < early.length; i += 5) await write(early.slice(i, i + 5));
    const notification = recorder('notification');
    relay({ subscribers: [notification.subscriber] }).start();
    await waitFor(() => notification.ids.length === 25, { what: 'notification to catch up' });

    // Gamification is configured now: it backfills from history, oldest first, with a small batch size.
    const gamification = recorder('gamification');
    const withGamification = relay({ subscribers: [notification.subscriber, gamification.subscriber], batchSize: 4 });
    withGamification.start();
    await waitFor(() => gamification.ids.length === 25, { what: 'gamification to backfill' });
    const later = [removed('f2', 100), removed('f2', 101)];
    await write(later);
    withGamification.kick();
    await waitFor(() => gamification.ids.length === 27, { what: 'the later events' });
    expect(gamification.ids).to.deep.equal([...early, ...later].map((e) => e.id));
  });

  it('keeps delivering to one subscriber while another keeps failing', async () => {
    const ok = recorder('notification');
    let brokenCalls = 0;
    const broken: OutboxSubscriber = {
      name: 'gamification',
      deliver: async () => {
        brokenCalls++;
        throw new Error('gamification is down');
      },
    };
    const r = relay({ subscribers: [broken, ok.subscriber], maxAttempts: 1000, retryBaseMs: 50, retryMaxMs: 200 });
    r.start();
    for (let i = 0; i < 5; i++) {
      const event = removed('f3', i);
      await write([event]);
      r.kick();
      await waitFor(() => ok.ids.includes(event.id), { what: `event ${i} at the healthy subscriber`, timeoutMs: 2000 });
    }
    expect(ok.ids).to.have.length(5);
    expect(brokenCalls).to.be.greaterThan(0);
    const progress = await db
      .selectFrom('event_subscriptions')
      .select(['subscriber', 'attempts', 'last_error'])
      .where('subscriber', '=', 'gamification')
      .executeTakeFirstOrThrow();
    expect(progress.attempts).to.be.greaterThan(0);
    expect(progress.last_error).to.equal('gamification is down');
  });

  it('parks a poison event after the last attempt, delivers the events behind it, and redrives it', async () => {
    const registry = new Registry();
    const events = [removed('f4', 1), removed('f4', 2), removed('f4', 3), removed('f4', 4)];
    const poison = events[1]!;
    let cured = false;
    const received: string[] = [];
    let poisonAttempts = 0;
    const picky: OutboxSubscriber = {
      name: 'notification',
      deliver: async (batch) => {
        if (!cured && batch.some((e) => e.id === poison.id)) {
          if (batch.length === 1) poisonAttempts++;
          throw new Error('cannot handle this one');
        }
        received.push(...batch.map((e) => e.id));
      },
    };
    const r = relay({ subscribers: [picky], maxAttempts: 3, registry, producer: 'goals' });
    await write(events);
    r.start();
    await waitFor(() => received.length === 3, { what: 'the events around the poison one' });
    expect(received).to.deep.equal([events[0]!.id, events[2]!.id, events[3]!.id]);
    expect(poisonAttempts).to.equal(3);
    const parked = await r.parked('notification');
    expect(parked.map((p) => [p.eventId, p.attempts, p.lastError])).to.deep.equal([
      [poison.id, 3, 'cannot handle this one'],
    ]);
    const gauge = await registry.getSingleMetric('outbox_parked_events')!.get();
    expect(gauge.values.find((v) => v.labels.subscriber === 'notification')?.value).to.equal(1);
    const deliveries = await registry.getSingleMetric('outbox_event_deliveries_total')!.get();
    const failed = deliveries.values.find((v) => v.labels.outcome === 'failed' && v.labels.producer === 'goals');
    expect(failed?.value).to.equal(3);

    // The consumer is fixed; an operator redrives the parked event.
    cured = true;
    expect(await r.redrive('notification')).to.equal(1);
    await waitFor(() => received.length === 4, { what: 'the redriven event' });
    expect(received.at(-1)).to.equal(poison.id);
    expect(await r.parked('notification')).to.deep.equal([]);
  });

  it('never parks an event while its subscriber is only unreachable, and delivers it once it is back', async () => {
    const events = [removed('f4b', 1), removed('f4b', 2)];
    let down = true;
    let failures = 0;
    const received: string[] = [];
    const flaky: OutboxSubscriber = {
      name: 'notification',
      deliver: async (batch) => {
        if (down) {
          failures++;
          throw new Error('connect ECONNREFUSED');
        }
        received.push(...batch.map((e) => e.id));
      },
      transient: () => true,
    };
    const r = relay({ subscribers: [flaky], maxAttempts: 2, retryBaseMs: 1, retryMaxMs: 5 });
    await write(events);
    r.start();
    await waitFor(() => failures >= 6, { what: 'failed attempts well past maxAttempts' });
    expect(await r.parked('notification')).to.deep.equal([]);
    down = false;
    await waitFor(() => received.length === 2, { what: 'the events once the subscriber is back' });
    expect(received).to.deep.equal(events.map((e) => e.id));
  });

  it('never delivers to one subscriber from two relays at the same time, and a second relay takes over', async () => {
    const events = Array.from({ length: 90 }, (_, i) => removed('f5', i));
    for (let i = 0; i < events.length; i += 15) await write(events.slice(i, i + 15));
    let inFlight = 0;
    let overlapped = false;
    const seen: string[] = [];
    const byRelay = [0, 0];
    const subscriber = (relayIndex: number): OutboxSubscriber => ({
      name: 'notification',
      deliver: async (batch) => {
        byRelay[relayIndex]! += batch.length;
        inFlight++;
        if (inFlight > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 3));
        seen.push(...batch.map((e) => e.id));
        inFlight--;
      },
    });
    const first = relay({ subscribers: [subscriber(0)], batchSize: 5 });
    const second = relay({ subscribers: [subscriber(1)], batchSize: 5 });
    first.start();
    await waitFor(() => seen.length >= 10, { what: 'the first relay to start delivering' });
    second.start();
    await waitFor(() => seen.length >= 30, { what: 'a third of the events' });
    // Whoever holds the lease stops (releasing it); the other relay carries on from the cursor.
    await first.stop();
    await waitFor(() => seen.length >= 90, { what: 'every event' });
    expect(overlapped).to.equal(false);
    expect(seen).to.deep.equal(events.map((e) => e.id));
    expect(byRelay[0]).to.be.greaterThan(0);
    expect(byRelay[1]).to.be.greaterThan(0);
  });

  it('never skips an event whose transaction commits after a later event was handed out', async () => {
    const got = recorder('notification');
    const r = relay({ subscribers: [got.subscriber] });
    const early = removed('f6', 1);
    const late = removed('f6', 2);
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    let secondStarted!: () => void;
    const secondHasXid = new Promise<void>((resolve) => (secondStarted = resolve));

    // The second transaction takes its id first, the first one then writes (taking the lower position),
    // the second writes and commits while the first is still open.
    const second = db.transaction().execute(async (trx) => {
      await rawSql`select pg_current_xact_id()`.execute(trx);
      secondStarted();
      await firstHasWritten;
      await outbox.enqueue(trx, [late]);
    });
    const first = db.transaction().execute(async (trx) => {
      await secondHasXid;
      await outbox.enqueue(trx, [early]);
      firstWrote();
      await firstMayCommit;
    });
    await second;
    await r.runOnce();
    await r.runOnce();
    expect(got.ids).to.deep.equal([late.id]);
    releaseFirst();
    await first;
    await r.runOnce();
    await r.runOnce();
    expect([...got.ids].sort()).to.deep.equal([early.id, late.id].sort());
  });

  it('delivers over gRPC to EventConsumerService with a service token, only the event types wanted', async () => {
    const calls: { ids: string[]; authorization: string }[] = [];
    const server: Server = createServer();
    server.add(EventConsumerServiceDefinition, {
      async handleEvents(req, ctx) {
        calls.push({ ids: req.events.map((e) => e.id), authorization: String(ctx.metadata.get('authorization')) });
        return { accepted: req.events.length };
      },
    });
    const port = await server.listen('127.0.0.1:0');
    try {
      const config = z.object({ EVENT_SUBSCRIBERS: eventSubscribersEnv() }).parse({
        EVENT_SUBSCRIBERS: `notification=127.0.0.1:${port}, expense=127.0.0.1:${port}[jar.spent]`,
      });
      const subscribers = grpcEventConsumers(config.EVENT_SUBSCRIBERS, async () => 'service-token');
      const spent = jarSpent('f7');
      const other = removed('f7', 1);
      await write([other, spent]);
      relay({ subscribers }).start();
      await waitFor(() => calls.flatMap((c) => c.ids).length === 3, { what: 'three deliveries' });
      const all = calls.flatMap((c) => c.ids);
      expect(all.filter((id) => id === spent.id)).to.have.length(2);
      expect(all.filter((id) => id === other.id)).to.have.length(1);
      expect(calls.every((c) => c.authorization === 'Bearer service-token')).to.equal(true);
      const decoded = DomainEventCodec.decode(DomainEventCodec.encode(spent).finish());
      expect(decoded.type).to.equal('jar.spent');
    } finally {
      await server.shutdown();
    }
  });

  it('refuses a malformed EVENT_SUBSCRIBERS naming the variable and the bad entry', () => {
    const schema = z.object({ EVENT_SUBSCRIBERS: eventSubscribersEnv() });
    for (const bad of ['notification', 'a=host:1,a=host:2', 'expense=expense:50052[Jar Spent]', 'x=nohost']) {
      const result = schema.safeParse({ EVENT_SUBSCRIBERS: bad });
      expect(result.success, bad).to.equal(false);
      expect(result.error!.issues[0]!.path).to.deep.equal(['EVENT_SUBSCRIBERS']);
    }
    expect(schema.parse({}).EVENT_SUBSCRIBERS).to.deep.equal([]);
    expect(schema.parse({ EVENT_SUBSCRIBERS: 'gamification=g:1[chore.* jar.spent]' }).EVENT_SUBSCRIBERS).to.deep.equal([
      { name: 'gamification', address: 'g:1', eventTypes: ['chore.*', 'jar.spent'] },
    ]);
  });

  it('deletes only events past retention that every configured subscriber has acknowledged', async () => {
    const [oldDone, oldPending, recent] = [removed('f8', 1), removed('f8', 2), removed('f8', 3)];
    await write([oldDone]);
    await write([oldPending]);
    await write([recent]);
    const a = recorder('a');
    const b = recorder('b');
    const r = relay({ subscribers: [a.subscriber, b.subscriber], retentionMs: 86_400_000 });
    await r.runOnce();
    // b has acknowledged only the first event.
    const first = await db
      .selectFrom('event_log')
      .select([rawSql<string>`xid::text`.as('xid'), 'position'])
      .where('event_id', '=', oldDone.id)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('event_subscriptions')
      .set({ cursor_xid: rawSql`${first.xid}::xid8`, cursor_position: first.position })
      .where('subscriber', '=', 'b')
      .execute();
    await db
      .updateTable('event_log')
      .set({ created_at: rawSql`now() - interval '2 days'` })
      .where('event_id', 'in', [oldDone.id, oldPending.id])
      .execute();

    expect(await r.pruneRetained()).to.equal(1);
    const left = await db.selectFrom('event_log').select('event_id').orderBy('position').execute();
    expect(left.map((row) => row.event_id)).to.deep.equal([oldPending.id, recent.id]);
  });

  it('moves the old per-subscriber outbox over so that undelivered rows are still delivered', async () => {
    const legacy = uniqueName('outbox_legacy');
    const old = createKysely<any>(handle, legacy);
    try {
      await migrateToLatest(old, legacy, { '0002_outbox': { up: createOutboxTable } });
      const events = [removed('f9', 1), removed('f9', 2), removed('f9', 3)];
      // notification received the first event only; gamification received all three.
      const rows = events.flatMap((event, i) =>
        (['notification', 'gamification'] as const).map((subscriber) => ({
          id: newId(),
          event_id: event.id,
          subscriber,
          event_type: event.type,
          payload: DomainEventCodec.encode(event).finish(),
          delivered_at: subscriber === 'gamification' || i === 0 ? new Date() : null,
        })),
      );
      await old.insertInto('outbox').values(rows).execute();

      const migrations = {
        '0002_outbox': { up: createOutboxTable },
        '0003_event_log': { up: migrateOutboxToEventLog },
      };
      await migrateToLatest(old, legacy, migrations);
      // Running the move again changes nothing.
      await old.transaction().execute(async (trx) => {
        await rawSql`set local search_path to ${rawSql.id(legacy)}`.execute(trx);
        await migrateOutboxToEventLog(trx);
      });
      const { rows: tables } = await rawSql<{ present: boolean }>`
        select exists (select 1 from information_schema.tables where table_schema = ${legacy} and table_name = 'outbox') as present`.execute(
        old,
      );
      expect(tables[0]!.present).to.equal(false);

      const notification = recorder('notification');
      const gamification = recorder('gamification');
      const newcomer = recorder('expense');
      const r = new OutboxRelay({
        db: old,
        subscribers: [notification.subscriber, gamification.subscriber, newcomer.subscriber],
        logger: silentLogger(),
      });
      await r.runOnce();
      await r.runOnce();
      await r.stop();
      expect(notification.ids).to.deep.equal([events[1]!.id, events[2]!.id]);
      expect(gamification.ids).to.deep.equal([]);
      expect(newcomer.ids).to.deep.equal(events.map((e) => e.id));
    } finally {
      await dropSchema(handle, legacy);
    }
  });

  it('works the same on embedded PGlite', async () => {
    const embedded = await openSql({});
    try {
      const edb = createKysely<any>(embedded, 'producer');
      await migrateToLatest(edb, 'producer', { '0001_event_log': { up: migrateOutboxToEventLog } });
      const events = [removed('f10', 1), removed('f10', 2), jarSpent('f10')];
      await edb.transaction().execute((trx) => outbox.enqueue(trx, events));
      const all = recorder('notification');
      const spends = recorder('expense', ['jar.spent']);
      const r = new OutboxRelay({ db: edb, subscribers: [all.subscriber, spends.subscriber], logger: silentLogger() });
      await r.runOnce();
      await r.stop();
      expect(all.ids).to.deep.equal(events.map((e) => e.id));
      expect(spends.ids).to.deep.equal([events[2]!.id]);
      expect(await r.pruneRetained()).to.equal(0);
    } finally {
      await embedded.close();
    }
  });
});
