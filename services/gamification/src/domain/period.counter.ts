// Event counts kept per calendar period (family time zone; weeks start on Monday), shared by missions
// and parent-made badges. Counts live per period, so a late event lands in the period it belongs to.
import { addDays, periodContaining, type Day, type Period } from '@family/service-kit/calendar';
import type { PeriodCounts } from './gamification.records.js';

export type CountedPeriod = 'DAY' | 'WEEK' | 'MONTH' | 'ALL';

export const ALL_TIME_KEY = 'ALL';
/** Periods that ended longer ago than this are dropped: twice the event log's 30-day retention. */
export const PERIOD_COUNT_WINDOW_DAYS = 62;

/** The period `day` falls in; undefined for all time. */
export function countedPeriodOf(kind: CountedPeriod, day: Day): Period | undefined {
  return kind === 'ALL' ? undefined : periodContaining(kind, day);
}

export function periodKeyOf(kind: CountedPeriod, day: Day): string {
  return countedPeriodOf(kind, day)?.start ?? ALL_TIME_KEY;
}

export function countIn(counts: PeriodCounts, kind: CountedPeriod, day: Day): number {
  return counts[periodKeyOf(kind, day)] ?? 0;
}

/** The counts with `by` added to the period of `day`. */
export function addToPeriod(counts: PeriodCounts, kind: CountedPeriod, day: Day, by = 1): PeriodCounts {
  const key = periodKeyOf(kind, day);
  return { ...counts, [key]: (counts[key] ?? 0) + by };
}

/** Drops the periods that ended more than the window before `newestDay`. */
export function prunePeriodCounts(counts: PeriodCounts, kind: CountedPeriod, newestDay: Day): PeriodCounts {
  if (kind === 'ALL') return counts;
  const oldest = addDays(newestDay, -PERIOD_COUNT_WINDOW_DAYS);
  return Object.fromEntries(Object.entries(counts).filter(([start]) => periodContaining(kind, start).end >= oldest));
}
