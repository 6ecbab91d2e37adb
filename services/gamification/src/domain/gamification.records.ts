// The gamification domain's records: what the rules read and return. Handlers translate protos into
// these and stores persist them; neither shape leaks in here.
import type { Day } from '@family/service-kit/calendar';

/** The event types the rules understand; handlers drop every other type before the domain. */
export const ACTIVITY_TYPES = [
  'chore.submitted',
  'chore.approved',
  'goal.contributed',
  'goal.achieved',
  'allowance.paid',
  'expense.created',
  'jar.spent',
  'spending_limit.exceeded',
  // Made by the service itself when a member's week closes without a spending_limit.exceeded.
  'spending_limit.week_kept',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** One normalized domain event about one member. */
export interface ActivityEvent {
  eventId: string;
  type: ActivityType;
  familyId: string;
  /** The member the event is about: the chore's assignee, the goal's owner, the spender. */
  memberId: string;
  occurredAt: Date;
  /** chore.approved: the chore's points. */
  points?: number;
  /** goal.contributed: the amount; expense.created / jar.spent: the base amount; allowance.paid: the whole payment. */
  amountMinor?: number;
  /** allowance.paid: the share paid into the SAVE jar. */
  saveMinor?: number;
  categoryId?: string;
  goalId?: string;
  choreId?: string;
}

/** Inclusive range of calendar days. */
export interface DayRange {
  start: Day;
  end: Day;
}

export interface StreakState {
  /** Every day the member was active, as sorted, disjoint, non-adjacent ranges (a late day merges in). */
  activeRuns: DayRange[];
  /** Active days in the streak that ends on lastActiveOn (frozen days keep a streak, they do not add to it). */
  current: number;
  longest: number;
  freezesHeld: number;
  /** Freezes earned over all time. */
  freezesEarned: number;
  /** Missed days of the current streak that a freeze covered. */
  frozenDays: Day[];
  startedOn?: Day;
  lastActiveOn?: Day;
}

/** Event counts per period start ('ALL' for a lifetime count). */
export type PeriodCounts = Record<string, number>;

export interface MissionState {
  counts: PeriodCounts;
  /** Start days of the periods in which the mission was completed. */
  completed: Day[];
}

export interface CustomBadgeState {
  counts: PeriodCounts;
  earnedAt?: Date;
}

/** A badge step a member has earned (a one-off badge has one step, a tiered one up to three). */
export interface EarnedBadge {
  /** `badgeId` for a one-off badge, `badgeId.step` for a tiered or cumulative one, `custom.id` for a parent-made one. */
  achievementId: string;
  badgeId: string;
  step: string;
  title: string;
  xp: number;
  earnedAt: Date;
  /** The event that earned it. */
  eventId: string;
}

export interface MemberProgress {
  familyId: string;
  memberId: string;
  xp: number;
  level: number;
  /** The highest level announced with level.reached, so each level is announced once. */
  levelAnnounced: number;
  /** Lifetime event counts per type. */
  counts: Partial<Record<ActivityType, number>>;
  /** Goal contributions that earned XP, per day (the daily cap); days older than the cap window are dropped. */
  savingXpDays: Record<Day, number>;
  streak: StreakState;
  /** Oldest first. */
  earned: EarnedBadge[];
  missions: Record<string, MissionState>;
  customBadges: Record<string, CustomBadgeState>;
  /** The newest day any event fell on: the reference for pruning per-day and per-period counts. */
  newestDay?: Day;
}

export type BadgeKind = 'ONE_OFF' | 'TIERED' | 'CUMULATIVE' | 'MISSION' | 'CUSTOM';

/** A badge as a member sees it: what they earned and how far they are from the next step. */
export interface BadgeProgress {
  badgeId: string;
  kind: BadgeKind;
  title: string;
  description: string;
  icon: string;
  /** Steps earned so far, oldest first. */
  earned: { step: string; title: string; earnedAt: Date }[];
  /** True when nothing is left to earn (for a mission: in the current period). */
  complete: boolean;
  /** The step being worked toward; unset when complete. */
  nextStep?: string;
  current: number;
  target: number;
  /** Missions and periodic parent-made badges: the period the progress is counted in. */
  periodStart?: Day;
  periodEnd?: Day;
  /** Missions: how many periods were completed. */
  timesCompleted?: number;
}

export type CustomBadgePeriod = 'DAY' | 'WEEK' | 'MONTH' | 'ALL';

export interface Money {
  amountMinor: number;
  currency: string;
}

/** A badge a parent made from the menu: count events of a type within one period. */
export interface CustomBadge {
  id: string;
  familyId: string;
  title: string;
  description: string;
  icon: string;
  eventType: ActivityType;
  /** Events needed within one period. */
  count: number;
  period: CustomBadgePeriod;
  categoryId?: string;
  goalId?: string;
  /** Who can earn it; empty means every member. */
  memberIds: string[];
  /** Paid into the child's jar through the goals service, once. */
  reward?: Money;
  xp: number;
  /** Only events from this instant on count: a new badge is earned from now, not from history. */
  createdAt: Date;
  archivedAt?: Date;
}

export type QuestMeasure = 'COUNT' | 'AMOUNT';

/** A shared family goal: events of the included members add up to one target. */
export interface Quest {
  id: string;
  familyId: string;
  title: string;
  description: string;
  measure: QuestMeasure;
  eventType: ActivityType;
  categoryId?: string;
  goalId?: string;
  /** Events (COUNT) or minor units (AMOUNT) to reach. */
  target: number;
  /** Who takes part; empty means the whole family. */
  memberIds: string[];
  /** Inclusive days in the family's time zone. */
  startsOn: Day;
  endsOn: Day;
  progress: number;
  contributions: Record<string, number>;
  completedAt?: Date;
  createdAt: Date;
  archivedAt?: Date;
}

export type QuestStatus = 'UPCOMING' | 'ACTIVE' | 'COMPLETED' | 'EXPIRED' | 'ARCHIVED';

export type LeaderboardPeriodKind = 'WEEK' | 'MONTH' | 'ALL';

/** One member's score on one family board. */
export interface LeaderboardScore {
  memberId: string;
  points: number;
  /** When the member reached this score: the latest scoring event. */
  reachedAt: Date;
}

/** A family's scores for one period: `WEEK:2026-03-23`, `MONTH:2026-03-01` or `ALL`. */
export interface LeaderboardBoard {
  familyId: string;
  periodKey: string;
  scores: Record<string, LeaderboardScore>;
}

export interface LeaderboardSettings {
  /** A parent hid the leaderboard for the whole family. */
  hidden: boolean;
  /** Members left out of it (a toddler, say). */
  excludedMemberIds: string[];
}

export interface LeaderboardEntry {
  /** Dense: equal points share a rank and the next rank follows on. */
  rank: number;
  memberId: string;
  displayName: string;
  points: number;
  reachedAt?: Date;
}

export type XpReason =
  | 'CHORE_APPROVED'
  | 'GOAL_CONTRIBUTED'
  | 'GOAL_ACHIEVED'
  | 'ALLOWANCE_SAVED'
  | 'WEEK_WITHIN_LIMIT'
  | 'BADGE'
  | 'MISSION'
  | 'CUSTOM_BADGE';

/** What a batch of events did, for the store (XP history, boards) and the outbox (events out). */
export type GamificationEffect =
  | {
      kind: 'xp.awarded';
      memberId: string;
      eventId: string;
      xp: number;
      reason: XpReason;
      day: Day;
      occurredAt: Date;
      /** Activity XP counts on leaderboards; bonus XP from badges and missions only toward levels. */
      scoresOnLeaderboard: boolean;
    }
  | { kind: 'level.reached'; memberId: string; level: number; eventId: string }
  | {
      kind: 'achievement.unlocked';
      memberId: string;
      achievementId: string;
      badgeId: string;
      badgeKind: BadgeKind;
      step: string;
      title: string;
      eventId: string;
    }
  | {
      kind: 'mission.completed';
      memberId: string;
      missionId: string;
      title: string;
      periodStart: Day;
      eventId: string;
    }
  | {
      kind: 'reward.payout';
      memberId: string;
      badgeId: string;
      amountMinor: number;
      currency: string;
      /** The goals service's idempotency key: one payout per badge and member, ever. */
      payoutKey: string;
    }
  | { kind: 'streak.milestone'; memberId: string; days: number; eventId: string }
  | { kind: 'streak.freeze_earned'; memberId: string; held: number }
  | { kind: 'streak.freeze_used'; memberId: string; day: Day }
  | {
      kind: 'streak.broken';
      memberId: string;
      previousDays: number;
      restartedOn: Day;
      /** A message key for an encouraging note; a broken streak costs nothing. */
      messageKey: 'streak.fresh_start';
    }
  | { kind: 'quest.completed'; familyId: string; questId: string; title: string; completedAt: Date; eventId: string };
