import { expect } from 'chai';
import { DEFAULT_CATALOG } from '../src/domain/badge.catalog.js';
import type { ActivityEvent, GamificationEffect } from '../src/domain/gamification.records.js';
import { levelBand, levelForXp, levelsToAnnounce, MAX_LEVEL, xpForLevel } from '../src/domain/level.curve.js';
import { applyMemberEvents, emptyProgress } from '../src/domain/progress.rules.js';
import { activityXp } from '../src/domain/xp.rules.js';
import { activity, CHILD, FAMILY } from './activity.events.js';

const context = { timeZone: 'Europe/Berlin', catalog: DEFAULT_CATALOG, customBadges: [] };

function levelsIn(effects: GamificationEffect[]): number[] {
  return effects.flatMap((e) => (e.kind === 'level.reached' ? [e.level] : []));
}

function xpOf(event: ActivityEvent, savedToday = 0): number | undefined {
  return activityXp(event, savedToday)?.xp;
}

describe('XP from activity', () => {
  it('gives an approved chore its points, a default for none, and a cap for too many', () => {
    expect(xpOf(activity('chore.approved', '2026-01-05T10:00:00Z', { points: 35 }))).to.equal(35);
    expect(xpOf(activity('chore.approved', '2026-01-05T10:00:00Z', { points: 0 }))).to.equal(10);
    expect(xpOf(activity('chore.approved', '2026-01-05T10:00:00Z'))).to.equal(10);
    expect(xpOf(activity('chore.approved', '2026-01-05T10:00:00Z', { points: 9_999 }))).to.equal(500);
  });

  it('gives the same XP for saving a small or a large amount, three times a day at most', () => {
    expect(xpOf(activity('goal.contributed', '2026-01-05T10:00:00Z', { amountMinor: 1 }))).to.equal(10);
    expect(xpOf(activity('goal.contributed', '2026-01-05T10:00:00Z', { amountMinor: 50_000 }))).to.equal(10);
    expect(xpOf(activity('goal.contributed', '2026-01-05T10:00:00Z', { amountMinor: 100 }), 3)).to.equal(undefined);
    expect(xpOf(activity('goal.contributed', '2026-01-05T10:00:00Z', { amountMinor: 0 }))).to.equal(undefined);
  });

  it('rewards a goal reached, the saved share of an allowance and a week within the limit', () => {
    expect(xpOf(activity('goal.achieved', '2026-01-05T10:00:00Z'))).to.equal(100);
    expect(xpOf(activity('allowance.paid', '2026-01-05T10:00:00Z', { amountMinor: 500, saveMinor: 500 }))).to.equal(20);
    expect(xpOf(activity('allowance.paid', '2026-01-05T10:00:00Z', { amountMinor: 500, saveMinor: 250 }))).to.equal(10);
    expect(xpOf(activity('allowance.paid', '2026-01-05T10:00:00Z', { amountMinor: 500, saveMinor: 0 }))).to.equal(
      undefined,
    );
    expect(xpOf(activity('spending_limit.week_kept', '2026-01-05T10:00:00Z'))).to.equal(30);
  });

  it('never pays XP for spending or for going over a limit', () => {
    for (const type of ['expense.created', 'jar.spent', 'spending_limit.exceeded', 'chore.submitted'] as const) {
      expect(xpOf(activity(type, '2026-01-05T10:00:00Z', { amountMinor: 1_000 }))).to.equal(undefined);
    }
  });

  it('caps saving XP per day of the family zone, not per UTC day', () => {
    // Four contributions on Monday 5 January in Berlin; the first one is still Sunday 4 January in UTC.
    const events = ['2026-01-04T23:30:00Z', '2026-01-05T08:00:00Z', '2026-01-05T12:00:00Z', '2026-01-05T18:00:00Z'].map(
      (at) => activity('goal.contributed', at, { amountMinor: 100 }),
    );
    const { progress, effects } = applyMemberEvents(emptyProgress(FAMILY, CHILD), events, context);
    const saving = effects.filter((e) => e.kind === 'xp.awarded' && e.reason === 'GOAL_CONTRIBUTED');
    expect(saving).to.have.length(3);
    expect(progress.savingXpDays).to.deep.equal({ '2026-01-05': 3 });
  });
});

describe('the level curve', () => {
  it('grows gently: each level needs 50 XP more than the one before', () => {
    expect([1, 2, 3, 4, 5, 10, 20].map(xpForLevel)).to.deep.equal([0, 100, 250, 450, 700, 2_700, 10_450]);
    for (let n = 2; n < 30; n += 1) {
      expect(xpForLevel(n + 1) - xpForLevel(n) - (xpForLevel(n) - xpForLevel(n - 1))).to.equal(50);
    }
  });

  it('places XP on a level band', () => {
    expect(levelForXp(0)).to.equal(1);
    expect(levelForXp(99)).to.equal(1);
    expect(levelForXp(100)).to.equal(2);
    expect(levelBand(260)).to.deep.equal({ level: 3, levelStartXp: 250, nextLevelXp: 450 });
    expect(levelForXp(Number.MAX_SAFE_INTEGER)).to.equal(MAX_LEVEL);
  });

  it('announces every level passed, lowest first, and none twice', () => {
    expect(levelsToAnnounce(1, 720)).to.deep.equal([2, 3, 4, 5]);
    expect(levelsToAnnounce(5, 720)).to.deep.equal([]);
    expect(levelsToAnnounce(3, 99)).to.deep.equal([]);
  });
});

describe('level.reached', () => {
  it('is emitted once for each level when one chore jumps several levels', () => {
    // 500 points → level 4 (450), plus 25 for the first-chore badge → 525, still level 4.
    const first = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [activity('chore.approved', '2026-01-05T10:00:00Z', { points: 500 })],
      context,
    );
    expect(first.progress.xp).to.equal(525);
    expect(first.progress.level).to.equal(4);
    expect(levelsIn(first.effects)).to.deep.equal([2, 3, 4]);

    const next = applyMemberEvents(
      first.progress,
      [activity('chore.approved', '2026-01-06T10:00:00Z', { points: 20 })],
      context,
    );
    expect(next.progress.xp).to.equal(545);
    expect(levelsIn(next.effects)).to.deep.equal([]);

    const fifth = applyMemberEvents(
      next.progress,
      [activity('chore.approved', '2026-01-07T10:00:00Z', { points: 200 })],
      context,
    );
    expect(levelsIn(fifth.effects)).to.deep.equal([5]);
  });

  it('is emitted once per level when a batch of events passes several', () => {
    const events = Array.from({ length: 10 }, (_, i) =>
      activity('chore.approved', `2026-01-${String(5 + i).padStart(2, '0')}T10:00:00Z`, { points: 40 }),
    );
    const { progress, effects } = applyMemberEvents(emptyProgress(FAMILY, CHILD), events, context);
    // 400 from chores + 25 first chore + 30 for five chores in the week of Monday 5 January
    // + 50 chore champion bronze at the tenth.
    expect(progress.xp).to.equal(505);
    expect(levelsIn(effects)).to.deep.equal([2, 3, 4]);
    expect(progress.levelAnnounced).to.equal(4);
  });
});
