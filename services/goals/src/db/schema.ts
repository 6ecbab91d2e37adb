// Row types of the goals schema, as kysely sees them. Calendar days (`date`) read as 'YYYY-MM-DD' text.
import type { ColumnType, Generated } from 'kysely';
import type { OutboxDatabase } from '@family/outbox';
import type {
  AllowanceFrequencyName,
  ChoreFrequencyName,
  ChoreStatusName,
  GoalStatusName,
  JarName,
  LedgerKindName,
} from '../domain/goals.types.js';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

/** A family's settings as the auth service knows them (they never change), so the scheduler needs no call. */
export interface FamiliesTable {
  family_id: string;
  currency: string;
  timezone: string;
  created_at: CreatedAt;
}

export interface JarSettingsTable {
  member_id: string;
  family_id: string;
  split_spend: number;
  split_save: number;
  split_give: number;
  interest_bps: number;
  interest_cap_minor: number;
  /** First day of the month after the one interest is next paid for; null while interest is off. */
  interest_next_on: string | null;
  updated_at: UpdatedAt;
}

/** One row per (member, jar): the only place a balance lives; never below zero. */
export interface BalancesTable {
  member_id: string;
  jar: JarName;
  family_id: string;
  balance_minor: number;
  updated_at: UpdatedAt;
}

export interface LedgerEntriesTable {
  id: string;
  family_id: string;
  member_id: string;
  jar: JarName;
  amount_minor: number;
  currency: string;
  kind: LedgerKindName;
  memo: string;
  balance_after_minor: number;
  transfer_id: string | null;
  description: string;
  merchant: string;
  category_id: string | null;
  occurred_on: string | null;
  goal_id: string | null;
  chore_id: string | null;
  allowance_id: string | null;
  created_by_member_id: string | null;
  /** The entry's calendar day in the family's time zone (for from/to filters). */
  day: string;
  at: Date;
}

export interface GoalsTable {
  id: string;
  family_id: string;
  owner_member_id: string;
  name: string;
  description: string;
  target_minor: number;
  saved_minor: Generated<number>;
  currency: string;
  deadline: string | null;
  status: GoalStatusName;
  match_percent: number | null;
  match_cap_minor: number | null;
  icon: string;
  version: Generated<number>;
  created_by_member_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  achieved_at: Date | null;
}

export interface GoalContributionsTable {
  id: string;
  goal_id: string;
  family_id: string;
  source: 'SAVE_JAR' | 'PARENT_GIFT';
  amount_minor: number;
  matched_minor: number;
  memo: string;
  contributor_member_id: string;
  day: string;
  at: Date;
}

export interface ChoresTable {
  id: string;
  family_id: string;
  title: string;
  description: string;
  assignee_member_id: string;
  reward_minor: number;
  points: number;
  currency: string;
  due_on: string | null;
  recurrence_frequency: ChoreFrequencyName | null;
  /** WEEKLY: bit (d - 1) set for each day d (1 = Monday … 7 = Sunday). */
  recurrence_days: number;
  /** The occurrence after due_on (recurring chores): when the scheduler rolls the chore over. */
  next_occurrence_on: string | null;
  status: ChoreStatusName;
  note: string;
  rejection_reason: string;
  submitted_at: Date | null;
  reviewed_at: Date | null;
  reviewed_by_member_id: string | null;
  /** The due_on for which chore.overdue was emitted (once per occurrence). */
  overdue_on: string | null;
  version: Generated<number>;
  created_by_member_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** What became of each chore occurrence with a due day: the base of allowance conditions. */
export interface ChoreOccurrencesTable {
  chore_id: string;
  due_on: string;
  family_id: string;
  assignee_member_id: string;
  outcome: 'APPROVED' | 'MISSED';
  recorded_at: CreatedAt;
}

export interface AllowancesTable {
  id: string;
  family_id: string;
  member_id: string;
  amount_minor: number;
  currency: string;
  frequency: AllowanceFrequencyName;
  day_of_week: number | null;
  day_of_month: number | null;
  split_spend: number | null;
  split_save: number | null;
  split_give: number | null;
  start_on: string;
  paused: boolean;
  min_completion_percent: number | null;
  next_payday: string | null;
  last_paid_on: string | null;
  version: Generated<number>;
  created_by_member_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One row per (allowance, payday), paid or skipped: the unique key makes every payday happen once. */
export interface AllowancePaymentsTable {
  allowance_id: string;
  payday: string;
  family_id: string;
  member_id: string;
  outcome: 'PAID' | 'SKIPPED';
  amount_minor: number;
  completion_percent: number | null;
  created_at: CreatedAt;
}

/** One row per (member, month): interest for a month is paid once. */
export interface InterestPaymentsTable {
  member_id: string;
  month: string;
  family_id: string;
  amount_minor: number;
  created_at: CreatedAt;
}

export interface GoalsDatabase extends OutboxDatabase {
  families: FamiliesTable;
  jar_settings: JarSettingsTable;
  balances: BalancesTable;
  ledger_entries: LedgerEntriesTable;
  goals: GoalsTable;
  goal_contributions: GoalContributionsTable;
  chores: ChoresTable;
  chore_occurrences: ChoreOccurrencesTable;
  allowances: AllowancesTable;
  allowance_payments: AllowancePaymentsTable;
  interest_payments: InterestPaymentsTable;
  badge_rewards: BadgeRewardsTable;
}

/** A parent-made badge's reward paid into a SAVE jar, once per reward key. */
export interface BadgeRewardsTable {
  reward_key: string;
  event_id: string;
  family_id: string;
  member_id: string;
  amount_minor: number;
  currency: string;
  ledger_entry_id: string | null;
  paid_at: ColumnType<Date, never, never>;
}
