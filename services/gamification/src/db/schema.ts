// Row types of the gamification schema, as kysely sees them. Calendar days (`date`) read as 'YYYY-MM-DD' text.
import type { ColumnType, Generated } from 'kysely';
import type { OutboxDatabase } from '@family/outbox';

type Json = ColumnType<unknown, string, string>;

export interface RecordedEventsTable {
  event_id: string;
  family_id: string;
  member_id: string;
  event_type: string;
  occurred_at: Date;
  activity: Json;
  recorded_at: ColumnType<Date, never, never>;
}

export interface MemberProgressTable {
  member_id: string;
  family_id: string;
  xp: number;
  level: number;
  doc: Json;
  version: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface XpHistoryTable {
  id: Generated<string>;
  family_id: string;
  member_id: string;
  event_id: string;
  xp: number;
  reason: string;
  day: string;
  occurred_at: Date;
  scores_on_leaderboard: boolean;
}

export interface LeaderboardScoresTable {
  family_id: string;
  period_key: string;
  member_id: string;
  points: number;
  reached_at: Date;
}

export interface LeaderboardSettingsTable {
  family_id: string;
  hidden: boolean;
  excluded_member_ids: Json;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface QuestsTable {
  id: string;
  family_id: string;
  ends_on: string;
  archived_at: Date | null;
  created_at: Date;
  version: ColumnType<number, number | undefined, number>;
  doc: Json;
}

export interface CustomBadgesTable {
  id: string;
  family_id: string;
  archived_at: Date | null;
  created_at: Date;
  version: ColumnType<number, number | undefined, number>;
  doc: Json;
}

export interface PublishedBatchesTable {
  batch_id: string;
  published_at: ColumnType<Date, never, never>;
}

/** A week (its Monday) the "within the spending limit" task has judged for a family. */
export interface LimitWeeksJudgedTable {
  family_id: string;
  week_start: ColumnType<string, string, string>;
  judged_at: ColumnType<Date, never, never>;
}

export interface FamiliesTable {
  family_id: string;
  currency: string;
  timezone: string;
}

export interface GamificationDatabase extends OutboxDatabase {
  families: FamiliesTable;
  recorded_events: RecordedEventsTable;
  member_progress: MemberProgressTable;
  xp_history: XpHistoryTable;
  leaderboard_scores: LeaderboardScoresTable;
  leaderboard_settings: LeaderboardSettingsTable;
  quests: QuestsTable;
  custom_badges: CustomBadgesTable;
  published_batches: PublishedBatchesTable;
  limit_weeks_judged: LimitWeeksJudgedTable;
}
