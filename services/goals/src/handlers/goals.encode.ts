// Proto messages ↔ domain values for the goals handlers: enums by name, calendar days, and rows
// (with their computed views) into response messages.
import { AppError } from '@family/errors';
import type { DateMessage, Jar } from '@family/contracts/common/v1/common';
import type {
  Allowance,
  AllowanceFrequency,
  Balance,
  Chore,
  ChoreFrequency,
  ChoreRecurrence,
  ChoreStatus,
  DayOfWeek,
  Goal,
  GoalContribution,
  GoalContributionSource,
  GoalStatus,
  JarSettings,
  JarSplit,
  LedgerEntry,
  LedgerEntryKind,
} from '@family/contracts/goals/v1/goals';
import { isValidDay, makeDay, type Day } from '../domain/calendar.days.js';
import { encodeDayMessage } from '../app/day.message.js';
import {
  JARS,
  type AllowanceFrequencyName,
  type ChoreFrequencyName,
  type ChoreStatusName,
  type ContributionSourceName,
  type GoalStatusName,
  type JarName,
  type LedgerKindName,
  type PostableKind,
  type Split,
} from '../domain/goals.types.js';
import { maskToDays } from '../domain/chore.recurrence.js';
import type { LedgerEntryRow } from '../store/ledger.store.js';
import type { BalanceView, JarSettingsView } from '../app/jars.js';
import type { GoalView } from '../app/goals.js';
import type { GoalContributionRow } from '../store/goals.store.js';
import type { ChoreRow } from '../store/chores.store.js';
import type { AllowanceRow } from '../store/allowances.store.js';

/** The domain name of a proto enum value (`JAR_SPEND` → `SPEND`), or undefined for anything else. */
function decodeEnum<T extends string>(value: string | undefined, prefix: string, allowed: readonly T[]): T | undefined {
  if (!value || !value.startsWith(prefix)) return undefined;
  const name = value.slice(prefix.length);
  return (allowed as readonly string[]).includes(name) ? (name as T) : undefined;
}

