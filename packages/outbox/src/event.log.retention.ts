// Retention of the event log: an event goes once it is older than the retention period and every
// configured subscriber has acknowledged (or parked) it. Until then a subscriber added later can still
// backfill from it.
import { sql, type Kysely } from 'kysely';
import type { OutboxDatabase } from './outbox.js';

export async function pruneEventLog(
  db: Kysely<OutboxDatabase>,
  input: { subscribers: readonly string[]; olderThan: Date },
): Promise<number> {
  let bound: { cursor_xid: string; cursor_position: number } | undefined;
  if (input.subscribers.length > 0) {
    const cursors = await db
      .selectFrom('event_subscriptions')
      .select([sql<string>`cursor_xid::text`.as('cursor_xid'), 'cursor_position'])
      .where('subscriber', 'in', [...input.subscribers])
      .orderBy('cursor_xid')
      .orderBy('cursor_position')
      .execute();
    // A subscriber without a progress row has not started: it will want everything.
    if (cursors.length < input.subscribers.length) return 0;
    bound = cursors[0];
  }
  let query = db.deleteFrom('event_log').where('created_at', '<', input.olderThan);
  if (bound) {
    query = query.where(sql<boolean>`(xid, position) <= (${bound.cursor_xid}::xid8, ${bound.cursor_position}::bigint)`);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
