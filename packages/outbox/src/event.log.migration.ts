// Moves a producer from the old per-subscriber outbox (one row per event and subscriber) to the
// event log. Forward-only and idempotent: run it as one migration after the one that created `outbox`.
import { sql, type Kysely } from 'kysely';
import { createEventLogTables } from './event.log.tables.js';

/**
 * Creates the event log's tables, copies every event of the old `outbox` table once (oldest first),
 * sets each old subscriber's cursor just before its first undelivered event (so nothing undelivered is
 * lost; some delivered events after it may be delivered again, which consumers deduplicate), then
 * drops `outbox`. Without an `outbox` table it only creates the tables.
 */
export async function migrateOutboxToEventLog(db: Kysely<any>): Promise<void> {
  await createEventLogTables(db);
  const { rows } = await sql<{ present: boolean }>`
    select exists (
      select 1 from information_schema.tables where table_schema = current_schema() and table_name = 'outbox'
    ) as present`.execute(db);
  if (!rows[0]?.present) return;

  await sql`
    insert into event_log (event_id, event_type, payload, created_at)
    select event_id, min(event_type), (array_agg(payload order by id))[1], min(created_at)
    from outbox
    group by event_id
    order by min(created_at), min(id::text)
    on conflict (event_id) do nothing`.execute(db);
  await sql`
    with progress as (
      select o.subscriber,
             min(e.position) filter (where o.delivered_at is null) as first_pending,
             max(e.position) as last
      from outbox o join event_log e on e.event_id = o.event_id
      group by o.subscriber
    )
    insert into event_subscriptions (subscriber, cursor_xid, cursor_position)
    select p.subscriber, e.xid, case when p.first_pending is null then p.last else p.first_pending - 1 end
    from progress p join event_log e on e.position = coalesce(p.first_pending, p.last)
    on conflict (subscriber) do nothing`.execute(db);
  await sql`drop table outbox`.execute(db);
}
