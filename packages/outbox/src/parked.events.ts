// Parked events: what an operator lists and re-drives (through the relay or the redrive CLI).
import { sql, type Kysely } from 'kysely';
import type { OutboxDatabase } from './outbox.js';

export interface ParkedEvent {
  subscriber: string;
  eventId: string;
  eventType: string;
  attempts: number;
  lastError: string | null;
  parkedAt: Date;
  redriveRequested: boolean;
}

export async function listParked(db: Kysely<any>, subscriber?: string): Promise<ParkedEvent[]> {
  let query = (db as Kysely<OutboxDatabase>)
    .selectFrom('event_parked')
    .select(['subscriber', 'event_id', 'event_type', 'attempts', 'last_error', 'parked_at', 'redrive_requested_at'])
    .orderBy('subscriber')
    .orderBy('xid')
    .orderBy('position');
  if (subscriber) query = query.where('subscriber', '=', subscriber);
  const rows = await query.execute();
  return rows.map((r) => ({
    subscriber: r.subscriber,
    eventId: r.event_id,
    eventType: r.event_type,
    attempts: r.attempts,
    lastError: r.last_error,
    parkedAt: r.parked_at,
    redriveRequested: r.redrive_requested_at !== null,
  }));
}

/**
 * Marks parked events of `subscriber` (all, or those with the given ids) for delivery; whichever relay
 * holds the subscriber delivers them on its next pass. Resolves to how many were marked.
 */
export async function requestRedrive(
  db: Kysely<any>,
  subscriber: string,
  eventIds?: readonly string[],
): Promise<number> {
  let query = (db as Kysely<OutboxDatabase>)
    .updateTable('event_parked')
    .set({ redrive_requested_at: sql<Date>`now()` })
    .where('subscriber', '=', subscriber);
  if (eventIds && eventIds.length > 0) query = query.where('event_id', 'in', [...eventIds]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
