import { expect } from 'chai';
import { DEFAULT_CATALOG } from '../src/domain/badge.catalog.js';
import { badgeProgressOf } from '../src/domain/badge.rules.js';
import type { ActivityEvent, GamificationEffect, MemberProgress } from '../src/domain/gamification.records.js';
import { applyMemberEvents, emptyProgress } from '../src/domain/progress.rules.js';
import { progressView } from '../src/domain/progress.view.js';
import { activity, CHILD, FAMILY } from './activity.events.js';

const context = { timeZone: 'Europe/Berlin', catalog: DEFAULT_CATALOG, customBadges: [] };
const champion = DEFAULT_CATALOG.badges.find((b) => b.id === 'chore-champion')!;

/** One approved chore a day from 1 January 2026 (points 0: the default 10 XP each). */
function chores(count: number, from = 0): ActivityEvent[] {
  return Array.from({ length: count }, (_, i) =>
    activity('chore.approved', new Date(Date.UTC(2026, 0, 1 + from + i, 10)).toISOString()),
  );
}

function unlocked(effects: GamificationEffect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'achievement.unlocked' ? [e.achievementId] : []));
}

function run(progress: MemberProgress, events: ActivityEvent[]) {
  return applyMemberEvents(progress, events, context);
}

describe('one-off badges', () => {
  it('unlocks first-chore with the first approved chore, and never again', () => {
    const first = run(emptyProgress(FAMILY, CHILD), chores(1));
    expect(unlocked(first.effects)).to.deep.equal(['first-chore']);
    expect(first.progress.xp).to.equal(10 + 25);
    const second = run(first.progress, chores(1, 1));
    expect(unlocked(second.effects)).to.deep.equal([]);
    expect(first.progress.earned.map((e) => e.achievementId)).to.deep.equal(['first-chore']);
  });

  it('shows a one-off badge not yet earned as 0 / 1', () => {
    const view = badgeProgressOf(
      emptyProgress(FAMILY, CHILD),
      DEFAULT_CATALOG.badges.find((b) => b.id === 'first-goal')!,
    );
    expect(view).to.deep.include({ kind: 'ONE_OFF', complete: false, nextStep: 'earned', current: 0, target: 1 });
  });
});

describe('tiered badges', () => {
  it('unlocks bronze at 10, silver at 50 and gold at 200 chores, and shows the way to the next tier', () => {
    const nine = run(emptyProgress(FAMILY, CHILD), chores(9));
    expect(unlocked(nine.effects)).to.not.include('chore-champion.bronze');
    expect(badgeProgressOf(nine.progress, champion)).to.deep.include({ nextStep: 'bronze', current: 9, target: 10 });

    const ten = run(nine.progress, chores(1, 9));
    expect(unlocked(ten.effects)).to.deep.equal(['chore-champion.bronze']);
    expect(badgeProgressOf(ten.progress, champion)).to.deep.include({ nextStep: 'silver', current: 10, target: 50 });

    const fortyNine = run(ten.progress, chores(39, 10));
    expect(unlocked(fortyNine.effects)).to.not.include('chore-champion.silver');
    expect(badgeProgressOf(fortyNine.progress, champion)).to.deep.include({ current: 49, target: 50 });

    const fifty = run(fortyNine.progress, chores(1, 49));
    expect(unlocked(fifty.effects)).to.include('chore-champion.silver');

    const gold = run(fifty.progress, chores(150, 50));
    expect(unlocked(gold.effects)).to.include('chore-champion.gold');
    const view = badgeProgressOf(gold.progress, champion);
    expect(view).to.deep.include({ complete: true, current: 200, target: 200 });
    expect(view.earned.map((e) => e.step)).to.deep.equal(['bronze', 'silver', 'gold']);
  });

  it('unlocks every tier a late batch reaches at once, lowest first', () => {
    const { effects } = run(emptyProgress(FAMILY, CHILD), chores(60));
    expect(unlocked(effects).filter((id) => id.startsWith('chore-champion'))).to.deep.equal([
      'chore-champion.bronze',
      'chore-champion.silver',
    ]);
  });

  it('ranks the longest streak in tiers too', () => {
    const days = Array.from({ length: 7 }, (_, i) =>
      activity('chore.submitted', new Date(Date.UTC(2026, 1, 2 + i, 9)).toISOString()),
    );
    const { effects } = run(emptyProgress(FAMILY, CHILD), days);
    expect(unlocked(effects)).to.deep.equal(['streak-star.bronze']);
  });
});

describe('cumulative ranks', () => {
  it('promotes by lifetime XP and pays no XP for a rank', () => {
    const { progress, effects } = run(emptyProgress(FAMILY, CHILD), [
      activity('chore.approved', '2026-01-05T10:00:00Z', { points: 475 }),
    ]);
    // 475 + 25 (first chore) = 500: Rookie, exactly.
    expect(progress.xp).to.equal(500);
    expect(unlocked(effects)).to.deep.equal(['first-chore', 'xp-rank.rookie']);
    const rank = badgeProgressOf(
      progress,
      DEFAULT_CATALOG.badges.find((b) => b.id === 'xp-rank')!,
    );
    expect(rank).to.deep.include({ kind: 'CUMULATIVE', nextStep: 'rising-star', current: 500, target: 2_000 });
  });
});

describe('badge progress for a member', () => {
  it('lists every badge with current / target and the earned ones newest first', () => {
    const { progress } = run(emptyProgress(FAMILY, CHILD), chores(10));
    const view = progressView(progress, context, new Date('2026-01-10T12:00:00Z'));
    expect(view.earned.map((e) => e.achievementId)).to.deep.equal(['chore-champion.bronze', 'first-chore']);
    const ids = view.badges.map((b) => b.badgeId);
    expect(ids).to.include.members(['first-chore', 'chore-champion', 'super-saver', 'xp-rank', 'weekly-saver']);
    expect(view.badges.find((b) => b.badgeId === 'super-saver')).to.deep.include({ current: 0, target: 5 });
    expect(view).to.deep.include({ level: 2, levelStartXp: 100, nextLevelXp: 250 });
  });
});
