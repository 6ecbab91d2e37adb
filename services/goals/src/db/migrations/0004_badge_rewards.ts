// Badge rewards paid from the gamification service's achievement.unlocked events: one row per reward
// key (one payout per parent-made badge and member, ever), so a redelivered event pays nothing more.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table if not exists badge_rewards (
      reward_key text primary key,
      event_id uuid not null,
      family_id uuid not null,
      member_id uuid not null,
      amount_minor bigint not null check (amount_minor > 0),
      currency text not null,
      ledger_entry_id uuid,
      paid_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index if not exists badge_rewards_event_idx on badge_rewards (event_id)`.execute(db);
}
