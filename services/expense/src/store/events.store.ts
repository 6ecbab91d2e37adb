import type { Kysely } from 'kysely';
import type { ExpenseDatabase } from '../db/schema.js';

/** Events consumed through HandleEvents, remembered so a redelivery is not applied twice. */
export class ProcessedEventsStore {
  /** True when this call is the first to record the event. */
  async markProcessed(db: Kysely<ExpenseDatabase>, eventId: string, eventType: string): Promise<boolean> {
    const row = await db
      .insertInto('processed_events')
      .values({ event_id: eventId, event_type: eventType })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    return row !== undefined;
  }
}
