// Writes domain events to the producer's event log inside the caller's transaction: each event once,
// whoever subscribes to it (now or later).
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { DomainEvent } from '@family/contracts/events/v1/events';
import { pgArray } from '@family/db';

export interface EventLogTable {
  position: Generated<number>;
  /** xid8, read as text. */
  xid: Generated<string>;
  event_id: string;
  event_type: string;
  payload: Uint8Array;
  created_at: ColumnType<Date, never, never>;
}

export interface EventSubscriptionTable {
  subscriber: string;
  cursor_xid: ColumnType<string, string | undefined, string>;
  cursor_position: ColumnType<number, number | undefined, number>;
  attempts: Generated<number>;
  retry_at: ColumnType<Date | null, never, Date | null>;
  last_error: ColumnType<string | null, never, string | null>;
  lease_owner: ColumnType<string | null, never, string | null>;
  lease_until: ColumnType<Date | null, never, Date | null>;
  acknowledged_at: ColumnType<Date | null, never, Date | null>;
  created_at: ColumnType<Date, never, never>;
}

export interface EventParkedTable {
  subscriber: string;
  position: number;
  xid: string;
  event_id: string;
  event_type: string;
  payload: Uint8Array;
  attempts: number;
  last_error: string | null;
  parked_at: ColumnType<Date, Date | undefined, Date>;
  redrive_requested_at: ColumnType<Date | null, never, Date | null>;
}

export interface OutboxDatabase {
  event_log: EventLogTable;
  event_subscriptions: EventSubscriptionTable;
  event_parked: EventParkedTable;
}

export class Outbox {
  /** `onEnqueued` wakes the relay (usually `() => relay.kick()`). */
  constructor(private readonly onEnqueued: () => void = () => undefined) {}

  async enqueue(trx: Kysely<any>, events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One array per column, so the statement's size does not grow with the events; positions
    // follow the order of `events`. The payloads travel as one binary parameter, cut by offset and
    // length: as a hex array literal they would be twice their size, built here and parsed there.
    const writer = new BinaryWriter();
    const payloads = events.map((e) => DomainEvent.encode(e, writer).finish());
    const offsets: number[] = [];
    const lengths: number[] = [];
    let at = 1;
    for (const p of payloads) {
      offsets.push(at);
      lengths.push(p.length);
      at += p.length;
    }
    const values = sql<{ event_id: string; event_type: string; payload: Uint8Array; ord: number }>`(select
        u.event_id, u.event_type, substring(${Buffer.concat(payloads, at - 1)}::bytea from u.off for u.len) as payload, u.ord
      from unnest(${pgArray(events.map((e) => e.id))}::uuid[], ${pgArray(events.map((e) => e.type))}::text[],
        ${pgArray(offsets)}::int4[], ${pgArray(lengths)}::int4[])
        with ordinality as u(event_id, event_type, off, len, ord))`.as('v');
    await (trx as Kysely<OutboxDatabase>)
      .insertInto('event_log')
      .columns(['event_id', 'event_type', 'payload'])
      .expression((eb) => eb.selectFrom(values).select(['v.event_id', 'v.event_type', 'v.payload']).orderBy('v.ord'))
      .execute();
    // The relay is woken after the caller's transaction commits (a macrotask later at the earliest);
    // if it wakes too soon it finds nothing yet and the next poll picks the events up.
    setImmediate(this.onEnqueued);
  }
}
