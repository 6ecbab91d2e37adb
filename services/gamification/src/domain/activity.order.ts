// The one order a batch of events is applied in, whatever order it arrived in.
import type { ActivityEvent } from './gamification.records.js';

/** Oldest first, then by event id. */
export function byOccurrence(a: ActivityEvent, b: ActivityEvent): number {
  const dt = a.occurredAt.getTime() - b.occurredAt.getTime();
  return dt !== 0 ? dt : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
