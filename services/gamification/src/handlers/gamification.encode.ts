// Domain records → gamification.v1 messages, and the enum codecs between them.
import { dayToMessage, enumCodec } from '@family/service-kit';
import {
  BadgeKind,
  BadgePeriod,
  LeaderboardPeriod,
  QuestMeasure,
  QuestStatus,
  XpReason,
  type Achievement,
  type BadgeProgress as BadgeProgressMessage,
  type CustomBadge as CustomBadgeMessage,
  type LeaderboardEntry as LeaderboardEntryMessage,
  type MemberProgress as MemberProgressMessage,
  type Quest as QuestMessage,
  type XpEntry,
} from '@family/contracts/gamification/v1/gamification';
import { achievementIdOf, type GamificationCatalog } from '../domain/badge.catalog.js';
import type { BadgeKind as BadgeKindName, BadgeProgress, LeaderboardEntry } from '../domain/gamification.records.js';
import type { MemberProgressView } from '../app/progress.reader.js';
import type { QuestView } from '../app/quests.js';
import type { CustomBadgeView } from '../app/custom.badges.js';
import type { XpHistoryEntry } from '../store/gamification.repository.js';

const BADGE_KINDS = ['ONE_OFF', 'TIERED', 'CUMULATIVE', 'MISSION', 'CUSTOM'] as const;
const BADGE_PERIODS = ['DAY', 'WEEK', 'MONTH', 'ALL'] as const;
const LEADERBOARD_PERIODS = ['WEEK', 'MONTH', 'ALL'] as const;
const QUEST_MEASURES = ['COUNT', 'AMOUNT'] as const;
const QUEST_STATUSES = ['UPCOMING', 'ACTIVE', 'COMPLETED', 'EXPIRED', 'ARCHIVED'] as const;
const XP_REASONS = [
  'CHORE_APPROVED',
  'GOAL_CONTRIBUTED',
  'GOAL_ACHIEVED',
  'ALLOWANCE_SAVED',
  'WEEK_WITHIN_LIMIT',
  'BADGE',
  'MISSION',
  'CUSTOM_BADGE',
] as const;

export const codecs = {
  badgeKind: enumCodec('BADGE_KIND_', BADGE_KINDS, BadgeKind),
  badgePeriod: enumCodec('BADGE_PERIOD_', BADGE_PERIODS, BadgePeriod),
  leaderboardPeriod: enumCodec('LEADERBOARD_PERIOD_', LEADERBOARD_PERIODS, LeaderboardPeriod),
  questMeasure: enumCodec('QUEST_MEASURE_', QUEST_MEASURES, QuestMeasure),
  questStatus: enumCodec('QUEST_STATUS_', QUEST_STATUSES, QuestStatus),
  xpReason: enumCodec('XP_REASON_', XP_REASONS, XpReason),
};

export function encodeCatalog(catalog: GamificationCatalog): Achievement[] {
  const badges = catalog.badges.map((b): Achievement => ({
    id: b.id,
    title: b.title,
    description: b.description,
    points: b.steps[0]?.xp ?? 0,
    icon: b.icon,
    kind: codecs.badgeKind.encode(b.kind),
    tiers: b.steps.map((s) => ({
      key: s.key,
      title: s.title,
      target: s.target,
      xp: s.xp,
      achievementId: achievementIdOf(b, s),
    })),
    period: BadgePeriod.BADGE_PERIOD_ALL,
    measures:
      b.metric.kind === 'COUNT' ? b.metric.eventType : b.metric.kind === 'LIFETIME_XP' ? 'xp' : 'longest_streak',
  }));
  const missions = catalog.missions.map((m): Achievement => ({
    id: m.id,
    title: m.title,
    description: m.description,
    points: m.xp,
    icon: m.icon,
    kind: BadgeKind.BADGE_KIND_MISSION,
    tiers: [{ key: 'completed', title: m.title, target: m.target, xp: m.xp, achievementId: m.id }],
    period: codecs.badgePeriod.encode(m.period),
    measures: m.eventType,
  }));
  return [...badges, ...missions];
}

