// Recurring chores: DAILY, or WEEKLY on chosen days. One chore row is the current occurrence; on the
// next occurrence day the scheduler moves it there (to the latest occurrence reached, after downtime).
import { addDays, isoWeekday, type Day } from '@family/service-kit/calendar';
import type { ChoreFrequencyName } from './goals.types.js';

export interface Recurrence {
  frequency: ChoreFrequencyName;
  /** 1 = Monday … 7 = Sunday; WEEKLY only. */
  daysOfWeek: number[];
}

export function daysToMask(days: number[]): number {
  return days.reduce((mask, d) => mask | (1 << (d - 1)), 0);
}

export function maskToDays(mask: number): number[] {
  return [1, 2, 3, 4, 5, 6, 7].filter((d) => (mask & (1 << (d - 1))) !== 0);
}

export function isOccurrence(r: Recurrence, day: Day): boolean {
  return r.frequency === 'DAILY' || r.daysOfWeek.includes(isoWeekday(day));
}

export function firstOccurrenceOnOrAfter(r: Recurrence, day: Day): Day {
  for (let i = 0; i < 7; i++) {
    const d = addDays(day, i);
    if (isOccurrence(r, d)) return d;
  }
  throw new Error('a recurrence needs at least one day of the week');
}

export function occurrenceAfter(r: Recurrence, day: Day): Day {
  return firstOccurrenceOnOrAfter(r, addDays(day, 1));
}

export function latestOccurrenceOnOrBefore(r: Recurrence, day: Day): Day {
  for (let i = 0; i < 7; i++) {
    const d = addDays(day, -i);
    if (isOccurrence(r, d)) return d;
  }
  throw new Error('a recurrence needs at least one day of the week');
}

/** Where a chore due on `dueOn` moves to when the scheduler runs on `today`; undefined: not yet. */
export function rollOverTo(r: Recurrence, dueOn: Day, today: Day): Day | undefined {
  if (occurrenceAfter(r, dueOn) > today) return undefined;
  return latestOccurrenceOnOrBefore(r, today);
}
