import { expect } from 'chai';
import { addDays, type Day } from '@family/service-kit/calendar';
import { DEFAULT_CATALOG } from '../src/domain/badge.catalog.js';
import type { ActivityEvent, GamificationEffect } from '../src/domain/gamification.records.js';
import { applyMemberEvents, emptyProgress } from '../src/domain/progress.rules.js';
import {
  emptyStreak,
  recordActiveDays,
  streakAsOf,
  streakFromRuns,
  withActiveDay,
} from '../src/domain/streak.rules.js';
import { activity, CHILD, FAMILY, shuffled } from './activity.events.js';

function apply(timeZone: string, events: ActivityEvent[]) {
  return applyMemberEvents(emptyProgress(FAMILY, CHILD), events, {
    timeZone,
    catalog: DEFAULT_CATALOG,
    customBadges: [],
  });
}

function activeOn(days: Day[]) {
  return days.reduce((streak, day) => recordActiveDays(streak, [day], CHILD, `e-${day}`).streak, emptyStreak());
}

function consecutive(from: Day, count: number): Day[] {
  return Array.from({ length: count }, (_, i) => addDays(from, i));
}

function kinds(effects: GamificationEffect[]): string[] {
  return effects.map((e) => e.kind);
}

describe('streaks in the family time zone', () => {
  it('counts the 23-hour day when Berlin springs forward (last Sunday of March) as one day', () => {
    // 00:30 on Sunday 29 March (CET, +1) and 00:30 on Monday 30 March (CEST, +2): 23 hours apart.
    const { progress } = apply('Europe/Berlin', [
      activity('chore.submitted', '2026-03-28T23:30:00Z'),
      activity('chore.submitted', '2026-03-29T22:30:00Z'),
    ]);
    expect(progress.streak.activeRuns).to.deep.equal([{ start: '2026-03-29', end: '2026-03-30' }]);
    expect(progress.streak.current).to.equal(2);
  });

  it('counts the 25-hour day when Berlin falls back (last Sunday of October) as one day', () => {
    // 23:30 on Saturday 24 October (CEST) and 23:30 on Sunday 25 October (CET): 25 hours apart.
    const { progress } = apply('Europe/Berlin', [
      activity('goal.contributed', '2026-10-24T21:30:00Z', { amountMinor: 100 }),
      activity('goal.contributed', '2026-10-25T22:30:00Z', { amountMinor: 100 }),
      activity('goal.contributed', '2026-10-26T22:30:00Z', { amountMinor: 100 }),
    ]);
    expect(progress.streak.activeRuns).to.deep.equal([{ start: '2026-10-24', end: '2026-10-26' }]);
    expect(progress.streak.current).to.equal(3);
  });

  it('misses the Berlin fall-back Sunday when nothing happened on it, even across 25 hours', () => {
    // 23:59 on Saturday 24 October (CEST), then 00:01 on Monday 26 October (CET).
    const { progress } = apply('Europe/Berlin', [
      activity('chore.submitted', '2026-10-24T21:59:00Z'),
      activity('chore.submitted', '2026-10-25T23:01:00Z'),
    ]);
    expect(progress.streak.activeRuns).to.deep.equal([
      { start: '2026-10-24', end: '2026-10-24' },
      { start: '2026-10-26', end: '2026-10-26' },
    ]);
    expect(progress.streak.current).to.equal(1);
  });

  it('keeps a New York streak across both daylight-saving changes', () => {
    const spring = apply('America/New_York', [
      activity('chore.submitted', '2026-03-08T04:30:00Z'), // 23:30 Sat 7 March, EST
      activity('chore.submitted', '2026-03-09T03:30:00Z'), // 23:30 Sun 8 March, EDT
      activity('chore.submitted', '2026-03-10T03:30:00Z'), // 23:30 Mon 9 March, EDT
    ]);
    expect(spring.progress.streak.activeRuns).to.deep.equal([{ start: '2026-03-07', end: '2026-03-09' }]);
    const autumn = apply('America/New_York', [
      activity('chore.submitted', '2026-11-01T03:30:00Z'), // 23:30 Sat 31 October, EDT
      activity('chore.submitted', '2026-11-02T04:30:00Z'), // 23:30 Sun 1 November, EST
    ]);
    expect(autumn.progress.streak.activeRuns).to.deep.equal([{ start: '2026-10-31', end: '2026-11-01' }]);
    expect(autumn.progress.streak.current).to.equal(2);
  });

  it('counts an event at 23:30 UTC for the next day in Asia/Tokyo', () => {
    const events = [
      activity('chore.submitted', '2026-05-04T23:30:00Z'),
      activity('chore.submitted', '2026-05-05T12:00:00Z'),
    ];
    const tokyo = apply('Asia/Tokyo', events);
    expect(tokyo.progress.streak.activeRuns).to.deep.equal([{ start: '2026-05-05', end: '2026-05-05' }]);
    expect(tokyo.progress.streak.current).to.equal(1);
    const utc = apply('UTC', events);
    expect(utc.progress.streak.activeRuns).to.deep.equal([{ start: '2026-05-04', end: '2026-05-05' }]);
    expect(utc.progress.streak.current).to.equal(2);
  });

  it('keeps current and longest apart after a fresh start', () => {
    const streak = activeOn([...consecutive('2026-01-01', 5), ...consecutive('2026-01-20', 2)]);
    expect(streak.current).to.equal(2);
    expect(streak.longest).to.equal(5);
    expect(streak.startedOn).to.equal('2026-01-20');
    expect(streak.lastActiveOn).to.equal('2026-01-21');
  });

  it('does not let a parent approving a chore or an allowance payment keep a streak', () => {
    const { progress } = apply('Europe/Berlin', [
      activity('chore.approved', '2026-02-02T10:00:00Z', { points: 10 }),
      activity('allowance.paid', '2026-02-03T10:00:00Z', { amountMinor: 500, saveMinor: 100 }),
    ]);
    expect(progress.streak.current).to.equal(0);
    expect(progress.streak.activeRuns).to.deep.equal([]);
  });
});

