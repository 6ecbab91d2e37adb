// The weeks the "within the spending limit" task has judged, per family: the task asks the expense
// service once per family and week, not on every hourly run (docs/decisions/0019-gamification-service.md).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table if not exists limit_weeks_judged (
      family_id uuid not null,
      week_start date not null,
      judged_at timestamptz not null default now(),
      primary key (family_id, week_start)
    )`.execute(db);
  await sql`create index if not exists limit_weeks_judged_week_idx on limit_weeks_judged (week_start)`.execute(db);
}
