// When a recurring expense occurs. Occurrence n is computed from start_on every time (never from the
// previous occurrence), so a rule on the 31st lands on the last day of shorter months and returns to
// the 31st afterwards, and a rule on 29 February falls on the 28th in other years. All of it is
// calendar-day arithmetic, so daylight-saving changes in the family's zone cannot move or repeat a day.
import type { Violations } from '@family/errors';
import { addDays, addMonthsClamped, daysBetween, toYmd, type Day } from '@family/service-kit/calendar';

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

export interface Schedule {
  frequency: Frequency;
  interval: number;
  startOn: Day;
  endOn: Day | null;
}

export const MAX_INTERVAL = 366;

export function checkSchedule(v: Violations, s: Schedule, prefix = ''): void {
  v.check(
    Number.isInteger(s.interval) && s.interval >= 1 && s.interval <= MAX_INTERVAL,
    `${prefix}interval`,
    `must be 1-${MAX_INTERVAL}`,
  );
  if (s.endOn !== null) v.check(s.endOn >= s.startOn, `${prefix}endOn`, 'must not be before startOn');
}

/** Occurrence n (0-based) of the schedule, ignoring its end. */
export function occurrence(s: Schedule, n: number): Day {
  const step = n * s.interval;
  switch (s.frequency) {
    case 'DAILY':
      return addDays(s.startOn, step);
    case 'WEEKLY':
      return addDays(s.startOn, 7 * step);
    case 'MONTHLY':
      return addMonthsClamped(s.startOn, step, toYmd(s.startOn).day);
    case 'YEARLY':
      return addMonthsClamped(s.startOn, 12 * step, toYmd(s.startOn).day);
  }
}

/** Occurrence n, or undefined when it falls after the schedule's end. */
export function occurrenceWithinEnd(s: Schedule, n: number): Day | undefined {
  const day = occurrence(s, n);
  return s.endOn !== null && day > s.endOn ? undefined : day;
}

/** The index of the first occurrence on or after `day`. */
export function firstIndexOnOrAfter(s: Schedule, day: Day): number {
  if (day <= s.startOn) return 0;
  let n: number;
  if (s.frequency === 'DAILY' || s.frequency === 'WEEKLY') {
    const stepDays = s.interval * (s.frequency === 'WEEKLY' ? 7 : 1);
    n = Math.ceil(daysBetween(s.startOn, day) / stepDays);
  } else {
    const a = toYmd(s.startOn);
    const b = toYmd(day);
    const months = (b.year - a.year) * 12 + (b.month - a.month);
    const stepMonths = s.interval * (s.frequency === 'YEARLY' ? 12 : 1);
    n = Math.max(0, Math.floor(months / stepMonths) - 1);
  }
  while (n > 0 && occurrence(s, n - 1) >= day) n--;
  while (occurrence(s, n) < day) n++;
  return n;
}

/** Up to `count` occurrence dates on or after `from`. */
export function nextDates(s: Schedule, from: Day, count: number): Day[] {
  const dates: Day[] = [];
  for (let n = firstIndexOnOrAfter(s, from); dates.length < count; n++) {
    const day = occurrenceWithinEnd(s, n);
    if (day === undefined) break;
    dates.push(day);
  }
  return dates;
}