describe('streak freezes', () => {
  it('earns a freeze on the seventh day of a streak', () => {
    const six = activeOn(consecutive('2026-02-01', 6));
    expect(six.freezesHeld).to.equal(0);
    const seventh = recordActiveDays(six, ['2026-02-07'], CHILD, 'e7');
    expect(seventh.streak.freezesHeld).to.equal(1);
    expect(seventh.effects).to.deep.include({ kind: 'streak.freeze_earned', memberId: CHILD, held: 1 });
    expect(seventh.effects).to.deep.include({ kind: 'streak.milestone', memberId: CHILD, days: 7, eventId: 'e7' });
  });

  it('spends a freeze on a missed day automatically, and the streak goes on', () => {
    const week = activeOn(consecutive('2026-02-01', 7));
    const after = recordActiveDays(week, ['2026-02-09'], CHILD, 'e9'); // 8 February missed
    expect(after.streak.current).to.equal(8);
    expect(after.streak.startedOn).to.equal('2026-02-01');
    expect(after.streak.freezesHeld).to.equal(0);
    expect(after.streak.frozenDays).to.deep.equal(['2026-02-08']);
    expect(after.effects).to.deep.equal([{ kind: 'streak.freeze_used', memberId: CHILD, day: '2026-02-08' }]);
  });

  it('holds at most two freezes however long the streak', () => {
    const streak = activeOn(consecutive('2026-03-01', 28));
    expect(streak.current).to.equal(28);
    expect(streak.freezesHeld).to.equal(2);
    expect(streak.freezesEarned).to.equal(2);
  });

  it('earns a freeze again once one has been spent', () => {
    // 14 days (2 freezes), one missed day (1 left), 7 more active days reach 21: back to 2.
    const streak = activeOn([...consecutive('2026-03-01', 14), ...consecutive('2026-03-16', 7)]);
    expect(streak.current).to.equal(21);
    expect(streak.frozenDays).to.deep.equal(['2026-03-15']);
    expect(streak.freezesHeld).to.equal(2);
    expect(streak.freezesEarned).to.equal(3);
  });

  it('covers two missed days with two freezes', () => {
    const streak = activeOn([...consecutive('2026-03-01', 14), '2026-03-17']);
    expect(streak.current).to.equal(15);
    expect(streak.frozenDays).to.deep.equal(['2026-03-15', '2026-03-16']);
    expect(streak.freezesHeld).to.equal(0);
  });

  it('reports a broken streak kindly, keeps the freezes and takes nothing away', () => {
    const events = consecutive('2026-03-01', 14).map((day) => activity('chore.submitted', `${day}T09:00:00Z`));
    const before = apply('UTC', events);
    const late = activity('chore.submitted', '2026-03-18T09:00:00Z'); // 15, 16 and 17 missed: 3 > 2 freezes
    const after = applyMemberEvents(before.progress, [late], {
      timeZone: 'UTC',
      catalog: DEFAULT_CATALOG,
      customBadges: [],
    });
    expect(after.effects).to.deep.equal([
      {
        kind: 'streak.broken',
        memberId: CHILD,
        previousDays: 14,
        restartedOn: '2026-03-18',
        messageKey: 'streak.fresh_start',
      },
    ]);
    expect(after.progress.streak.current).to.equal(1);
    expect(after.progress.streak.longest).to.equal(14);
    expect(after.progress.streak.freezesHeld).to.equal(2);
    expect(after.progress.xp).to.equal(before.progress.xp);
    expect(after.progress.earned).to.deep.equal(before.progress.earned);
  });

  it('shows the streak alive with freezes pending while days are missed, then over', () => {
    const streak = activeOn(consecutive('2026-02-01', 7)); // one freeze held, last active 7 February
    expect(streakAsOf(streak, '2026-02-07')).to.include({ current: 7, activeToday: true, atRisk: false });
    expect(streakAsOf(streak, '2026-02-08')).to.include({
      current: 7,
      activeToday: false,
      atRisk: true,
      freezesHeld: 1,
    });
    expect(streakAsOf(streak, '2026-02-09')).to.include({ current: 7, atRisk: true, freezesHeld: 0 });
    expect(streakAsOf(streak, '2026-02-10')).to.include({ current: 0, longest: 7, atRisk: false });
  });
});

