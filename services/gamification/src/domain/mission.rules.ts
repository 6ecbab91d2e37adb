// Periodic missions ("save three times this week"): counted per week from the family's Monday 00:00
// (or per calendar month), completed at most once per period, fresh again when the next one starts.
import type { Day } from '@family/service-kit/calendar';
import type { MissionDefinition } from './badge.catalog.js';
import type { ActivityEvent, BadgeProgress, GamificationEffect, MissionState } from './gamification.records.js';
import { addToPeriod, countIn, countedPeriodOf, periodKeyOf, prunePeriodCounts } from './period.counter.js';

export function emptyMission(): MissionState {
  return { counts: {}, completed: [] };
}

/** Counts the event (which fell on `day`) toward the mission; reports a completion the first time a period reaches the target. */
export function recordMissionEvent(
  mission: MissionDefinition,
  state: MissionState,
  event: ActivityEvent,
  day: Day,
): { state: MissionState; completed?: GamificationEffect } {
  if (event.type !== mission.eventType) return { state };
  const counts = addToPeriod(state.counts, mission.period, day);
  const periodStart = periodKeyOf(mission.period, day);
  if (countIn(counts, mission.period, day) < mission.target || state.completed.includes(periodStart)) {
    return { state: { ...state, counts } };
  }
  return {
    state: { counts, completed: [...state.completed, periodStart].sort() },
    completed: {
      kind: 'mission.completed',
      memberId: event.memberId,
      missionId: mission.id,
      title: mission.title,
      periodStart,
      eventId: event.eventId,
    },
  };
}

/** Forgets counts of periods long past (completions are kept: they are the mission's history). */
export function pruneMission(mission: MissionDefinition, state: MissionState, newestDay: Day): MissionState {
  return { ...state, counts: prunePeriodCounts(state.counts, mission.period, newestDay) };
}

/** The mission on `today` (a day in the family's zone): progress in the current period only. */
export function missionProgressOf(mission: MissionDefinition, state: MissionState, today: Day): BadgeProgress {
  const period = countedPeriodOf(mission.period, today)!;
  const current = countIn(state.counts, mission.period, today);
  const complete = state.completed.includes(period.start);
  return {
    badgeId: mission.id,
    kind: 'MISSION',
    title: mission.title,
    description: mission.description,
    icon: mission.icon,
    earned: [],
    complete,
    current: Math.min(current, mission.target),
    target: mission.target,
    periodStart: period.start,
    periodEnd: period.end,
    timesCompleted: state.completed.length,
  };
}
