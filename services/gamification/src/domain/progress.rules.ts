// A member's progress after a batch of events: XP, level, streak, badges, missions and parent-made
// badges, and the effects to record and announce. Pure: (progress, events, family zone, catalog) in,
// (progress, effects) out. Totals depend only on the set of events, never on the order they arrive in.
import { dayIn, maxDay } from '@family/service-kit/calendar';
import { byOccurrence } from './activity.order.js';
import type { GamificationCatalog } from './badge.catalog.js';
import { stepsToEarn } from './badge.rules.js';
import {
  customAchievementId,
  customBadgeEarnedEffects,
  emptyCustomBadge,
  recordCustomBadgeEvent,
} from './custom.badge.rules.js';
import type {
  ActivityEvent,
  CustomBadge,
  GamificationEffect,
  MemberProgress,
  XpReason,
} from './gamification.records.js';
import { levelForXp, levelsToAnnounce } from './level.curve.js';
import { emptyMission, pruneMission, recordMissionEvent } from './mission.rules.js';
import { emptyStreak, recordActiveDays, STREAK_ACTIVITY_TYPES } from './streak.rules.js';
import { activityXp, pruneSavingDays } from './xp.rules.js';

export interface ProgressContext {
  /** The family's IANA time zone: what a day is. */
  timeZone: string;
  catalog: GamificationCatalog;
  /** The family's parent-made badges, archived ones included (their earned state still matters). */
  customBadges: readonly CustomBadge[];
}

export function emptyProgress(familyId: string, memberId: string): MemberProgress {
  return {
    familyId,
    memberId,
    xp: 0,
    level: 1,
    levelAnnounced: 1,
    counts: {},
    savingXpDays: {},
    streak: emptyStreak(),
    earned: [],
    missions: {},
    customBadges: {},
  };
}

/** Applies the member's events (others in the batch are ignored), oldest first. */
export function applyMemberEvents(
  progress: MemberProgress,
  events: readonly ActivityEvent[],
  context: ProgressContext,
): { progress: MemberProgress; effects: GamificationEffect[] } {
  const p: MemberProgress = structuredClone(progress);
  const effects: GamificationEffect[] = [];
  const mine = events
    .filter((e) => e.familyId === progress.familyId && e.memberId === progress.memberId)
    .sort(byOccurrence);

  for (const event of mine) {
    const day = dayIn(context.timeZone, event.occurredAt);
    const grant = (xp: number, reason: XpReason, scoresOnLeaderboard: boolean): void => {
      if (xp <= 0) return;
      p.xp += xp;
      effects.push({
        kind: 'xp.awarded',
        memberId: p.memberId,
        eventId: event.eventId,
        xp,
        reason,
        day,
        occurredAt: event.occurredAt,
        scoresOnLeaderboard,
      });
    };

    p.newestDay = p.newestDay === undefined ? day : maxDay(p.newestDay, day);
    p.counts[event.type] = (p.counts[event.type] ?? 0) + 1;

    const award = activityXp(event, p.savingXpDays[day] ?? 0);
    if (award) {
      if (award.reason === 'GOAL_CONTRIBUTED') p.savingXpDays[day] = (p.savingXpDays[day] ?? 0) + 1;
      grant(award.xp, award.reason, true);
    }

    if (STREAK_ACTIVITY_TYPES.has(event.type)) {
      const streak = recordActiveDays(p.streak, [day], p.memberId, event.eventId);
      p.streak = streak.streak;
      effects.push(...streak.effects);
    }

    for (const mission of context.catalog.missions) {
      const before = p.missions[mission.id] ?? emptyMission();
      const result = recordMissionEvent(mission, before, event, day);
      if (result.state !== before) p.missions[mission.id] = result.state;
      if (result.completed) {
        effects.push(result.completed);
        grant(mission.xp, 'MISSION', false);
      }
    }

    for (const badge of context.customBadges) {
      const before = p.customBadges[badge.id] ?? emptyCustomBadge();
      const result = recordCustomBadgeEvent(badge, before, event, day);
      if (result.state !== before) p.customBadges[badge.id] = result.state;
      if (result.earned) {
        p.earned.push({
          achievementId: customAchievementId(badge),
          badgeId: badge.id,
          step: 'earned',
          title: badge.title,
          xp: badge.xp,
          earnedAt: event.occurredAt,
          eventId: event.eventId,
        });
        effects.push(...customBadgeEarnedEffects(badge, p.memberId, event.eventId));
        grant(badge.xp, 'CUSTOM_BADGE', false);
      }
    }

    // Badge XP can pass a rank threshold, so look again until nothing new is due (ranks pay no XP, so
    // this ends after at most two rounds).
    for (
      let due = stepsToEarn(p, context.catalog.badges);
      due.length > 0;
      due = stepsToEarn(p, context.catalog.badges)
    ) {
      for (const { badge, step, achievementId } of due) {
        p.earned.push({
          achievementId,
          badgeId: badge.id,
          step: step.key,
          title: step.title,
          xp: step.xp,
          earnedAt: event.occurredAt,
          eventId: event.eventId,
        });
        effects.push({
          kind: 'achievement.unlocked',
          memberId: p.memberId,
          achievementId,
          badgeId: badge.id,
          badgeKind: badge.kind,
          step: step.key,
          title: step.title,
          eventId: event.eventId,
        });
        grant(step.xp, 'BADGE', false);
      }
    }

    for (const level of levelsToAnnounce(p.levelAnnounced, p.xp)) {
      effects.push({ kind: 'level.reached', memberId: p.memberId, level, eventId: event.eventId });
      p.levelAnnounced = level;
    }
    p.level = levelForXp(p.xp);
  }

  if (p.newestDay !== undefined) {
    const newest = p.newestDay;
    p.savingXpDays = pruneSavingDays(p.savingXpDays, newest);
    for (const mission of context.catalog.missions) {
      const state = p.missions[mission.id];
      if (state) p.missions[mission.id] = pruneMission(mission, state, newest);
    }
  }
  return { progress: p, effects };
}
