// The gamification schema: the families copy, the event log (events out), and the Postgres store of
// progress (docs/decisions/0019-gamification-service.md). Documents are JSONB; what is filtered or
// added up atomically (XP, leaderboard points) has its own columns.
import { sql, type Kysely } from 'kysely';
import { createEventLogTables } from '@family/outbox';
import { createFamiliesTable } from '@family/service-kit';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createFamiliesTable(db);
  await createEventLogTables(db);

  // Every event recorded once (the idempotency key), with the activity it became.
  await sql`
    create table if not exists recorded_events (
      event_id text primary key,
      family_id uuid not null,
      member_id uuid not null,
      event_type text not null,
      occurred_at timestamptz not null,
      activity jsonb not null,
      recorded_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index if not exists recorded_events_family_idx
    on recorded_events (family_id, event_type, occurred_at)`.execute(db);

  await sql`
    create table if not exists member_progress (
      member_id uuid primary key,
      family_id uuid not null,
      xp bigint not null default 0,
      level integer not null default 1,
      doc jsonb not null,
      version integer not null default 1,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index if not exists member_progress_family_idx on member_progress (family_id)`.execute(db);

  await sql`
    create table if not exists xp_history (
      id bigserial primary key,
      family_id uuid not null,
      member_id uuid not null,
      event_id text not null,
      xp integer not null,
      reason text not null,
      day date not null,
      occurred_at timestamptz not null,
      scores_on_leaderboard boolean not null
    )`.execute(db);
  await sql`create index if not exists xp_history_member_idx on xp_history (member_id, occurred_at desc, id desc)`.execute(
    db,
  );

  // One row per family, period and member: points added with +=, reached_at with greatest().
  await sql`
    create table if not exists leaderboard_scores (
      family_id uuid not null,
      period_key text not null,
      member_id uuid not null,
      points bigint not null,
      reached_at timestamptz not null,
      primary key (family_id, period_key, member_id)
    )`.execute(db);

  await sql`
    create table if not exists leaderboard_settings (
      family_id uuid primary key,
      hidden boolean not null default false,
      excluded_member_ids jsonb not null default '[]',
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table if not exists quests (
      id uuid primary key,
      family_id uuid not null,
      ends_on date not null,
      archived_at timestamptz,
      created_at timestamptz not null,
      version integer not null default 1,
      doc jsonb not null
    )`.execute(db);
  await sql`create index if not exists quests_family_idx on quests (family_id, created_at desc, id desc)`.execute(db);

  await sql`
    create table if not exists custom_badges (
      id uuid primary key,
      family_id uuid not null,
      archived_at timestamptz,
      created_at timestamptz not null,
      version integer not null default 1,
      doc jsonb not null
    )`.execute(db);
  await sql`create index if not exists custom_badges_family_idx on custom_badges (family_id, created_at desc, id desc)`.execute(
    db,
  );

  // With the MongoDB store: batches whose events out were written to the event log (exactly once).
  await sql`
    create table if not exists published_batches (
      batch_id text primary key,
      published_at timestamptz not null default now()
    )`.execute(db);
}
