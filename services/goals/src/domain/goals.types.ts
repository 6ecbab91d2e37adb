// The domain's own names for jars, kinds and states (handlers translate proto enums to these).

export const JARS = ['SPEND', 'SAVE', 'GIVE'] as const;
export type JarName = (typeof JARS)[number];

export type LedgerKindName =
  | 'DEPOSIT'
  | 'WITHDRAWAL'
  | 'TRANSFER'
  | 'SPEND'
  | 'ALLOWANCE'
  | 'CHORE_REWARD'
  | 'INTEREST'
  | 'GOAL_CONTRIBUTION'
  | 'GOAL_REFUND';

/** The kinds a client may post; the rest are written by the service itself. */
export type PostableKind = 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER' | 'SPEND';

export type GoalStatusName = 'ACTIVE' | 'ACHIEVED' | 'CANCELLED';
export type ContributionSourceName = 'SAVE_JAR' | 'PARENT_GIFT';

export type ChoreStatusName = 'TODO' | 'SUBMITTED' | 'APPROVED' | 'REJECTED';
export type ChoreFrequencyName = 'DAILY' | 'WEEKLY';

export type AllowanceFrequencyName = 'WEEKLY' | 'BIWEEKLY' | 'MONTHLY';

/** Percentages of incoming money per jar; they sum to 100. */
export interface Split {
  spend: number;
  save: number;
  give: number;
}

/** Money per jar in minor units. */
export interface JarAmounts {
  spend: number;
  save: number;
  give: number;
}

/** Where new money goes when nobody chose a split: all of it can be spent. */
export const DEFAULT_SPLIT: Split = { spend: 100, save: 0, give: 0 };

/** The largest single amount accepted (10 million units of a two-decimal currency). */
export const MAX_AMOUNT_MINOR = 1_000_000_000;