function encodeBadgeProgress(b: BadgeProgress): BadgeProgressMessage {
  return {
    badgeId: b.badgeId,
    kind: codecs.badgeKind.encode(b.kind),
    title: b.title,
    description: b.description,
    icon: b.icon,
    earned: b.earned.map((e) => ({ step: e.step, title: e.title, earnedAt: e.earnedAt })),
    complete: b.complete,
    nextStep: b.nextStep ?? '',
    current: b.current,
    target: b.target,
    periodStart: dayToMessage(b.periodStart),
    periodEnd: dayToMessage(b.periodEnd),
    timesCompleted: b.timesCompleted ?? 0,
  };
}

export function encodeProgress(p: MemberProgressView): MemberProgressMessage {
  const byBadge = new Map(p.badges.map((b) => [b.badgeId, b]));
  return {
    memberId: p.memberId,
    xp: p.xp,
    level: p.level,
    levelStartXp: p.levelStartXp,
    nextLevelXp: p.nextLevelXp,
    currentStreak: p.streak.current,
    longestStreak: p.streak.longest,
    lastActiveOn: dayToMessage(p.streak.lastActiveOn),
    badges: p.earned.map((e) => {
      const badge = byBadge.get(e.badgeId);
      return {
        achievementId: e.achievementId,
        title: e.title,
        description: badge?.description ?? '',
        points: e.xp,
        icon: badge?.icon ?? e.badgeId,
        earnedAt: e.earnedAt,
        badgeId: e.badgeId,
        step: e.step,
        kind: codecs.badgeKind.encode(badge?.kind ?? kindOfAchievement(e.achievementId)),
      };
    }),
    points: p.points,
    streakFreezesHeld: p.streak.freezesHeld,
    badgeProgress: p.badges.map(encodeBadgeProgress),
    streakAtRisk: p.streak.atRisk,
    streakStartedOn: dayToMessage(p.streakStartedOn),
    displayName: p.displayName,
  };
}

function kindOfAchievement(achievementId: string): BadgeKindName {
  return achievementId.startsWith('custom.') ? 'CUSTOM' : 'ONE_OFF';
}

export function encodeXpEntry(e: XpHistoryEntry): XpEntry {
  return {
    eventId: e.eventId,
    xp: e.xp,
    reason: codecs.xpReason.encode(e.reason),
    day: dayToMessage(e.day),
    occurredAt: e.occurredAt,
    scoresOnLeaderboard: e.scoresOnLeaderboard,
  };
}

export function encodeLeaderboardEntry(e: LeaderboardEntry): LeaderboardEntryMessage {
  return {
    rank: e.rank,
    memberId: e.memberId,
    displayName: e.displayName,
    points: e.points,
    reachedAt: e.reachedAt,
  };
}

export function encodeQuest(q: QuestView): QuestMessage {
  return {
    id: q.id,
    familyId: q.familyId,
    title: q.title,
    description: q.description,
    measure: codecs.questMeasure.encode(q.measure),
    eventType: q.eventType,
    categoryId: q.categoryId ?? '',
    goalId: q.goalId ?? '',
    target: q.target,
    memberIds: q.memberIds,
    startsOn: dayToMessage(q.startsOn),
    endsOn: dayToMessage(q.endsOn),
    progress: q.progress,
    contributions: Object.entries(q.contributions)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([memberId, amount]) => ({ memberId, amount })),
    status: codecs.questStatus.encode(q.status),
    completedAt: q.completedAt,
    createdAt: q.createdAt,
    archivedAt: q.archivedAt,
    version: q.version,
    currency: q.measure === 'AMOUNT' ? q.currency : '',
  };
}

export function encodeCustomBadge(b: CustomBadgeView): CustomBadgeMessage {
  return {
    id: b.id,
    familyId: b.familyId,
    title: b.title,
    description: b.description,
    icon: b.icon,
    eventType: b.eventType,
    count: b.count,
    period: codecs.badgePeriod.encode(b.period),
    categoryId: b.categoryId ?? '',
    goalId: b.goalId ?? '',
    memberIds: b.memberIds,
    reward: b.reward,
    xp: b.xp,
    createdAt: b.createdAt,
    archivedAt: b.archivedAt,
    version: b.version,
    achievementId: b.achievementId,
  };
}
