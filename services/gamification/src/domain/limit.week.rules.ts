// "A week within the spending limit": when a family's week has ended, every member who had a limit
// all week and never exceeded it gets a spending_limit.week_kept event. Its id is derived from the
// member and the week, so running the check twice yields the same event and the store drops the copy.
import { addDays, dayIn, periodContaining, type Day } from '@family/service-kit/calendar';
import type { ActivityEvent } from './gamification.records.js';

export interface WeekWithinLimitInput {
  familyId: string;
  timeZone: string;
  /** Any day of the week to check (weeks start on Monday). */
  week: Day;
  /** Members whose spending limit was in force for the whole week. */
  limitedMemberIds: readonly string[];
  /** The family's spending_limit.exceeded events (any period; the ones outside the week are ignored). */
  exceeded: readonly ActivityEvent[];
  /** The family's today: a week is judged only once it is over. */
  today: Day;
}

export function weekKeptEvents(input: WeekWithinLimitInput): ActivityEvent[] {
  const week = periodContaining('WEEK', input.week);
  if (input.today <= week.end) return [];
  const broke = new Set(
    input.exceeded
      .filter((e) => e.type === 'spending_limit.exceeded' && e.familyId === input.familyId)
      .filter((e) => {
        const day = dayIn(input.timeZone, e.occurredAt);
        return day >= week.start && day <= week.end;
      })
      .map((e) => e.memberId),
  );
  const occurredAt = instantOnDay(input.timeZone, week.end);
  return [...new Set(input.limitedMemberIds)]
    .filter((memberId) => !broke.has(memberId))
    .map((memberId) => ({
      eventId: `week-kept:${input.familyId}:${memberId}:${week.start}`,
      type: 'spending_limit.week_kept',
      familyId: input.familyId,
      memberId,
      occurredAt,
    }));
}

/** An instant that falls on `day` in `timeZone` (noon UTC, moved half a day toward it for far-off zones). */
export function instantOnDay(timeZone: string, day: Day): Date {
  const noon = new Date(`${day}T12:00:00Z`);
  const there = dayIn(timeZone, noon);
  if (there === day) return noon;
  return new Date(noon.getTime() + (there > day ? -1 : 1) * 11 * 3_600_000);
}

/** The Monday of the week before the one containing `today`: the week a Monday run judges. */
export function weekToJudge(today: Day): Day {
  return periodContaining('WEEK', addDays(today, -7)).start;
}
