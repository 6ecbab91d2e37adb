import { expect } from 'chai';
import type { GamificationEffect, LeaderboardBoard } from '../src/domain/gamification.records.js';
import { applyXpToBoards, leaderboardKeyOf, rankLeaderboard } from '../src/domain/leaderboard.rules.js';
import { FAMILY } from './activity.events.js';

const members = [
  { memberId: 'm-ada', displayName: 'Ada' },
  { memberId: 'm-ben', displayName: 'Ben' },
  { memberId: 'm-cai', displayName: 'Cai' },
  { memberId: 'm-dot', displayName: 'Dot' },
  { memberId: 'm-eve', displayName: 'Eve' },
];
const visible = { hidden: false, excludedMemberIds: [] };

function xp(memberId: string, points: number, at: string, day: string, scoresOnLeaderboard = true): GamificationEffect {
  return {
    kind: 'xp.awarded',
    memberId,
    eventId: `${memberId}-${at}`,
    xp: points,
    reason: scoresOnLeaderboard ? 'CHORE_APPROVED' : 'BADGE',
    day,
    occurredAt: new Date(at),
    scoresOnLeaderboard,
  };
}

function board(boards: LeaderboardBoard[], key: string): LeaderboardBoard | undefined {
  return boards.find((b) => b.periodKey === key);
}

describe('leaderboards', () => {
  const effects = [
    xp('m-ben', 100, '2026-03-24T10:00:00Z', '2026-03-24'),
    xp('m-ada', 60, '2026-03-23T10:00:00Z', '2026-03-23'),
    xp('m-ada', 40, '2026-03-25T10:00:00Z', '2026-03-25'), // Ada reaches 100 after Ben did
    xp('m-cai', 80, '2026-03-24T11:00:00Z', '2026-03-24'),
    xp('m-dot', 80, '2026-03-24T09:00:00Z', '2026-03-24'), // Dot reaches 80 before Cai
  ];
  const boards = applyXpToBoards(FAMILY, [], effects);
  const week = board(boards, 'WEEK:2026-03-23');

  it('ranks densely: equal points share a rank and the next rank follows on', () => {
    const entries = rankLeaderboard(week, members, visible);
    expect(entries.map((e) => [e.rank, e.displayName, e.points])).to.deep.equal([
      [1, 'Ben', 100],
      [1, 'Ada', 100],
      [2, 'Dot', 80],
      [2, 'Cai', 80],
      [3, 'Eve', 0],
    ]);
  });

  it('orders a tie by who reached the score first', () => {
    const entries = rankLeaderboard(week, members, visible);
    expect(entries[0]!.reachedAt!.toISOString()).to.equal('2026-03-24T10:00:00.000Z');
    expect(entries[1]!.reachedAt!.toISOString()).to.equal('2026-03-25T10:00:00.000Z');
  });

  it('leaves out members a parent excluded, and shows nothing when the family hid it', () => {
    const entries = rankLeaderboard(week, members, { hidden: false, excludedMemberIds: ['m-ben', 'm-eve'] });
    expect(entries.map((e) => [e.rank, e.displayName])).to.deep.equal([
      [1, 'Ada'],
      [2, 'Dot'],
      [2, 'Cai'],
    ]);
    expect(rankLeaderboard(week, members, { hidden: true, excludedMemberIds: [] })).to.deep.equal([]);
  });

  it('keeps week, month and all-time boards, the week starting on Monday in the family zone', () => {
    expect(leaderboardKeyOf('WEEK', '2026-03-29')).to.equal('WEEK:2026-03-23'); // Sunday
    expect(leaderboardKeyOf('WEEK', '2026-03-30')).to.equal('WEEK:2026-03-30'); // Monday
    expect(leaderboardKeyOf('MONTH', '2026-03-30')).to.equal('MONTH:2026-03-01');
    const more = applyXpToBoards(FAMILY, boards, [xp('m-eve', 50, '2026-03-29T22:10:00Z', '2026-03-30')]);
    expect(board(more, 'WEEK:2026-03-23')!.scores['m-eve']).to.equal(undefined);
    expect(board(more, 'WEEK:2026-03-30')!.scores['m-eve']!.points).to.equal(50);
    expect(board(more, 'MONTH:2026-03-01')!.scores['m-eve']!.points).to.equal(50);
    expect(board(more, 'ALL')!.scores['m-ada']!.points).to.equal(100);
  });

  it('ranks activity only: bonus XP from badges counts toward levels, not the board', () => {
    const withBonus = applyXpToBoards(FAMILY, boards, [xp('m-eve', 200, '2026-03-26T10:00:00Z', '2026-03-26', false)]);
    expect(board(withBonus, 'WEEK:2026-03-23')!.scores['m-eve']).to.equal(undefined);
  });

  it('gives the same board whatever order the XP arrives in', () => {
    const oneByOne = [...effects]
      .reverse()
      .reduce<LeaderboardBoard[]>((acc, e) => applyXpToBoards(FAMILY, acc, [e]), []);
    const sortByKey = (list: LeaderboardBoard[]) => [...list].sort((a, b) => a.periodKey.localeCompare(b.periodKey));
    expect(sortByKey(oneByOne)).to.deep.equal(sortByKey(boards));
  });
});