const LEDGER_KINDS: readonly LedgerKindName[] = [
  'DEPOSIT',
  'WITHDRAWAL',
  'TRANSFER',
  'SPEND',
  'ALLOWANCE',
  'CHORE_REWARD',
  'INTEREST',
  'GOAL_CONTRIBUTION',
  'GOAL_REFUND',
];
const POSTABLE: readonly PostableKind[] = ['DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'SPEND'];
const GOAL_STATUSES: readonly GoalStatusName[] = ['ACTIVE', 'ACHIEVED', 'CANCELLED'];
const SOURCES: readonly ContributionSourceName[] = ['SAVE_JAR', 'PARENT_GIFT'];
const CHORE_STATUSES: readonly ChoreStatusName[] = ['TODO', 'SUBMITTED', 'APPROVED', 'REJECTED'];
const CHORE_FREQUENCIES: readonly ChoreFrequencyName[] = ['DAILY', 'WEEKLY'];
const ALLOWANCE_FREQUENCIES: readonly AllowanceFrequencyName[] = ['WEEKLY', 'BIWEEKLY', 'MONTHLY'];
const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

export const decode = {
  jar: (v: Jar | undefined) => decodeEnum<JarName>(v, 'JAR_', JARS),
  ledgerKind: (v: LedgerEntryKind | undefined) => decodeEnum(v, 'LEDGER_ENTRY_KIND_', LEDGER_KINDS),
  postableKind: (v: LedgerEntryKind | undefined) => decodeEnum(v, 'LEDGER_ENTRY_KIND_', POSTABLE),
  goalStatus: (v: GoalStatus | undefined) => decodeEnum(v, 'GOAL_STATUS_', GOAL_STATUSES),
  source: (v: GoalContributionSource | undefined) => decodeEnum(v, 'GOAL_CONTRIBUTION_SOURCE_', SOURCES),
  choreStatus: (v: ChoreStatus | undefined) => decodeEnum(v, 'CHORE_STATUS_', CHORE_STATUSES),
  choreFrequency: (v: ChoreFrequency | undefined) => decodeEnum(v, 'CHORE_FREQUENCY_', CHORE_FREQUENCIES),
  allowanceFrequency: (v: AllowanceFrequency | undefined) =>
    decodeEnum(v, 'ALLOWANCE_FREQUENCY_', ALLOWANCE_FREQUENCIES),
  /** 1 = Monday … 7 = Sunday; undefined for UNSPECIFIED or unknown. */
  dayOfWeek: (v: DayOfWeek | undefined): number | undefined => {
    const name = decodeEnum(v, 'DAY_OF_WEEK_', WEEKDAYS);
    return name ? WEEKDAYS.indexOf(name) + 1 : undefined;
  },
  /** A calendar day; an impossible date is a violation on `field`. */
  day: (d: DateMessage | undefined, field: string): Day | undefined => {
    if (!d) return undefined;
    if (!isValidDay(d.year, d.month, d.day)) throw AppError.invalidField(field, 'must be a real calendar date');
    return makeDay(d.year, d.month, d.day);
  },
  split: (s: JarSplit | undefined): Split | undefined =>
    s ? { spend: s.spend, save: s.save, give: s.give } : undefined,
};

export function encodeDay(day: Day | null | undefined): DateMessage | undefined {
  return day ? encodeDayMessage(day) : undefined;
}

const enc = {
  jar: (j: JarName) => `JAR_${j}` as Jar,
  kind: (k: LedgerKindName) => `LEDGER_ENTRY_KIND_${k}` as LedgerEntryKind,
  goalStatus: (s: GoalStatusName) => `GOAL_STATUS_${s}` as GoalStatus,
  source: (s: ContributionSourceName) => `GOAL_CONTRIBUTION_SOURCE_${s}` as GoalContributionSource,
  choreStatus: (s: ChoreStatusName) => `CHORE_STATUS_${s}` as ChoreStatus,
  choreFrequency: (f: ChoreFrequencyName) => `CHORE_FREQUENCY_${f}` as ChoreFrequency,
  allowanceFrequency: (f: AllowanceFrequencyName) => `ALLOWANCE_FREQUENCY_${f}` as AllowanceFrequency,
  dayOfWeek: (d: number | null) =>
    d ? (`DAY_OF_WEEK_${WEEKDAYS[d - 1]}` as DayOfWeek) : ('DAY_OF_WEEK_UNSPECIFIED' as DayOfWeek),
};

export function encodeBalance(b: BalanceView): Balance {
  return { ...b };
}

export function encodeEntry(e: LedgerEntryRow): LedgerEntry {
  return {
    id: e.id,
    memberId: e.member_id,
    jar: enc.jar(e.jar),
    amountMinor: e.amount_minor,
    currency: e.currency,
    kind: enc.kind(e.kind),
    memo: e.memo,
    at: e.at,
    balanceAfterMinor: e.balance_after_minor,
    transferId: e.transfer_id ?? '',
    description: e.description,
    merchant: e.merchant,
    categoryId: e.category_id ?? '',
    goalId: e.goal_id ?? '',
    choreId: e.chore_id ?? '',
    allowanceId: e.allowance_id ?? '',
    createdByMemberId: e.created_by_member_id ?? '',
  };
}

export function encodeJarSettings(s: JarSettingsView): JarSettings {
  return {
    memberId: s.memberId,
    defaultSplit: { ...s.split },
    interestMonthlyRateBps: s.interestBps,
    interestCapMinor: s.interestCapMinor,
    currency: s.currency,
    updatedAt: s.updatedAt,
  };
}

export function encodeGoal(g: GoalView): Goal {
  const r = g.row;
  return {
    id: r.id,
    ownerMemberId: r.owner_member_id,
    name: r.name,
    description: r.description,
    targetMinor: r.target_minor,
    savedMinor: r.saved_minor,
    currency: r.currency,
    deadline: encodeDay(r.deadline),
    status: enc.goalStatus(r.status),
    projectedOn: encodeDay(g.projectedOn),
    matching:
      r.match_percent !== null ? { percent: r.match_percent, monthlyCapMinor: r.match_cap_minor ?? 0 } : undefined,
    icon: r.icon,
    version: r.version,
    createdAt: r.created_at,
    achievedAt: r.achieved_at ?? undefined,
  };
}

export function encodeContribution(c: GoalContributionRow): GoalContribution {
  return {
    id: c.id,
    goalId: c.goal_id,
    source: enc.source(c.source),
    amountMinor: c.amount_minor,
    matchedMinor: c.matched_minor,
    memo: c.memo,
    contributorMemberId: c.contributor_member_id,
    at: c.at,
  };
}

export function encodeChore(c: ChoreRow): Chore {
  const recurrence: ChoreRecurrence | undefined = c.recurrence_frequency
    ? {
        frequency: enc.choreFrequency(c.recurrence_frequency),
        daysOfWeek: c.recurrence_frequency === 'WEEKLY' ? maskToDays(c.recurrence_days).map(enc.dayOfWeek) : [],
      }
    : undefined;
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    assigneeMemberId: c.assignee_member_id,
    rewardMinor: c.reward_minor,
    currency: c.currency,
    points: c.points,
    dueOn: encodeDay(c.due_on),
    recurrence,
    status: enc.choreStatus(c.status),
    note: c.note,
    rejectionReason: c.rejection_reason,
    submittedAt: c.submitted_at ?? undefined,
    reviewedAt: c.reviewed_at ?? undefined,
    reviewedByMemberId: c.reviewed_by_member_id ?? '',
    version: c.version,
    createdByMemberId: c.created_by_member_id,
    createdAt: c.created_at,
  };
}

export function encodeAllowance(a: AllowanceRow): Allowance {
  return {
    id: a.id,
    memberId: a.member_id,
    amountMinor: a.amount_minor,
    currency: a.currency,
    frequency: enc.allowanceFrequency(a.frequency),
    dayOfWeek: enc.dayOfWeek(a.day_of_week),
    dayOfMonth: a.day_of_month ?? 0,
    split:
      a.split_spend !== null ? { spend: a.split_spend, save: a.split_save ?? 0, give: a.split_give ?? 0 } : undefined,
    startOn: encodeDay(a.start_on),
    paused: a.paused,
    condition: a.min_completion_percent !== null ? { minChoreCompletionPercent: a.min_completion_percent } : undefined,
    nextPayday: a.paused ? undefined : encodeDay(a.next_payday),
    lastPaidOn: encodeDay(a.last_paid_on),
    version: a.version,
    createdAt: a.created_at,
  };
}
