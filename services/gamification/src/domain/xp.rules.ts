// XP earned by activity events. Amount-independent on purpose: a child with less money to save earns
// as much for the habit as a sibling with more.
import { addDays, type Day } from '@family/service-kit/calendar';
import type { ActivityEvent, XpReason } from './gamification.records.js';

/** A chore approved with no points set (proto3 cannot tell 0 from unset) is still worth something. */
export const CHORE_DEFAULT_XP = 10;
/** Points above this are capped, so one mistyped chore cannot outrank months of work. */
export const CHORE_MAX_XP = 500;
export const GOAL_CONTRIBUTION_XP = 10;
/** Contributions per member and day that earn XP; more still count for streaks, badges and quests. */
export const SAVING_XP_PER_DAY = 3;
export const GOAL_ACHIEVED_XP = 100;
/** Saving all of an allowance earns this much; saving part earns the same share of it, rounded down. */
export const ALLOWANCE_SAVED_MAX_XP = 20;
export const WEEK_WITHIN_LIMIT_XP = 30;
/** Per-day cap counts are kept this long: twice the event log's 30-day retention, so any late event finds its day. */
export const SAVING_CAP_WINDOW_DAYS = 62;

export interface XpAward {
  xp: number;
  reason: XpReason;
}

/**
 * The XP an activity event earns, given how many goal contributions already earned XP on its day.
 * Undefined for events that earn none (expenses, submissions, a limit exceeded: spending never pays).
 */
export function activityXp(event: ActivityEvent, savingXpAwardsThatDay: number): XpAward | undefined {
  switch (event.type) {
    case 'chore.approved': {
      const points = Math.floor(event.points ?? 0);
      return { xp: points > 0 ? Math.min(points, CHORE_MAX_XP) : CHORE_DEFAULT_XP, reason: 'CHORE_APPROVED' };
    }
    case 'goal.contributed':
      if ((event.amountMinor ?? 0) <= 0 || savingXpAwardsThatDay >= SAVING_XP_PER_DAY) return undefined;
      return { xp: GOAL_CONTRIBUTION_XP, reason: 'GOAL_CONTRIBUTED' };
    case 'goal.achieved':
      return { xp: GOAL_ACHIEVED_XP, reason: 'GOAL_ACHIEVED' };
    case 'allowance.paid': {
      const amount = event.amountMinor ?? 0;
      const saved = Math.min(event.saveMinor ?? 0, amount);
      if (amount <= 0 || saved <= 0) return undefined;
      const xp = Math.floor((ALLOWANCE_SAVED_MAX_XP * saved) / amount);
      return xp > 0 ? { xp, reason: 'ALLOWANCE_SAVED' } : undefined;
    }
    case 'spending_limit.week_kept':
      return { xp: WEEK_WITHIN_LIMIT_XP, reason: 'WEEK_WITHIN_LIMIT' };
    case 'chore.submitted':
    case 'expense.created':
    case 'jar.spent':
    case 'spending_limit.exceeded':
      return undefined;
  }
}

/** Drops per-day cap counts older than the window before `newestDay`. */
export function pruneSavingDays(days: Record<Day, number>, newestDay: Day): Record<Day, number> {
  const oldest = addDays(newestDay, -SAVING_CAP_WINDOW_DAYS);
  return Object.fromEntries(Object.entries(days).filter(([day]) => day >= oldest));
}
