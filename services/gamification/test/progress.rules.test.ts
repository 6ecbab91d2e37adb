import { expect } from 'chai';
import { DEFAULT_CATALOG } from '../src/domain/badge.catalog.js';
import type {
  ActivityEvent,
  CustomBadge,
  GamificationEffect,
  LeaderboardBoard,
  MemberProgress,
} from '../src/domain/gamification.records.js';
import { applyXpToBoards } from '../src/domain/leaderboard.rules.js';
import { applyMemberEvents, emptyProgress, type ProgressContext } from '../src/domain/progress.rules.js';
import { activity, CHILD, FAMILY, shuffled } from './activity.events.js';

const badge: CustomBadge = {
  id: 'badge-goal',
  familyId: FAMILY,
  title: 'Bike fund',
  description: 'Save for the bike four times',
  icon: 'bike',
  eventType: 'goal.contributed',
  count: 4,
  period: 'ALL',
  goalId: 'goal-bike',
  memberIds: [],
  reward: { amountMinor: 200, currency: 'EUR' },
  xp: 25,
  createdAt: new Date('2026-03-01T00:00:00Z'),
};
const context: ProgressContext = { timeZone: 'Europe/Berlin', catalog: DEFAULT_CATALOG, customBadges: [badge] };

/** Three weeks of a child's life around the March clock change, with a missed day and a busy saving day. */
function history(): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  for (let day = 16; day <= 31; day += 1) {
    if (day === 24) continue; // a missed Tuesday after a week's streak: a freeze covers it
    const date = `2026-03-${String(day).padStart(2, '0')}`;
    events.push(activity('chore.submitted', `${date}T15:00:00Z`));
    events.push(activity('chore.approved', `${date}T18:00:00Z`, { points: 15 + (day % 4) * 5 }));
  }
  // Four saves on Monday 23 March: only three earn XP, all four count for badges and missions.
  for (const hour of ['07', '09', '11', '13']) {
    events.push(activity('goal.contributed', `2026-03-23T${hour}:00:00Z`, { amountMinor: 300, goalId: 'goal-bike' }));
  }
  events.push(activity('goal.contributed', '2026-03-29T21:30:00Z', { amountMinor: 500, goalId: 'goal-other' })); // Sunday 23:30
  events.push(activity('goal.achieved', '2026-03-25T10:00:00Z', { goalId: 'goal-bike' }));
  events.push(activity('allowance.paid', '2026-03-30T05:00:00Z', { amountMinor: 1_000, saveMinor: 400 }));
  events.push(activity('spending_limit.week_kept', '2026-03-22T11:00:00Z'));
  events.push(activity('expense.created', '2026-03-27T12:00:00Z', { amountMinor: 250, categoryId: 'toys' }));
  return events;
}

interface Outcome {
  progress: MemberProgress;
  effects: GamificationEffect[];
}

function applyInBatches(events: ActivityEvent[], size: number): Outcome {
  let progress = emptyProgress(FAMILY, CHILD);
  const effects: GamificationEffect[] = [];
  for (let i = 0; i < events.length; i += size) {
    const step = applyMemberEvents(progress, events.slice(i, i + size), context);
    progress = step.progress;
    effects.push(...step.effects);
  }
  return { progress, effects };
}

/** What must not depend on delivery order: totals, the streak, badges earned, boards. */
function totals({ progress, effects }: Outcome) {
  const boards = applyXpToBoards(FAMILY, [], effects)
    .map((b: LeaderboardBoard) => ({ key: b.periodKey, points: b.scores[CHILD]!.points }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const of = (kind: GamificationEffect['kind']) =>
    effects
      .filter((e) => e.kind === kind)
      .map((e) => JSON.stringify({ ...e, eventId: undefined, occurredAt: undefined, day: undefined }))
      .filter((e) => kind !== 'xp.awarded' || !e.includes('GOAL_CONTRIBUTED'));
  return {
    xp: progress.xp,
    level: progress.level,
    levelAnnounced: progress.levelAnnounced,
    counts: progress.counts,
    savingXpDays: progress.savingXpDays,
    streak: progress.streak,
    missions: progress.missions,
    earned: progress.earned.map((e) => e.achievementId).sort(),
    customBadgeEarned: progress.customBadges[badge.id]?.earnedAt !== undefined,
    boards,
    levelsReached: of('level.reached').sort(),
    unlocked: of('achievement.unlocked').sort(),
    missionsCompleted: of('mission.completed').sort(),
    payouts: of('reward.payout'),
  };
}

describe('progress from a batch of events', () => {
  it('gives the same totals, streak, badges and boards for any delivery order', () => {
    const events = history();
    const inOrder = totals(applyInBatches(events, events.length));
    expect(inOrder.xp).to.be.greaterThan(700);
    expect(inOrder.streak.current).to.equal(15);
    expect(inOrder.streak.frozenDays).to.deep.equal(['2026-03-24']);
    expect(inOrder.savingXpDays).to.deep.equal({ '2026-03-23': 3, '2026-03-29': 1 });
    expect(inOrder.customBadgeEarned).to.equal(true);
    expect(inOrder.payouts).to.have.length(1);
    expect(inOrder.unlocked.length).to.be.greaterThan(3);

    expect(totals(applyInBatches([...events].reverse(), 1))).to.deep.equal(inOrder);
    for (const seed of [5, 17, 2026]) {
      expect(totals(applyInBatches(shuffled(events, seed), 4))).to.deep.equal(inOrder);
      expect(totals(applyInBatches(shuffled(events, seed), 1))).to.deep.equal(inOrder);
    }
  });

  it('ignores events about another member or another family', () => {
    const { progress, effects } = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [
        activity('chore.approved', '2026-03-02T10:00:00Z', { memberId: 'member-sibling' }),
        activity('chore.approved', '2026-03-02T10:00:00Z', { familyId: 'family-2' }),
      ],
      context,
    );
    expect(progress).to.deep.equal(emptyProgress(FAMILY, CHILD));
    expect(effects).to.deep.equal([]);
  });

  it('does not change the progress it was given', () => {
    const start = emptyProgress(FAMILY, CHILD);
    applyMemberEvents(start, history(), context);
    expect(start).to.deep.equal(emptyProgress(FAMILY, CHILD));
  });

  it('forgets saving-cap days and mission weeks long past, keeping what was earned', () => {
    const early = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [1, 2, 3].map((d) => activity('goal.contributed', `2026-01-0${d + 4}T10:00:00Z`, { amountMinor: 100 })),
      context,
    );
    const later = applyMemberEvents(
      early.progress,
      [activity('goal.contributed', '2026-04-01T10:00:00Z', { amountMinor: 100 })],
      context,
    );
    expect(Object.keys(later.progress.savingXpDays)).to.deep.equal(['2026-04-01']);
    expect(later.progress.missions['weekly-saver']).to.deep.equal({
      counts: { '2026-03-30': 1 },
      completed: ['2026-01-05'],
    });
  });
});
