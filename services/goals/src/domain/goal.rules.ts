// Savings-goal rules: when a goal is reached and when it will be at the recent pace.
import { addDays, type Day } from '@family/service-kit/calendar';

/** How many days of contributions make up "the recent pace". */
export const PACE_WINDOW_DAYS = 30;

/**
 * The day saving at the recent pace (what went in over the last PACE_WINDOW_DAYS days, per day)
 * reaches the target; undefined when nothing went in recently or the goal is already reached.
 */
export function projectedOn(input: {
  savedMinor: number;
  targetMinor: number;
  recentMinor: number;
  today: Day;
}): Day | undefined {
  const missing = input.targetMinor - input.savedMinor;
  if (missing <= 0 || input.recentMinor <= 0) return undefined;
  const days = Math.ceil((missing * PACE_WINDOW_DAYS) / input.recentMinor);
  return days > 36_500 ? undefined : addDays(input.today, days);
}
