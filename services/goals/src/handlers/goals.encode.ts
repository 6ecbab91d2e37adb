// Proto messages ↔ domain values for the goals handlers: enums through the kit's codec, calendar days,
// and domain records (with their computed views) into response messages.
import { dayToMessage, enumCodec } from '@family/service-kit';
import { Jar } from '@family/contracts/common/v1/common';
import {
  AllowanceFrequency,
  ChoreFrequency,
  ChoreStatus,
  DayOfWeek,
  GoalContributionSource,
  GoalStatus,
  LedgerEntryKind,
  type Allowance as AllowanceMessage,
  type Balance,
  type Chore as ChoreMessage,
  type ChoreRecurrence,
  type GoalContribution as GoalContributionMessage,
  type Goal as GoalMessage,
  type JarSettings as JarSettingsMessage,
  type JarSplit,
  type LedgerEntry as LedgerEntryMessage,
} from '@family/contracts/goals/v1/goals';
import {
  JARS,
  type AllowanceFrequencyName,
  type ChoreFrequencyName,
  type ChoreStatusName,
  type ContributionSourceName,
  type GoalStatusName,
  type LedgerKindName,
  type PostableKind,
  type Split,
} from '../domain/goals.types.js';
import type { Allowance, Chore, GoalContribution, LedgerEntry } from '../domain/goals.records.js';
import type { BalanceView, JarSettingsView } from '../app/jars.js';
import type { GoalView } from '../app/goals.js';

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
const POSTABLE_KINDS: readonly PostableKind[] = ['DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'SPEND'];
const GOAL_STATUSES: readonly GoalStatusName[] = ['ACTIVE', 'ACHIEVED', 'CANCELLED'];
const SOURCES: readonly ContributionSourceName[] = ['SAVE_JAR', 'PARENT_GIFT'];
const CHORE_STATUSES: readonly ChoreStatusName[] = ['TODO', 'SUBMITTED', 'APPROVED', 'REJECTED'];
const CHORE_FREQUENCIES: readonly ChoreFrequencyName[] = ['DAILY', 'WEEKLY'];
const ALLOWANCE_FREQUENCIES: readonly AllowanceFrequencyName[] = ['WEEKLY', 'BIWEEKLY', 'MONTHLY'];
/** In ISO order: index + 1 is the ISO weekday (1 = Monday … 7 = Sunday). */
const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

const jars = enumCodec('JAR_', JARS, Jar);
const ledgerKinds = enumCodec('LEDGER_ENTRY_KIND_', LEDGER_KINDS, LedgerEntryKind);
const postableKinds = enumCodec('LEDGER_ENTRY_KIND_', POSTABLE_KINDS, LedgerEntryKind);
const goalStatuses = enumCodec('GOAL_STATUS_', GOAL_STATUSES, GoalStatus);
const sources = enumCodec('GOAL_CONTRIBUTION_SOURCE_', SOURCES, GoalContributionSource);
const choreStatuses = enumCodec('CHORE_STATUS_', CHORE_STATUSES, ChoreStatus);
const choreFrequencies = enumCodec('CHORE_FREQUENCY_', CHORE_FREQUENCIES, ChoreFrequency);
const allowanceFrequencies = enumCodec('ALLOWANCE_FREQUENCY_', ALLOWANCE_FREQUENCIES, AllowanceFrequency);
const weekdays = enumCodec('DAY_OF_WEEK_', WEEKDAYS, DayOfWeek);

/**
 * A caller's enum values: unset or UNSPECIFIED → undefined (the use case says what is missing), a
 * value outside the allowed names → INVALID_ARGUMENT on `field`.
 */
export const decode = {
  jar: (v: Jar | undefined, field: string) => jars.decode(v, field),
  ledgerKind: (v: LedgerEntryKind | undefined, field: string) => ledgerKinds.decode(v, field),
  postableKind: (v: LedgerEntryKind | undefined, field: string) => postableKinds.decode(v, field),
  goalStatus: (v: GoalStatus | undefined, field: string) => goalStatuses.decode(v, field),
  source: (v: GoalContributionSource | undefined, field: string) => sources.decode(v, field),
  choreStatus: (v: ChoreStatus | undefined, field: string) => choreStatuses.decode(v, field),
  choreFrequency: (v: ChoreFrequency | undefined, field: string) => choreFrequencies.decode(v, field),
  allowanceFrequency: (v: AllowanceFrequency | undefined, field: string) => allowanceFrequencies.decode(v, field),
  /** 1 = Monday … 7 = Sunday. */
  dayOfWeek: (v: DayOfWeek | undefined, field: string): number | undefined => {
    const name = weekdays.decode(v, field);
    return name ? WEEKDAYS.indexOf(name) + 1 : undefined;
  },
  split: (s: JarSplit | undefined): Split | undefined =>
    s ? { spend: s.spend, save: s.save, give: s.give } : undefined,
};

function encodeDayOfWeek(day: number | null): DayOfWeek {
  return weekdays.encodeOptional(day ? WEEKDAYS[day - 1] : null);
}

export function encodeBalance(b: BalanceView): Balance {
  return { ...b };
}

export function encodeEntry(e: LedgerEntry): LedgerEntryMessage {
  return {
    id: e.id,
    memberId: e.memberId,
    jar: jars.encode(e.jar),
    amountMinor: e.amountMinor,
    currency: e.currency,
    kind: ledgerKinds.encode(e.kind),
    memo: e.memo,
    at: e.at,
    balanceAfterMinor: e.balanceAfterMinor,
    transferId: e.transferId ?? '',
    description: e.description,
    merchant: e.merchant,
    categoryId: e.categoryId ?? '',
    goalId: e.goalId ?? '',
    choreId: e.choreId ?? '',
    allowanceId: e.allowanceId ?? '',
    createdByMemberId: e.createdByMemberId ?? '',
  };
}

export function encodeJarSettings(s: JarSettingsView): JarSettingsMessage {
  return {
    memberId: s.memberId,
    defaultSplit: { ...s.split },
    interestMonthlyRateBps: s.interestBps,
    interestCapMinor: s.interestCapMinor,
    currency: s.currency,
    updatedAt: s.updatedAt,
  };
}

export function encodeGoal({ goal: g, projectedOn }: GoalView): GoalMessage {
  return {
    id: g.id,
    ownerMemberId: g.ownerMemberId,
    name: g.name,
    description: g.description,
    targetMinor: g.targetMinor,
    savedMinor: g.savedMinor,
    currency: g.currency,
    deadline: dayToMessage(g.deadline),
    status: goalStatuses.encode(g.status),
    projectedOn: dayToMessage(projectedOn),
    matching: g.matching ? { ...g.matching } : undefined,
    icon: g.icon,
    version: g.version,
    createdAt: g.createdAt,
    achievedAt: g.achievedAt ?? undefined,
  };
}

export function encodeContribution(c: GoalContribution): GoalContributionMessage {
  return {
    id: c.id,
    goalId: c.goalId,
    source: sources.encode(c.source),
    amountMinor: c.amountMinor,
    matchedMinor: c.matchedMinor,
    memo: c.memo,
    contributorMemberId: c.contributorMemberId,
    at: c.at,
  };
}

export function encodeChore(c: Chore): ChoreMessage {
  const recurrence: ChoreRecurrence | undefined = c.recurrence
    ? {
        frequency: choreFrequencies.encode(c.recurrence.frequency),
        daysOfWeek: c.recurrence.frequency === 'WEEKLY' ? c.recurrence.daysOfWeek.map(encodeDayOfWeek) : [],
      }
    : undefined;
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    assigneeMemberId: c.assigneeMemberId,
    rewardMinor: c.rewardMinor,
    currency: c.currency,
    points: c.points,
    dueOn: dayToMessage(c.dueOn),
    recurrence,
    status: choreStatuses.encode(c.status),
    note: c.note,
    rejectionReason: c.rejectionReason,
    submittedAt: c.submittedAt ?? undefined,
    reviewedAt: c.reviewedAt ?? undefined,
    reviewedByMemberId: c.reviewedByMemberId ?? '',
    version: c.version,
    createdByMemberId: c.createdByMemberId,
    createdAt: c.createdAt,
  };
}

export function encodeAllowance(a: Allowance): AllowanceMessage {
  return {
    id: a.id,
    memberId: a.memberId,
    amountMinor: a.amountMinor,
    currency: a.currency,
    frequency: allowanceFrequencies.encode(a.frequency),
    dayOfWeek: encodeDayOfWeek(a.dayOfWeek),
    dayOfMonth: a.dayOfMonth ?? 0,
    split: a.split ? { ...a.split } : undefined,
    startOn: dayToMessage(a.startOn),
    paused: a.paused,
    condition: a.minCompletionPercent !== null ? { minChoreCompletionPercent: a.minCompletionPercent } : undefined,
    nextPayday: a.paused ? undefined : dayToMessage(a.nextPayday),
    lastPaidOn: dayToMessage(a.lastPaidOn),
    version: a.version,
    createdAt: a.createdAt,
  };
}
