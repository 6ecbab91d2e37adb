// The event log's tables: each event once, in order of (xid, position); one progress row per
// subscriber (its cursor, retry state and lease); the events a subscriber parked after failing.
import { sql, type Kysely } from 'kysely';

/**
 * Creates the event log's tables if they are missing. Raw SQL names tables unqualified: run it inside
 * `migrateToLatest`, whose transaction resolves them in the service's schema.
 */
export async function createEventLogTables(db: Kysely<any>): Promise<void> {
  // position orders events within a transaction; xid (the writing transaction) orders transactions
  // and tells which events are safe to hand out (see OutboxRelay).
  await sql`
    create table if not exists event_log (
      position bigserial primary key,
      xid xid8 not null default pg_current_xact_id(),
      event_id uuid not null unique,
      event_type text not null,
      payload bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index if not exists event_log_order_idx on event_log (xid, position)`.execute(db);
  // A cursor (cursor_xid, cursor_position) is the last event the subscriber acknowledged or passed.
  // attempts, retry_at and last_error describe the event right after the cursor while it fails.
  await sql`
    create table if not exists event_subscriptions (
      subscriber text primary key,
      cursor_xid xid8 not null default '0',
      cursor_position bigint not null default 0,
      attempts integer not null default 0,
      retry_at timestamptz,
      last_error text,
      lease_owner text,
      lease_until timestamptz,
      acknowledged_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  // A parked event keeps its payload, so retention may delete it from the log and it can still be
  // re-driven.
  await sql`
    create table if not exists event_parked (
      subscriber text not null,
      position bigint not null,
      xid xid8 not null,
      event_id uuid not null,
      event_type text not null,
      payload bytea not null,
      attempts integer not null,
      last_error text,
      parked_at timestamptz not null default now(),
      redrive_requested_at timestamptz,
      primary key (subscriber, position)
    )`.execute(db);
}
