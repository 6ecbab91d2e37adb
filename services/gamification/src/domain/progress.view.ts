// A member's progress as they see it at a given instant: level band, streak with freezes applied to
// the days missed so far, badges earned (newest first) and every badge with current / target.
import { dayIn } from '@family/service-kit/calendar';
import { badgeProgressOf } from './badge.rules.js';
import { customBadgeProgressOf, emptyCustomBadge } from './custom.badge.rules.js';
import type { BadgeProgress, EarnedBadge, MemberProgress } from './gamification.records.js';
import { levelBand, type LevelBand } from './level.curve.js';
import { emptyMission, missionProgressOf } from './mission.rules.js';
import type { ProgressContext } from './progress.rules.js';
import { streakAsOf, type StreakView } from './streak.rules.js';

export interface ProgressView extends LevelBand {
  memberId: string;
  xp: number;
  streak: StreakView;
  /** Newest first. */
  earned: EarnedBadge[];
  badges: BadgeProgress[];
}

export function progressView(progress: MemberProgress, context: ProgressContext, now: Date): ProgressView {
  const today = dayIn(context.timeZone, now);
  const custom = context.customBadges
    .filter((b) => b.memberIds.length === 0 || b.memberIds.includes(progress.memberId))
    .filter((b) => b.archivedAt === undefined || progress.customBadges[b.id]?.earnedAt !== undefined)
    .map((b) => customBadgeProgressOf(b, progress.customBadges[b.id] ?? emptyCustomBadge(), today));
  return {
    memberId: progress.memberId,
    xp: progress.xp,
    ...levelBand(progress.xp),
    streak: streakAsOf(progress.streak, today),
    earned: [...progress.earned].reverse(),
    badges: [
      ...context.catalog.badges.map((b) => badgeProgressOf(progress, b)),
      ...context.catalog.missions.map((m) => missionProgressOf(m, progress.missions[m.id] ?? emptyMission(), today)),
      ...custom,
    ],
  };
}
