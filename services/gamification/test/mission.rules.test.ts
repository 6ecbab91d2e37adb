import { expect } from 'chai';
import { DEFAULT_CATALOG } from '../src/domain/badge.catalog.js';
import type { GamificationEffect } from '../src/domain/gamification.records.js';
import { applyMemberEvents, emptyProgress } from '../src/domain/progress.rules.js';
import { progressView } from '../src/domain/progress.view.js';
import { activity, CHILD, FAMILY } from './activity.events.js';

const context = { timeZone: 'Europe/Berlin', catalog: DEFAULT_CATALOG, customBadges: [] };

function save(at: string) {
  return activity('goal.contributed', at, { amountMinor: 200 });
}

function completions(effects: GamificationEffect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'mission.completed' ? [`${e.missionId}@${e.periodStart}`] : []));
}

function weeklySaver(at: string, progress: ReturnType<typeof emptyProgress>) {
  return progressView(progress, context, new Date(at)).badges.find((b) => b.badgeId === 'weekly-saver')!;
}

describe('weekly missions', () => {
  it('completes "save three times this week" once, with the third save of the week', () => {
    const { progress, effects } = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [
        save('2026-03-23T08:00:00Z'), // Monday
        save('2026-03-25T08:00:00Z'),
        save('2026-03-27T08:00:00Z'),
        save('2026-03-28T08:00:00Z'), // a fourth save: no second completion
      ],
      context,
    );
    expect(completions(effects)).to.deep.equal(['weekly-saver@2026-03-23']);
    expect(effects.filter((e) => e.kind === 'xp.awarded' && e.reason === 'MISSION')).to.have.length(1);
    expect(progress.missions['weekly-saver']!.completed).to.deep.equal(['2026-03-23']);
  });

  it('counts Sunday 23:30 in the family zone for the old week and Monday 00:10 for the new one', () => {
    const { progress, effects } = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [
        save('2026-03-24T08:00:00Z'),
        save('2026-03-26T08:00:00Z'),
        save('2026-03-29T21:30:00Z'), // 23:30 on Sunday 29 March, CEST (already Sunday evening in UTC too)
        save('2026-03-29T22:10:00Z'), // 00:10 on Monday 30 March in Berlin, still Sunday in UTC
      ],
      context,
    );
    expect(completions(effects)).to.deep.equal(['weekly-saver@2026-03-23']);
    expect(progress.missions['weekly-saver']!.counts).to.deep.equal({ '2026-03-23': 3, '2026-03-30': 1 });
  });

  it('resets at the family’s Monday 00:00, not at midnight UTC', () => {
    const { progress } = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [save('2026-03-23T08:00:00Z'), save('2026-03-25T08:00:00Z'), save('2026-03-27T08:00:00Z')],
      context,
    );
    // 23:59:59 on Sunday in Berlin: still the completed week.
    expect(weeklySaver('2026-03-29T21:59:59Z', progress)).to.deep.include({
      complete: true,
      current: 3,
      target: 3,
      periodStart: '2026-03-23',
      periodEnd: '2026-03-29',
    });
    // 00:00 on Monday in Berlin (22:00 UTC on Sunday): a fresh mission.
    expect(weeklySaver('2026-03-29T22:00:00Z', progress)).to.deep.include({
      complete: false,
      current: 0,
      target: 3,
      periodStart: '2026-03-30',
      timesCompleted: 1,
    });
  });

  it('resets at Monday 00:00 in Tokyo while it is still Sunday in UTC', () => {
    const tokyo = { ...context, timeZone: 'Asia/Tokyo' };
    const { progress } = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [save('2026-03-23T01:00:00Z'), save('2026-03-24T01:00:00Z'), save('2026-03-25T01:00:00Z')],
      tokyo,
    );
    const before = progressView(progress, tokyo, new Date('2026-03-29T14:59:00Z')).badges;
    const after = progressView(progress, tokyo, new Date('2026-03-29T15:00:00Z')).badges;
    expect(before.find((b) => b.badgeId === 'weekly-saver')).to.deep.include({ complete: true, current: 3 });
    expect(after.find((b) => b.badgeId === 'weekly-saver')).to.deep.include({ complete: false, current: 0 });
  });

  it('counts a late save in the week it happened and completes that week', () => {
    const early = applyMemberEvents(
      emptyProgress(FAMILY, CHILD),
      [save('2026-03-23T08:00:00Z'), save('2026-03-24T08:00:00Z'), save('2026-03-31T08:00:00Z')],
      context,
    );
    expect(completions(early.effects)).to.deep.equal([]);
    const late = applyMemberEvents(early.progress, [save('2026-03-26T08:00:00Z')], context);
    expect(completions(late.effects)).to.deep.equal(['weekly-saver@2026-03-23']);
    expect(late.progress.missions['weekly-saver']!.counts['2026-03-30']).to.equal(1);
  });
});

describe('monthly missions', () => {
  it('counts per calendar month in the family zone', () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      activity('chore.approved', new Date(Date.UTC(2026, 3, 1 + i, 10)).toISOString()),
    );
    // The last day of March at 23:30 UTC is already 1 April in Berlin, so it counts for April.
    events.push(activity('chore.approved', '2026-03-31T22:30:00Z'));
    const { progress, effects } = applyMemberEvents(emptyProgress(FAMILY, CHILD), events, context);
    expect(completions(effects)).to.include('monthly-helper@2026-04-01');
    expect(progress.missions['monthly-helper']!.counts).to.deep.equal({ '2026-04-01': 21 });
  });
});
