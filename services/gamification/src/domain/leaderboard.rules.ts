// Family leaderboards for the week (from the family's Monday), the month and all time: activity XP per
// member, dense ranks, ties ordered by who reached the score first. Scores are sums and the latest
// scoring instant, so they come out the same in any delivery order.
import { periodContaining, type Day, type Period } from '@family/service-kit/calendar';
import type {
  GamificationEffect,
  LeaderboardBoard,
  LeaderboardEntry,
  LeaderboardPeriodKind,
  LeaderboardSettings,
} from './gamification.records.js';

export const LEADERBOARD_PERIODS: readonly LeaderboardPeriodKind[] = ['WEEK', 'MONTH', 'ALL'];

/** The calendar period of the board containing `day`; undefined for all time. */
export function leaderboardPeriodOf(kind: LeaderboardPeriodKind, day: Day): Period | undefined {
  return kind === 'ALL' ? undefined : periodContaining(kind, day);
}

/** The key of the board containing `day`: `WEEK:<monday>`, `MONTH:<first day>` or `ALL`. */
export function leaderboardKeyOf(kind: LeaderboardPeriodKind, day: Day): string {
  const period = leaderboardPeriodOf(kind, day);
  return period ? `${kind}:${period.start}` : 'ALL';
}

/** Adds the batch's leaderboard XP to the family's boards, creating the boards it needs. */
export function applyXpToBoards(
  familyId: string,
  boards: readonly LeaderboardBoard[],
  effects: readonly GamificationEffect[],
): LeaderboardBoard[] {
  const byKey = new Map(boards.map((b) => [b.periodKey, { ...b, scores: { ...b.scores } }]));
  for (const effect of effects) {
    if (effect.kind !== 'xp.awarded' || !effect.scoresOnLeaderboard || effect.xp <= 0) continue;
    for (const kind of LEADERBOARD_PERIODS) {
      const periodKey = leaderboardKeyOf(kind, effect.day);
      let board = byKey.get(periodKey);
      if (!board) {
        board = { familyId, periodKey, scores: {} };
        byKey.set(periodKey, board);
      }
      const score = board.scores[effect.memberId];
      board.scores[effect.memberId] = {
        memberId: effect.memberId,
        points: (score?.points ?? 0) + effect.xp,
        reachedAt: score && score.reachedAt > effect.occurredAt ? score.reachedAt : effect.occurredAt,
      };
    }
  }
  return [...byKey.values()];
}

export interface LeaderboardMember {
  memberId: string;
  displayName: string;
}

/**
 * The ranked board for the family's current members: hidden entirely when a parent hid it, without
 * members left out; members with no score yet appear with 0 points, last.
 */
export function rankLeaderboard(
  board: LeaderboardBoard | undefined,
  members: readonly LeaderboardMember[],
  settings: LeaderboardSettings,
): LeaderboardEntry[] {
  if (settings.hidden) return [];
  const excluded = new Set(settings.excludedMemberIds);
  const rows = members
    .filter((m) => !excluded.has(m.memberId))
    .map((m) => ({ member: m, score: board?.scores[m.memberId] }));
  rows.sort((a, b) => {
    const byPoints = (b.score?.points ?? 0) - (a.score?.points ?? 0);
    if (byPoints !== 0) return byPoints;
    if (a.score && b.score) {
      const byTime = a.score.reachedAt.getTime() - b.score.reachedAt.getTime();
      if (byTime !== 0) return byTime;
    } else if (a.score || b.score) {
      return a.score ? -1 : 1;
    }
    return a.member.displayName.localeCompare(b.member.displayName) || compare(a.member.memberId, b.member.memberId);
  });
  let rank = 0;
  let previous: number | undefined;
  return rows.map(({ member, score }) => {
    const points = score?.points ?? 0;
    if (points !== previous) {
      rank += 1;
      previous = points;
    }
    return {
      rank,
      memberId: member.memberId,
      displayName: member.displayName,
      points,
      ...(score ? { reachedAt: score.reachedAt } : {}),
    };
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
