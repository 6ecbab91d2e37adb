// The domain records the stores return and accept: camelCase fields, calendar days as 'YYYY-MM-DD'
// strings, optional parts as null. Rows and their column names stay inside src/store.
import type { Day } from '@family/service-kit/calendar';
import type { Recurrence } from './chore.recurrence.js';
import type {
  AllowanceFrequencyName,
  ChoreStatusName,
  ContributionSourceName,
  GoalStatusName,
  JarName,
  LedgerKindName,
  Split,
} from './goals.types.js';

/** A member's jar settings as stored (a member without a record has the defaults). */
export interface JarSettings {
  memberId: string;
  familyId: string;
  split: Split;
  interestBps: number;
  interestCapMinor: number;
  /** First day of the month after the one interest is next paid for; null while interest is off. */
  interestNextOn: Day | null;
  updatedAt: Date;
}

/** One posting to a jar: append-only, signed (credits positive, debits negative). */
export interface LedgerEntry {
  id: string;
  familyId: string;
  memberId: string;
  jar: JarName;
  amountMinor: number;
  currency: string;
  kind: LedgerKindName;
  memo: string;
  balanceAfterMinor: number;
  /** Shared by both legs of a transfer. */
  transferId: string | null;
  description: string;
  merchant: string;
  categoryId: string | null;
  occurredOn: Day | null;
  goalId: string | null;
  choreId: string | null;
  allowanceId: string | null;
  /** Null for scheduled postings. */
  createdByMemberId: string | null;
  /** The entry's calendar day in the family's time zone. */
  day: Day;
  at: Date;
}

/** The parents' matching rule of a goal: a percentage of SAVE-jar contributions, capped per month. */
export interface Matching {
  percent: number;
  /** 0: no cap. */
  monthlyCapMinor: number;
}

export interface Goal {
  id: string;
  familyId: string;
  ownerMemberId: string;
  name: string;
  description: string;
  targetMinor: number;
  savedMinor: number;
  currency: string;
  deadline: Day | null;
  status: GoalStatusName;
  matching: Matching | null;
  icon: string;
  version: number;
  createdByMemberId: string;
  createdAt: Date;
  updatedAt: Date;
  achievedAt: Date | null;
}

/** A goal about to be recorded: the store sets what is saved, the version and the times. */
export type NewGoal = Omit<Goal, 'savedMinor' | 'version' | 'createdAt' | 'updatedAt' | 'achievedAt'>;

/** What an update may change on a goal. */
export type GoalChanges = Partial<
  Pick<
    Goal,
    | 'name'
    | 'description'
    | 'icon'
    | 'targetMinor'
    | 'savedMinor'
    | 'deadline'
    | 'matching'
    | 'status'
    | 'achievedAt'
    | 'version'
  >
>;

export interface GoalContribution {
  id: string;
  goalId: string;
  familyId: string;
  source: ContributionSourceName;
  amountMinor: number;
  /** The parents' match added on top. */
  matchedMinor: number;
  memo: string;
  contributorMemberId: string;
  day: Day;
  at: Date;
}

export interface Chore {
  id: string;
  familyId: string;
  title: string;
  description: string;
  assigneeMemberId: string;
  rewardMinor: number;
  points: number;
  currency: string;
  /** The current occurrence's day (recurring chores always have one). */
  dueOn: Day | null;
  recurrence: Recurrence | null;
  /** The occurrence after dueOn (recurring chores): when the scheduler rolls the chore over. */
  nextOccurrenceOn: Day | null;
  status: ChoreStatusName;
  note: string;
  rejectionReason: string;
  submittedAt: Date | null;
  reviewedAt: Date | null;
  reviewedByMemberId: string | null;
  /** The dueOn for which chore.overdue went out (once per occurrence). */
  overdueOn: Day | null;
  version: number;
  createdByMemberId: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewChore = Omit<
  Chore,
  'submittedAt' | 'reviewedAt' | 'reviewedByMemberId' | 'overdueOn' | 'version' | 'createdAt' | 'updatedAt'
>;

export type ChoreChanges = Partial<
  Pick<
    Chore,
    | 'title'
    | 'description'
    | 'assigneeMemberId'
    | 'rewardMinor'
    | 'points'
    | 'dueOn'
    | 'recurrence'
    | 'nextOccurrenceOn'
    | 'status'
    | 'note'
    | 'rejectionReason'
    | 'submittedAt'
    | 'reviewedAt'
    | 'reviewedByMemberId'
    | 'overdueOn'
    | 'version'
  >
>;

/** What became of one occurrence of a chore with a due day. */
export interface ChoreOccurrence {
  choreId: string;
  dueOn: Day;
  familyId: string;
  assigneeMemberId: string;
}

/** An allowance schedule; its frequency, days and startOn make it a PaySchedule. */
export interface Allowance {
  id: string;
  familyId: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  frequency: AllowanceFrequencyName;
  /** 1 = Monday … 7 = Sunday (WEEKLY, BIWEEKLY). */
  dayOfWeek: number | null;
  /** 1–31 (MONTHLY). */
  dayOfMonth: number | null;
  /** Null: the member's default split. */
  split: Split | null;
  startOn: Day;
  paused: boolean;
  /** Paid only when at least this share of the period's chores was approved; null: always. */
  minCompletionPercent: number | null;
  nextPayday: Day | null;
  lastPaidOn: Day | null;
  version: number;
  createdByMemberId: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewAllowance = Omit<Allowance, 'lastPaidOn' | 'version' | 'createdAt' | 'updatedAt'>;

export type AllowanceChanges = Partial<
  Pick<
    Allowance,
    | 'amountMinor'
    | 'frequency'
    | 'dayOfWeek'
    | 'dayOfMonth'
    | 'split'
    | 'startOn'
    | 'paused'
    | 'minCompletionPercent'
    | 'nextPayday'
    | 'lastPaidOn'
    | 'version'
  >
>;

/** A payday handled once: paid, or skipped when the chore condition was not met. */
export interface AllowancePayment {
  allowanceId: string;
  payday: Day;
  familyId: string;
  memberId: string;
  outcome: 'PAID' | 'SKIPPED';
  amountMinor: number;
  completionPercent: number | null;
}

/** A month's interest on a SAVE jar, paid once. */
export interface InterestPayment {
  memberId: string;
  /** The month's first day. */
  month: Day;
  familyId: string;
  amountMinor: number;
}
