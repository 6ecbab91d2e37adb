// The achievement catalog every family shares: one-off, tiered and cumulative badges and the
// periodic missions. Parent-made badges are per family (see custom.badge.rules.ts).
import type { ActivityType } from './gamification.records.js';

/** What a badge measures, read from a member's progress. */
export type BadgeMetric =
  { kind: 'COUNT'; eventType: ActivityType } | { kind: 'LIFETIME_XP' } | { kind: 'LONGEST_STREAK' };

export interface BadgeStep {
  /** 'earned' for a one-off badge, 'bronze' | 'silver' | 'gold' for a tiered one, a rank slug for a cumulative one. */
  key: string;
  title: string;
  target: number;
  /** Bonus XP when earned (counts toward levels, not leaderboards). */
  xp: number;
}

export interface BadgeDefinition {
  /** Stable slug. */
  id: string;
  kind: 'ONE_OFF' | 'TIERED' | 'CUMULATIVE';
  title: string;
  description: string;
  icon: string;
  metric: BadgeMetric;
  /** Ascending targets. */
  steps: readonly BadgeStep[];
}

/** A mission: do something `target` times within one week (from the family's Monday 00:00) or month. */
export interface MissionDefinition {
  id: string;
  title: string;
  description: string;
  icon: string;
  eventType: ActivityType;
  target: number;
  period: 'WEEK' | 'MONTH';
  xp: number;
}

export interface GamificationCatalog {
  badges: readonly BadgeDefinition[];
  missions: readonly MissionDefinition[];
}

export const ONE_OFF_XP = 25;
export const TIER_XP = { bronze: 50, silver: 100, gold: 200 } as const;

function oneOff(id: string, title: string, description: string, eventType: ActivityType): BadgeDefinition {
  return {
    id,
    kind: 'ONE_OFF',
    title,
    description,
    icon: id,
    metric: { kind: 'COUNT', eventType },
    steps: [{ key: 'earned', title, target: 1, xp: ONE_OFF_XP }],
  };
}

function tiered(
  id: string,
  title: string,
  description: string,
  metric: BadgeMetric,
  [bronze, silver, gold]: readonly [number, number, number],
): BadgeDefinition {
  return {
    id,
    kind: 'TIERED',
    title,
    description,
    icon: id,
    metric,
    steps: [
      { key: 'bronze', title: `${title} (bronze)`, target: bronze, xp: TIER_XP.bronze },
      { key: 'silver', title: `${title} (silver)`, target: silver, xp: TIER_XP.silver },
      { key: 'gold', title: `${title} (gold)`, target: gold, xp: TIER_XP.gold },
    ],
  };
}

export const DEFAULT_CATALOG: GamificationCatalog = {
  badges: [
    oneOff('first-chore', 'First chore', 'Your first chore approved', 'chore.approved'),
    oneOff('first-save', 'First save', 'Your first coins saved toward a goal', 'goal.contributed'),
    oneOff('first-goal', 'Goal reached', 'Your first savings goal reached', 'goal.achieved'),
    tiered(
      'chore-champion',
      'Chore champion',
      'Chores approved',
      { kind: 'COUNT', eventType: 'chore.approved' },
      [10, 50, 200],
    ),
    tiered(
      'super-saver',
      'Super saver',
      'Savings put toward goals',
      { kind: 'COUNT', eventType: 'goal.contributed' },
      [5, 25, 100],
    ),
    tiered(
      'goal-getter',
      'Goal getter',
      'Savings goals reached',
      { kind: 'COUNT', eventType: 'goal.achieved' },
      [2, 5, 10],
    ),
    tiered(
      'limit-keeper',
      'Limit keeper',
      'Weeks within the spending limit',
      { kind: 'COUNT', eventType: 'spending_limit.week_kept' },
      [4, 12, 52],
    ),
    tiered('streak-star', 'Streak star', 'Longest streak in days', { kind: 'LONGEST_STREAK' }, [7, 30, 100]),
    {
      id: 'xp-rank',
      kind: 'CUMULATIVE',
      title: 'Rank',
      description: 'Lifetime XP',
      icon: 'xp-rank',
      metric: { kind: 'LIFETIME_XP' },
      // No bonus XP: a rank earned by XP that paid XP could chain into the next rank.
      steps: [
        { key: 'rookie', title: 'Rookie', target: 500, xp: 0 },
        { key: 'rising-star', title: 'Rising star', target: 2_000, xp: 0 },
        { key: 'pro', title: 'Pro', target: 5_000, xp: 0 },
        { key: 'legend', title: 'Legend', target: 10_000, xp: 0 },
      ],
    },
  ],
  missions: [
    {
      id: 'weekly-saver',
      title: 'Save three times this week',
      description: 'Put something toward a goal three times between Monday and Sunday',
      icon: 'weekly-saver',
      eventType: 'goal.contributed',
      target: 3,
      period: 'WEEK',
      xp: 30,
    },
    {
      id: 'weekly-helper',
      title: 'Five chores this week',
      description: 'Get five chores approved between Monday and Sunday',
      icon: 'weekly-helper',
      eventType: 'chore.approved',
      target: 5,
      period: 'WEEK',
      xp: 30,
    },
    {
      id: 'monthly-helper',
      title: 'Twenty chores this month',
      description: 'Get twenty chores approved this month',
      icon: 'monthly-helper',
      eventType: 'chore.approved',
      target: 20,
      period: 'MONTH',
      xp: 75,
    },
  ],
};

/** The achievement id a step is announced and listed under. */
export function achievementIdOf(badge: BadgeDefinition, step: BadgeStep): string {
  return badge.kind === 'ONE_OFF' ? badge.id : `${badge.id}.${step.key}`;
}
