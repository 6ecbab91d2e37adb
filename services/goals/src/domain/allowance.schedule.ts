// Allowance paydays, computed on calendar days of the family's time zone. Weekly: every week on a day
// of the week; biweekly: every other week on that day, counted from the first such day on or after
// startOn; monthly: on a day of the month, clamped to shorter months (31 → 30 April, 28/29 February).
import {
  addDays,
  clampedDay,
  daysBetween,
  isoWeekday,
  maxDay,
  shiftMonth,
  toYmd,
  type Day,
} from '@family/service-kit/calendar';
import type { AllowanceFrequencyName } from './goals.types.js';

export interface PaySchedule {
  frequency: AllowanceFrequencyName;
  /** 1 = Monday … 7 = Sunday (WEEKLY, BIWEEKLY). */
  dayOfWeek: number | null;
  /** 1–31 (MONTHLY). */
  dayOfMonth: number | null;
  startOn: Day;
}

function onWeekdayOnOrAfter(day: Day, dayOfWeek: number): Day {
  return addDays(day, (dayOfWeek - isoWeekday(day) + 7) % 7);
}

/** The first payday on or after `day` (and never before startOn). */
export function firstPaydayOnOrAfter(s: PaySchedule, day: Day): Day {
  const from = maxDay(day, s.startOn);
  switch (s.frequency) {
    case 'WEEKLY':
      return onWeekdayOnOrAfter(from, s.dayOfWeek!);
    case 'BIWEEKLY': {
      const anchor = onWeekdayOnOrAfter(s.startOn, s.dayOfWeek!);
      if (from <= anchor) return anchor;
      return addDays(anchor, Math.ceil(daysBetween(anchor, from) / 14) * 14);
    }
    case 'MONTHLY': {
      const { year, month } = toYmd(from);
      const inMonth = clampedDay(year, month, s.dayOfMonth!);
      if (inMonth >= from) return inMonth;
      const next = shiftMonth(year, month, 1);
      return clampedDay(next.year, next.month, s.dayOfMonth!);
    }
  }
}

/** The payday after `payday`. */
export function paydayAfter(s: PaySchedule, payday: Day): Day {
  return firstPaydayOnOrAfter(s, addDays(payday, 1));
}

/** The payday before `payday` in the schedule (ignoring startOn). */
export function paydayBefore(s: PaySchedule, payday: Day): Day {
  switch (s.frequency) {
    case 'WEEKLY':
      return addDays(payday, -7);
    case 'BIWEEKLY':
      return addDays(payday, -14);
    case 'MONTHLY': {
      const { year, month } = toYmd(payday);
      const prev = shiftMonth(year, month, -1);
      return clampedDay(prev.year, prev.month, s.dayOfMonth!);
    }
  }
}

/**
 * The days a payday pays for: from the previous payday (or startOn, when later) up to the day before
 * the payday, so every chore due in it has had its whole day when the payday comes. Empty (from > to)
 * for a first payday on startOn.
 */
export function payPeriod(s: PaySchedule, payday: Day): { from: Day; to: Day } {
  return { from: maxDay(paydayBefore(s, payday), s.startOn), to: addDays(payday, -1) };
}

/**
 * Whether a conditional allowance is paid: at least `minPercent` of the period's chore occurrences
 * approved (no occurrences due counts as met). Returns the completion percent (rounded down) too.
 */
export function conditionMet(
  minPercent: number | null,
  occurrences: { approved: number; total: number },
): { met: boolean; percent: number | null } {
  const percent = occurrences.total === 0 ? null : Math.floor((occurrences.approved * 100) / occurrences.total);
  if (minPercent === null || occurrences.total === 0) return { met: true, percent };
  return { met: occurrences.approved * 100 >= minPercent * occurrences.total, percent };
}
