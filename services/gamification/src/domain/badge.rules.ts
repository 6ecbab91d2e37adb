// One-off, tiered and cumulative badges: which steps a member's progress has earned, and how far the
// next step is. Every metric is a lifetime total, so the steps earned do not depend on event order.
import { achievementIdOf, type BadgeDefinition, type BadgeMetric, type BadgeStep } from './badge.catalog.js';
import type { BadgeProgress, MemberProgress } from './gamification.records.js';

export function metricValue(progress: MemberProgress, metric: BadgeMetric): number {
  switch (metric.kind) {
    case 'COUNT':
      return progress.counts[metric.eventType] ?? 0;
    case 'LIFETIME_XP':
      return progress.xp;
    case 'LONGEST_STREAK':
      return progress.streak.longest;
  }
}

/** Steps the progress has reached but not yet earned, lowest first within each badge. */
export function stepsToEarn(
  progress: MemberProgress,
  badges: readonly BadgeDefinition[],
): { badge: BadgeDefinition; step: BadgeStep; achievementId: string }[] {
  const earned = new Set(progress.earned.map((e) => e.achievementId));
  const due: { badge: BadgeDefinition; step: BadgeStep; achievementId: string }[] = [];
  for (const badge of badges) {
    const value = metricValue(progress, badge.metric);
    for (const step of badge.steps) {
      const achievementId = achievementIdOf(badge, step);
      if (value >= step.target && !earned.has(achievementId)) due.push({ badge, step, achievementId });
    }
  }
  return due;
}

/** A catalog badge as the member sees it: steps earned, and current / target of the next one. */
export function badgeProgressOf(progress: MemberProgress, badge: BadgeDefinition): BadgeProgress {
  const earnedById = new Map(progress.earned.map((e) => [e.achievementId, e]));
  const value = metricValue(progress, badge.metric);
  const earned: BadgeProgress['earned'] = [];
  let next: BadgeStep | undefined;
  for (const step of badge.steps) {
    const got = earnedById.get(achievementIdOf(badge, step));
    if (got) earned.push({ step: step.key, title: step.title, earnedAt: got.earnedAt });
    else next ??= step;
  }
  const last = badge.steps.at(-1)!;
  return {
    badgeId: badge.id,
    kind: badge.kind,
    title: badge.title,
    description: badge.description,
    icon: badge.icon,
    earned,
    complete: next === undefined,
    ...(next ? { nextStep: next.key } : {}),
    current: next ? Math.min(value, next.target) : value,
    target: next ? next.target : last.target,
  };
}