describe('streaks with events arriving late', () => {
  it('mends a gap when the event for the missed day arrives afterwards', () => {
    const withGap = activeOn(['2026-04-01', '2026-04-02', '2026-04-04']);
    expect(withGap.current).to.equal(1);
    const mended = recordActiveDays(withGap, ['2026-04-03'], CHILD, 'late');
    expect(mended.streak.activeRuns).to.deep.equal([{ start: '2026-04-01', end: '2026-04-04' }]);
    expect(mended.streak.current).to.equal(4);
    expect(mended.effects.filter((e) => e.kind === 'streak.broken')).to.deep.equal([]);
  });

  it('gives the same streak for any order the days arrive in', () => {
    const days = [
      ...consecutive('2026-01-01', 9),
      '2026-01-11',
      ...consecutive('2026-01-13', 10),
      ...consecutive('2026-01-27', 3),
      '2026-01-31',
    ];
    const inOrder = activeOn(days);
    for (const seed of [1, 7, 42, 1234]) expect(activeOn(shuffled(days, seed))).to.deep.equal(inOrder);
    expect(inOrder).to.deep.equal(streakFromRuns(days.reduce(withActiveDay, [] as ReturnType<typeof withActiveDay>)));
  });

  it('counts a repeated day once', () => {
    const streak = activeOn(['2026-04-01', '2026-04-01', '2026-04-02']);
    expect(streak.current).to.equal(2);
    expect(kinds(recordActiveDays(streak, ['2026-04-02'], CHILD, 'again').effects)).to.deep.equal([]);
  });
});
