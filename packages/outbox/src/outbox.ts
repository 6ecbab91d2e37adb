import type { ColumnType, Generated, Kysely } from 'kysely';
import { DomainEvent } from '@family/contracts/events/v1/events';
import { newId } from '@family/db';

export interface OutboxTable {
  id: string;
  event_id: string;
  subscriber: string;
  event_type: string;
  payload: Uint8Array;
  attempts: Generated<number>;
  available_at: ColumnType<Date, Date | undefined, Date>;
  delivered_at: ColumnType<Date | null, never, Date | null>;
  last_error: ColumnType<string | null, never, string | null>;
  created_at: ColumnType<Date, never, never>;
}

export interface OutboxDatabase {
  outbox: OutboxTable;
}

/** Writes events inside the caller's transaction, one row per configured subscriber. */
export class Outbox {
  constructor(
    readonly subscribers: readonly string[],
    private readonly onEnqueued: () => void = () => undefined,
  ) {}

  async enqueue(trx: Kysely<any>, events: DomainEvent[]): Promise<void> {
    if (events.length === 0 || this.subscribers.length === 0) return;
    const rows = events.flatMap((event) => {
      const payload = DomainEvent.encode(event).finish();
      return this.subscribers.map((subscriber) => ({
        id: newId(),
        event_id: event.id,
        subscriber,
        event_type: event.type,
        payload,
      }));
    });
    await (trx as Kysely<OutboxDatabase>).insertInto('outbox').values(rows).execute();
    // The relay is woken after the caller's transaction commits (microtask later at the earliest);
    // if it wakes too soon it simply finds nothing and the next poll picks the rows up.
    setImmediate(this.onEnqueued);
  }
}
