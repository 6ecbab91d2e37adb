// Records ↔ JSON documents, the one shape both stores keep (JSONB in Postgres, a document in MongoDB):
// instants as ISO strings, and event-type counts as a list (MongoDB field names may not hold dots).
import type {
  ActivityEvent,
  ActivityType,
  CustomBadge,
  GamificationEffect,
  MemberProgress,
  Quest,
} from '../domain/gamification.records.js';
import { leaderboardKeyOf, LEADERBOARD_PERIODS } from '../domain/leaderboard.rules.js';
import type { CustomBadgeChange, QuestChange } from './gamification.repository.js';

export interface ProgressDocument extends Omit<MemberProgress, 'counts' | 'earned' | 'customBadges'> {
  counts: { type: ActivityType; n: number }[];
  earned: (Omit<MemberProgress['earned'][number], 'earnedAt'> & { earnedAt: string })[];
  customBadges: Record<string, { counts: Record<string, number>; earnedAt?: string }>;
}

export function progressToDocument(p: MemberProgress): ProgressDocument {
  const customBadges: ProgressDocument['customBadges'] = {};
  for (const [id, s] of Object.entries(p.customBadges)) {
    customBadges[id] = { counts: s.counts, ...(s.earnedAt ? { earnedAt: s.earnedAt.toISOString() } : {}) };
  }
  return {
    ...p,
    counts: Object.entries(p.counts).map(([type, n]) => ({ type: type as ActivityType, n: n ?? 0 })),
    earned: p.earned.map((e) => ({ ...e, earnedAt: e.earnedAt.toISOString() })),
    customBadges,
  };
}

export function progressFromDocument(d: ProgressDocument): MemberProgress {
  const customBadges: MemberProgress['customBadges'] = {};
  for (const [id, s] of Object.entries(d.customBadges)) {
    customBadges[id] = { counts: s.counts, ...(s.earnedAt ? { earnedAt: new Date(s.earnedAt) } : {}) };
  }
  const counts: MemberProgress['counts'] = {};
  for (const { type, n } of d.counts) counts[type] = n;
  const { familyId, memberId, xp, level, levelAnnounced, savingXpDays, streak, missions, newestDay } = d;
  return {
    familyId,
    memberId,
    xp,
    level,
    levelAnnounced,
    counts,
    savingXpDays,
    streak,
    earned: d.earned.map((e) => ({ ...e, earnedAt: new Date(e.earnedAt) })),
    missions,
    customBadges,
    ...(newestDay !== undefined ? { newestDay } : {}),
  };
}

type Dated<T, K extends keyof T> = Omit<T, K> & { [P in K]?: string };

export type QuestDocument = Dated<Quest, 'createdAt' | 'completedAt' | 'archivedAt'> & { createdAt: string };
export type CustomBadgeDocument = Dated<CustomBadge, 'createdAt' | 'archivedAt'> & { createdAt: string };

export function questToDocument(q: Quest): QuestDocument {
  const { createdAt, completedAt, archivedAt, ...rest } = q;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    ...(completedAt ? { completedAt: completedAt.toISOString() } : {}),
    ...(archivedAt ? { archivedAt: archivedAt.toISOString() } : {}),
  };
}

export function questFromDocument(d: QuestDocument): Quest {
  const { createdAt, completedAt, archivedAt, ...rest } = d;
  return {
    ...rest,
    createdAt: new Date(createdAt),
    ...(completedAt ? { completedAt: new Date(completedAt) } : {}),
    ...(archivedAt ? { archivedAt: new Date(archivedAt) } : {}),
  };
}

export function customBadgeToDocument(b: CustomBadge): CustomBadgeDocument {
  const { createdAt, archivedAt, ...rest } = b;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    ...(archivedAt ? { archivedAt: archivedAt.toISOString() } : {}),
  };
}

export function customBadgeFromDocument(d: CustomBadgeDocument): CustomBadge {
  const { createdAt, archivedAt, ...rest } = d;
  return {
    ...rest,
    createdAt: new Date(createdAt),
    ...(archivedAt ? { archivedAt: new Date(archivedAt) } : {}),
  };
}

export type ActivityDocument = Omit<ActivityEvent, 'occurredAt'> & { occurredAt: string };

export function activityToDocument(e: ActivityEvent): ActivityDocument {
  return { ...e, occurredAt: e.occurredAt.toISOString() };
}

export function activityFromDocument(d: ActivityDocument): ActivityEvent {
  return { ...d, occurredAt: new Date(d.occurredAt) };
}

export function applyQuestChange(q: Quest, c: QuestChange): Quest {
  return { ...q, ...c };
}

export function applyCustomBadgeChange(b: CustomBadge, c: CustomBadgeChange): CustomBadge {
  const { reward, ...rest } = c;
  const next: CustomBadge = { ...b, ...rest };
  if (reward === null) delete next.reward;
  else if (reward !== undefined) next.reward = reward;
  return next;
}

/** One leaderboard increment: `points` more for the member on the board, reached no earlier than `reachedAt`. */
export interface BoardIncrement {
  periodKey: string;
  memberId: string;
  points: number;
  reachedAt: Date;
}

/** The leaderboard increments of a batch's effects, summed per board and member. */
export function boardIncrementsOf(effects: readonly GamificationEffect[]): BoardIncrement[] {
  const byKey = new Map<string, BoardIncrement>();
  for (const e of effects) {
    if (e.kind !== 'xp.awarded' || !e.scoresOnLeaderboard || e.xp <= 0) continue;
    for (const kind of LEADERBOARD_PERIODS) {
      const periodKey = leaderboardKeyOf(kind, e.day);
      const key = `${periodKey}|${e.memberId}`;
      const inc = byKey.get(key);
      if (!inc) byKey.set(key, { periodKey, memberId: e.memberId, points: e.xp, reachedAt: e.occurredAt });
      else {
        inc.points += e.xp;
        if (e.occurredAt > inc.reachedAt) inc.reachedAt = e.occurredAt;
      }
    }
  }
  return [...byKey.values()];
}

/** The members a batch is about, in a fixed order (locks and writes always go in this order). */
export function membersOf(events: readonly ActivityEvent[]): string[] {
  return [...new Set(events.map((e) => e.memberId))].sort();
}
