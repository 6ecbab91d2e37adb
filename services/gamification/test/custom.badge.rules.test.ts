import { expect } from 'chai';
import { DEFAULT_CATALOG } from '../src/domain/badge.catalog.js';
import { customBadgeViolations } from '../src/domain/custom.badge.rules.js';
import type { CustomBadge, GamificationEffect } from '../src/domain/gamification.records.js';
import { applyMemberEvents, emptyProgress } from '../src/domain/progress.rules.js';
import { progressView } from '../src/domain/progress.view.js';
import { activity, CHILD, FAMILY } from './activity.events.js';

const threeChoresAWeek: CustomBadge = {
  id: 'badge-1',
  familyId: FAMILY,
  title: 'Helping hand',
  description: 'Three chores in one week',
  icon: 'star',
  eventType: 'chore.approved',
  count: 3,
  period: 'WEEK',
  memberIds: [],
  reward: { amountMinor: 200, currency: 'EUR' },
  xp: 25,
  createdAt: new Date('2026-03-01T00:00:00Z'),
};

function contextWith(...customBadges: CustomBadge[]) {
  return { timeZone: 'Europe/Berlin', catalog: DEFAULT_CATALOG, customBadges };
}

function payouts(effects: GamificationEffect[]) {
  return effects.filter((e) => e.kind === 'reward.payout');
}

describe('parent-made badges', () => {
  it('is earned when one week holds the count, and pays its reward exactly once', () => {
    const context = contextWith(threeChoresAWeek);
    const first = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [
        activity('chore.approved', '2026-03-02T10:00:00Z'),
        activity('chore.approved', '2026-03-03T10:00:00Z'),
        activity('chore.approved', '2026-03-09T10:00:00Z'), // next week: the first week holds only two
      ],
      context,
    );
    expect(payouts(first.effects)).to.deep.equal([]);
    const view = progressView(first.progress, context, new Date('2026-03-09T12:00:00Z'));
    expect(view.badges.find((b) => b.badgeId === 'badge-1')).to.deep.include({ current: 1, target: 3 });

    const second = applyMemberEvents(
      first.progress,
      [activity('chore.approved', '2026-03-10T10:00:00Z'), activity('chore.approved', '2026-03-11T10:00:00Z')],
      context,
    );
    expect(payouts(second.effects)).to.deep.equal([
      {
        kind: 'reward.payout',
        memberId: CHILD,
        badgeId: 'badge-1',
        amountMinor: 200,
        currency: 'EUR',
        payoutKey: `custom-badge:badge-1:${CHILD}`,
      },
    ]);
    expect(second.effects.filter((e) => e.kind === 'achievement.unlocked').map((e) => e.achievementId)).to.include(
      'custom.badge-1',
    );

    const third = applyMemberEvents(
      second.progress,
      [1, 2, 3].map((d) => activity('chore.approved', `2026-03-1${d + 5}T10:00:00Z`)),
      context,
    );
    expect(payouts(third.effects)).to.deep.equal([]);
    expect(third.progress.earned.filter((e) => e.badgeId === 'badge-1')).to.have.length(1);
  });

  it('counts only events after it was made, of the chosen category, by the chosen members', () => {
    const groceries: CustomBadge = {
      ...threeChoresAWeek,
      id: 'badge-2',
      eventType: 'expense.created',
      count: 2,
      period: 'ALL',
      categoryId: 'groceries',
      memberIds: [CHILD],
      createdAt: new Date('2026-03-05T00:00:00Z'),
    };
    const context = contextWith(groceries);
    const { progress, effects } = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [
        activity('expense.created', '2026-03-04T10:00:00Z', { categoryId: 'groceries' }), // before it existed
        activity('expense.created', '2026-03-06T10:00:00Z', { categoryId: 'toys' }),
        activity('expense.created', '2026-03-07T10:00:00Z', { categoryId: 'groceries' }),
      ],
      context,
    );
    expect(payouts(effects)).to.deep.equal([]);
    expect(progress.customBadges['badge-2']!.counts).to.deep.equal({ ALL: 1 });

    const sibling = applyMemberEvents(
      emptyProgress(FAMILY, 'member-sibling'),
      [1, 2].map((d) =>
        activity('expense.created', `2026-03-1${d}T10:00:00Z`, { categoryId: 'groceries', memberId: 'member-sibling' }),
      ),
      context,
    );
    expect(payouts(sibling.effects)).to.deep.equal([]);
  });

  it('names every field a parent got wrong', () => {
    const violations = customBadgeViolations({
      title: '',
      eventType: 'jar.spent',
      count: 0,
      period: 'WEEK',
      goalId: 'goal-1',
      reward: { amountMinor: 1.5, currency: 'euro' },
      xp: 1_000,
    });
    expect(violations.map((v) => v.field)).to.deep.equal([
      'title',
      'eventType',
      'count',
      'goalId',
      'reward.amountMinor',
      'reward.currency',
      'xp',
    ]);
    expect(customBadgeViolations(threeChoresAWeek)).to.deep.equal([]);
  });
});
