import { expect } from 'chai';
import { createKysely, migrateToLatest, type Kysely, type SqlHandle } from '@family/db';
import { silentLogger } from '@family/logger';
import { dropSchema, openTestSql, uniqueName, waitFor } from '@family/testing';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { createOutboxTable, newEvent, Outbox, OutboxRelay, type OutboxSubscriber } from '@family/outbox';

function joined(familyId: string, n: number): DomainEvent {
  return newEvent({
    source: 'test',
    familyId,
    payload: { $case: 'memberRemoved', value: { memberId: `m${n}`, userId: `u${n}` } },
  });
}

describe('outbox relay', () => {
  let sql: SqlHandle;
  let db: Kysely<any>;
  const schema = uniqueName('outbox');

  before(async () => {
    sql = await openTestSql(10);
    db = createKysely(sql, schema);
    await migrateToLatest(db, schema, { '0001_outbox': { up: createOutboxTable } });
  });
  after(async () => {
    await dropSchema(sql, schema);
    await sql.close();
  });

  it('writes nothing when the transaction rolls back', async () => {
    const outbox = new Outbox(['a']);
    const event = joined('f0', 0);
    await db
      .transaction()
      .execute(async (trx) => {
        await outbox.enqueue(trx, [event]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const rows = await db.selectFrom('outbox').select('id').where('event_id', '=', event.id).execute();
    expect(rows).to.have.length(0);
  });

  it('delivers every event exactly once per subscriber with two relays running at once', async () => {
    const seen = { a: [] as string[], b: [] as string[] };
    const subscriber = (name: 'a' | 'b'): OutboxSubscriber => ({
      name,
      deliver: async (events) => {
        await new Promise((r) => setTimeout(r, 5));
        seen[name].push(...events.map((e) => e.id));
      },
    });
    const outbox = new Outbox(['a', 'b']);
    const events = Array.from({ length: 120 }, (_, i) => joined('f1', i));
    for (let i = 0; i < events.length; i += 20) {
      await db.transaction().execute((trx) => outbox.enqueue(trx, events.slice(i, i + 20)));
    }
    const relays = [1, 2].map(
      () =>
        new OutboxRelay({
          db,
          subscribers: [subscriber('a'), subscriber('b')],
          logger: silentLogger(),
          batchSize: 7,
          pollIntervalMs: 10,
        }),
    );
    relays.forEach((r) => r.start());
    await waitFor(() => seen.a.length >= 120 && seen.b.length >= 120, { what: 'all deliveries' });
    await Promise.all(relays.map((r) => r.stop()));
    expect(new Set(seen.a).size).to.equal(120);
    expect(seen.a).to.have.length(120);
    expect(seen.b).to.have.length(120);
    // Each subscriber sees events in the order they were written.
    expect(seen.a.slice().sort()).to.deep.equal(events.map((e) => e.id).sort());
  });

  it('retries a failing subscriber with backoff without holding back the others', async () => {
    let failures = 2;
    const got = { ok: [] as string[], flaky: [] as string[] };
    const outbox = new Outbox(['ok', 'flaky']);
    const event = joined('f2', 1);
    await db.transaction().execute((trx) => outbox.enqueue(trx, [event]));
    const relay = new OutboxRelay({
      db,
      logger: silentLogger(),
      pollIntervalMs: 10,
      retryBaseMs: 20,
      subscribers: [
        { name: 'ok', deliver: async (events) => void got.ok.push(...events.map((e) => e.id)) },
        {
          name: 'flaky',
          deliver: async (events) => {
            if (failures-- > 0) throw new Error('down');
            got.flaky.push(...events.map((e) => e.id));
          },
        },
      ],
    });
    relay.start();
    await waitFor(() => got.flaky.length === 1, { what: 'delivery to the flaky subscriber' });
    await relay.stop();
    expect(got.ok).to.deep.equal([event.id]);
    expect(got.flaky).to.deep.equal([event.id]);
    const row = await db
      .selectFrom('outbox')
      .selectAll()
      .where('event_id', '=', event.id)
      .where('subscriber', '=', 'flaky')
      .executeTakeFirstOrThrow();
    expect(row.attempts).to.equal(3);
    expect(row.delivered_at).to.be.instanceOf(Date);
  });
});
