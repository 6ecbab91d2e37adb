// Streaks: consecutive active days in the family's time zone, with freezes earned along the way and
// spent automatically on missed days. Everything is derived from the set of active days, so an event
// for an earlier day arriving late gives the same streak as one arriving on time.
import { addDays, daysBetween, type Day } from '@family/service-kit/calendar';
import type { ActivityType, DayRange, GamificationEffect, StreakState } from './gamification.records.js';

/** A freeze is earned each time the current streak reaches a multiple of this many active days. */
export const FREEZE_EVERY_DAYS = 7;
export const MAX_FREEZES_HELD = 2;
export const STREAK_MILESTONES: readonly number[] = [3, 7, 14, 30, 50, 100, 200, 365];
/** A streak is not reported as broken (even kindly) below this many days: a single day is no streak yet. */
export const BROKEN_STREAK_MIN_DAYS = 2;

/** What the member does themselves; scheduled payments and a parent's approval do not keep a streak. */
export const STREAK_ACTIVITY_TYPES: ReadonlySet<ActivityType> = new Set<ActivityType>([
  'chore.submitted',
  'goal.contributed',
  'expense.created',
  'jar.spent',
]);

export function emptyStreak(): StreakState {
  return { activeRuns: [], current: 0, longest: 0, freezesHeld: 0, freezesEarned: 0, frozenDays: [] };
}

/** The runs with `day` added: sorted, merged with neighbours it touches. */
export function withActiveDay(runs: readonly DayRange[], day: Day): DayRange[] {
  const sorted = [...runs, { start: day, end: day }].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const merged: DayRange[] = [];
  for (const run of sorted) {
    const last = merged.at(-1);
    if (last && run.start <= addDays(last.end, 1)) {
      if (run.end > last.end) last.end = run.end;
    } else {
      merged.push({ ...run });
    }
  }
  return merged;
}

/** The streak the active days give, walked oldest first. */
export function streakFromRuns(runs: readonly DayRange[]): StreakState {
  let current = 0;
  let longest = 0;
  let held = 0;
  let earned = 0;
  let frozenDays: Day[] = [];
  let startedOn: Day | undefined;
  let lastEnd: Day | undefined;
  for (const run of runs) {
    if (lastEnd === undefined) {
      startedOn = run.start;
    } else {
      const missed = daysBetween(lastEnd, run.start) - 1;
      if (missed <= held) {
        held -= missed;
        for (let i = 1; i <= missed; i += 1) frozenDays.push(addDays(lastEnd, i));
      } else {
        // Too many missed days to bridge: a fresh start, and the freezes are kept for the next streak.
        current = 0;
        frozenDays = [];
        startedOn = run.start;
      }
    }
    const length = daysBetween(run.start, run.end) + 1;
    const firstMultiple = Math.ceil((current + 1) / FREEZE_EVERY_DAYS) * FREEZE_EVERY_DAYS;
    for (let k = firstMultiple; k <= current + length; k += FREEZE_EVERY_DAYS) {
      if (held < MAX_FREEZES_HELD) {
        held += 1;
        earned += 1;
      }
    }
    current += length;
    longest = Math.max(longest, current);
    lastEnd = run.end;
  }
  return {
    activeRuns: runs.map((r) => ({ ...r })),
    current,
    longest,
    freezesHeld: held,
    freezesEarned: earned,
    frozenDays,
    ...(startedOn !== undefined ? { startedOn } : {}),
    ...(lastEnd !== undefined ? { lastActiveOn: lastEnd } : {}),
  };
}

/** Adds active days and reports what changed: freezes earned and used, milestones, a fresh start. */
export function recordActiveDays(
  streak: StreakState,
  days: readonly Day[],
  memberId: string,
  eventId: string,
): { streak: StreakState; effects: GamificationEffect[] } {
  const runs = days.reduce<DayRange[]>((acc, day) => withActiveDay(acc, day), streak.activeRuns);
  const after = streakFromRuns(runs);
  const effects: GamificationEffect[] = [];
  if (
    streak.lastActiveOn !== undefined &&
    streak.current >= BROKEN_STREAK_MIN_DAYS &&
    after.startedOn !== undefined &&
    after.startedOn > streak.lastActiveOn
  ) {
    effects.push({
      kind: 'streak.broken',
      memberId,
      previousDays: streak.current,
      restartedOn: after.startedOn,
      messageKey: 'streak.fresh_start',
    });
  }
  const frozenBefore = new Set(streak.frozenDays);
  for (const day of after.frozenDays) {
    if (!frozenBefore.has(day)) effects.push({ kind: 'streak.freeze_used', memberId, day });
  }
  if (after.freezesEarned > streak.freezesEarned) {
    effects.push({ kind: 'streak.freeze_earned', memberId, held: after.freezesHeld });
  }
  // A fresh start counts milestones from zero; a streak that grew (at either end) from where it was.
  const freshStart =
    streak.startedOn === undefined || (after.startedOn !== undefined && after.startedOn > streak.startedOn);
  const currentBefore = freshStart ? 0 : streak.current;
  for (const days of STREAK_MILESTONES) {
    if (currentBefore < days && after.current >= days)
      effects.push({ kind: 'streak.milestone', memberId, days, eventId });
  }
  return { streak: after, effects };
}

export interface StreakView {
  /** 0 once the missed days are more than the freezes held. */
  current: number;
  longest: number;
  /** Freezes left after covering the days missed so far. */
  freezesHeld: number;
  activeToday: boolean;
  /** Alive, but today still needs an activity (or a freeze) to keep it. */
  atRisk: boolean;
  lastActiveOn?: Day;
}

/** The streak as the member sees it on `today` (a day in the family's zone), freezes applied to missed days. */
export function streakAsOf(streak: StreakState, today: Day): StreakView {
  const base = { longest: streak.longest, ...(streak.lastActiveOn ? { lastActiveOn: streak.lastActiveOn } : {}) };
  if (streak.lastActiveOn === undefined) {
    return { ...base, current: 0, freezesHeld: streak.freezesHeld, activeToday: false, atRisk: false };
  }
  const missed = daysBetween(streak.lastActiveOn, today) - 1;
  if (missed < 0) {
    return { ...base, current: streak.current, freezesHeld: streak.freezesHeld, activeToday: true, atRisk: false };
  }
  if (missed <= streak.freezesHeld) {
    return {
      ...base,
      current: streak.current,
      freezesHeld: streak.freezesHeld - missed,
      activeToday: false,
      atRisk: true,
    };
  }
  return { ...base, current: 0, freezesHeld: streak.freezesHeld, activeToday: false, atRisk: false };
}
