// Parent-made badges, built from a menu: event type × count × period × optional category or goal,
// with an optional money reward paid once into the child's jar.
import { charLength, type FieldViolation } from '@family/errors';
import type { Day } from '@family/service-kit/calendar';
import type {
  ActivityEvent,
  ActivityType,
  BadgeProgress,
  CustomBadge,
  CustomBadgeState,
  GamificationEffect,
} from './gamification.records.js';
import { addToPeriod, countIn, countedPeriodOf, prunePeriodCounts } from './period.counter.js';

/** The event types a parent can build a badge from. */
export const CUSTOM_BADGE_EVENT_TYPES: readonly ActivityType[] = [
  'chore.approved',
  'goal.contributed',
  'goal.achieved',
  'spending_limit.week_kept',
  'expense.created',
];
const CATEGORY_TYPES: ReadonlySet<ActivityType> = new Set<ActivityType>(['expense.created', 'jar.spent']);
const GOAL_TYPES: ReadonlySet<ActivityType> = new Set<ActivityType>(['goal.contributed', 'goal.achieved']);

export const CUSTOM_BADGE_MAX_COUNT = 1_000;
/** €1 000 in a two-decimal currency: a badge is a treat, not a salary. */
export const CUSTOM_BADGE_MAX_REWARD_MINOR = 100_000;
export const CUSTOM_BADGE_DEFAULT_XP = 25;
export const CUSTOM_BADGE_MAX_XP = 200;

export type CustomBadgeDraft = Pick<
  CustomBadge,
  'title' | 'eventType' | 'count' | 'period' | 'categoryId' | 'goalId' | 'reward' | 'xp'
>;

/** What is wrong with a parent's badge, field by field (empty when it can be saved). */
export function customBadgeViolations(draft: CustomBadgeDraft): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (draft.title.trim().length === 0 || charLength(draft.title) > 80) {
    violations.push({ field: 'title', message: 'must be 1 to 80 characters' });
  }
  if (!CUSTOM_BADGE_EVENT_TYPES.includes(draft.eventType)) {
    violations.push({ field: 'eventType', message: `must be one of ${CUSTOM_BADGE_EVENT_TYPES.join(', ')}` });
  }
  if (!Number.isInteger(draft.count) || draft.count < 1 || draft.count > CUSTOM_BADGE_MAX_COUNT) {
    violations.push({ field: 'count', message: `must be a whole number from 1 to ${CUSTOM_BADGE_MAX_COUNT}` });
  }
  if (draft.categoryId !== undefined && !CATEGORY_TYPES.has(draft.eventType)) {
    violations.push({ field: 'categoryId', message: 'applies to expense events only' });
  }
  if (draft.goalId !== undefined && !GOAL_TYPES.has(draft.eventType)) {
    violations.push({ field: 'goalId', message: 'applies to goal events only' });
  }
  if (draft.reward !== undefined) {
    const { amountMinor, currency } = draft.reward;
    if (!Number.isInteger(amountMinor) || amountMinor < 1 || amountMinor > CUSTOM_BADGE_MAX_REWARD_MINOR) {
      violations.push({
        field: 'reward.amountMinor',
        message: `must be a whole number of minor units from 1 to ${CUSTOM_BADGE_MAX_REWARD_MINOR}`,
      });
    }
    if (!/^[A-Z]{3}$/.test(currency))
      violations.push({ field: 'reward.currency', message: 'must be an ISO 4217 code' });
  }
  if (!Number.isInteger(draft.xp) || draft.xp < 0 || draft.xp > CUSTOM_BADGE_MAX_XP) {
    violations.push({ field: 'xp', message: `must be a whole number from 0 to ${CUSTOM_BADGE_MAX_XP}` });
  }
  return violations;
}

export function customAchievementId(badge: CustomBadge): string {
  return `custom.${badge.id}`;
}

/** True when the event counts toward the badge: its type and filters, its member, and while the badge is live. */
export function countsTowardCustomBadge(badge: CustomBadge, event: ActivityEvent): boolean {
  if (event.familyId !== badge.familyId || event.type !== badge.eventType) return false;
  if (badge.memberIds.length > 0 && !badge.memberIds.includes(event.memberId)) return false;
  if (badge.categoryId !== undefined && event.categoryId !== badge.categoryId) return false;
  if (badge.goalId !== undefined && event.goalId !== badge.goalId) return false;
  if (event.occurredAt < badge.createdAt) return false;
  return badge.archivedAt === undefined || event.occurredAt < badge.archivedAt;
}

export function emptyCustomBadge(): CustomBadgeState {
  return { counts: {} };
}

/** Counts the event (on `day`); `earned` is true the one time a period first reaches the count. */
export function recordCustomBadgeEvent(
  badge: CustomBadge,
  state: CustomBadgeState,
  event: ActivityEvent,
  day: Day,
): { state: CustomBadgeState; earned: boolean } {
  if (state.earnedAt !== undefined || !countsTowardCustomBadge(badge, event)) return { state, earned: false };
  const counts = addToPeriod(state.counts, badge.period, day);
  if (countIn(counts, badge.period, day) < badge.count) {
    return { state: { counts: prunePeriodCounts(counts, badge.period, day) }, earned: false };
  }
  // Once earned the counts are no longer needed.
  return { state: { counts: {}, earnedAt: event.occurredAt }, earned: true };
}

/** What earning the badge announces: the achievement and, when it has one, the payout into the jar. */
export function customBadgeEarnedEffects(badge: CustomBadge, memberId: string, eventId: string): GamificationEffect[] {
  const effects: GamificationEffect[] = [
    {
      kind: 'achievement.unlocked',
      memberId,
      achievementId: customAchievementId(badge),
      badgeId: badge.id,
      badgeKind: 'CUSTOM',
      step: 'earned',
      title: badge.title,
      eventId,
    },
  ];
  if (badge.reward) {
    effects.push({
      kind: 'reward.payout',
      memberId,
      badgeId: badge.id,
      amountMinor: badge.reward.amountMinor,
      currency: badge.reward.currency,
      payoutKey: `custom-badge:${badge.id}:${memberId}`,
    });
  }
  return effects;
}

/** The badge as the member sees it on `today`: for a periodic badge, the count of the current period. */
export function customBadgeProgressOf(badge: CustomBadge, state: CustomBadgeState, today: Day): BadgeProgress {
  const period = countedPeriodOf(badge.period, today);
  const earned = state.earnedAt !== undefined;
  return {
    badgeId: badge.id,
    kind: 'CUSTOM',
    title: badge.title,
    description: badge.description,
    icon: badge.icon,
    earned: earned ? [{ step: 'earned', title: badge.title, earnedAt: state.earnedAt! }] : [],
    complete: earned,
    ...(earned ? {} : { nextStep: 'earned' }),
    current: earned ? badge.count : Math.min(countIn(state.counts, badge.period, today), badge.count),
    target: badge.count,
    ...(period ? { periodStart: period.start, periodEnd: period.end } : {}),
  };
}
