import { expect } from 'chai';
import type { Quest } from '../src/domain/gamification.records.js';
import { applyQuestEvents, questStatus, questViolations } from '../src/domain/quest.rules.js';
import { activity, CHILD, FAMILY, shuffled } from './activity.events.js';

const SIBLING = 'member-sibling';
const TODDLER = 'member-toddler';

const twentyChores: Quest = {
  id: 'quest-1',
  familyId: FAMILY,
  title: '20 chores together this month',
  description: '',
  measure: 'COUNT',
  eventType: 'chore.approved',
  target: 20,
  memberIds: [CHILD, SIBLING],
  startsOn: '2026-04-01',
  endsOn: '2026-04-30',
  progress: 0,
  contributions: {},
  createdAt: new Date('2026-03-31T20:00:00Z'),
};

function choresBy(memberId: string, count: number, fromDay: number) {
  return Array.from({ length: count }, (_, i) =>
    activity('chore.approved', new Date(Date.UTC(2026, 3, fromDay + i, 10)).toISOString(), { memberId }),
  );
}

describe('family quests', () => {
  it('completes exactly once, with the event that reaches the target', () => {
    const nineteen = applyQuestEvents(
      [twentyChores],
      [...choresBy(CHILD, 10, 1), ...choresBy(SIBLING, 9, 1)],
      'Europe/Berlin',
    );
    expect(nineteen.effects).to.deep.equal([]);
    expect(nineteen.quests[0]).to.deep.include({ progress: 19, contributions: { [CHILD]: 10, [SIBLING]: 9 } });

    const twentieth = choresBy(SIBLING, 1, 15);
    const done = applyQuestEvents(nineteen.quests, twentieth, 'Europe/Berlin');
    expect(done.effects).to.deep.equal([
      {
        kind: 'quest.completed',
        familyId: FAMILY,
        questId: 'quest-1',
        title: '20 chores together this month',
        completedAt: twentieth[0]!.occurredAt,
        eventId: twentieth[0]!.eventId,
      },
    ]);
    expect(questStatus(done.quests[0]!, '2026-04-16')).to.equal('COMPLETED');

    const more = applyQuestEvents(done.quests, choresBy(CHILD, 3, 16), 'Europe/Berlin');
    expect(more.effects).to.deep.equal([]);
    expect(more.quests[0]!.progress).to.equal(23);
    expect(more.quests[0]!.completedAt).to.deep.equal(twentieth[0]!.occurredAt);
  });

  it('counts only the included members and days inside the quest, in the family zone', () => {
    const { quests } = applyQuestEvents(
      [twentyChores],
      [
        ...choresBy(TODDLER, 5, 1),
        activity('chore.approved', '2026-03-31T21:30:00Z', { memberId: CHILD }), // 23:30 on 31 March in Berlin
        activity('chore.approved', '2026-04-30T22:30:00Z', { memberId: CHILD }), // 00:30 on 1 May in Berlin
        activity('chore.approved', '2026-03-31T22:30:00Z', { memberId: CHILD }), // 00:30 on 1 April: counts
      ],
      'Europe/Berlin',
    );
    expect(quests[0]).to.deep.include({ progress: 1, contributions: { [CHILD]: 1 } });
  });

  it('adds up amounts for "save €100 together" and reaches the same total in any order', () => {
    const saveTogether: Quest = {
      ...twentyChores,
      id: 'quest-2',
      title: 'Save €100 together',
      measure: 'AMOUNT',
      eventType: 'goal.contributed',
      target: 10_000,
      memberIds: [],
    };
    const events = [
      ...[2_500, 1_500, 1_000].map((amountMinor, i) =>
        activity('goal.contributed', `2026-04-0${i + 2}T10:00:00Z`, { amountMinor }),
      ),
      ...[3_000, 2_500].map((amountMinor, i) =>
        activity('goal.contributed', `2026-04-1${i + 2}T10:00:00Z`, { amountMinor, memberId: TODDLER }),
      ),
    ];
    const inOrder = applyQuestEvents([saveTogether], events, 'Europe/Berlin');
    expect(inOrder.quests[0]!.progress).to.equal(10_500);
    expect(inOrder.effects.map((e) => e.kind)).to.deep.equal(['quest.completed']);
    for (const seed of [3, 99]) {
      let quests = [saveTogether];
      let completed = 0;
      for (const event of shuffled(events, seed)) {
        const step = applyQuestEvents(quests, [event], 'Europe/Berlin');
        quests = step.quests;
        completed += step.effects.length;
      }
      expect(completed).to.equal(1);
      expect(quests[0]!.progress).to.equal(10_500);
      expect(quests[0]!.contributions).to.deep.equal(inOrder.quests[0]!.contributions);
    }
  });

  it('tells upcoming, active and expired quests apart', () => {
    expect(questStatus(twentyChores, '2026-03-31')).to.equal('UPCOMING');
    expect(questStatus(twentyChores, '2026-04-30')).to.equal('ACTIVE');
    expect(questStatus(twentyChores, '2026-05-01')).to.equal('EXPIRED');
  });

  it('names every field a parent got wrong', () => {
    const fields = questViolations({
      title: ' ',
      measure: 'AMOUNT',
      eventType: 'chore.approved',
      target: 0,
      startsOn: '2026-04-10',
      endsOn: '2026-04-01',
    }).map((v) => v.field);
    expect(fields).to.deep.equal(['title', 'measure', 'target', 'endsOn']);
    expect(questViolations(twentyChores)).to.deep.equal([]);
  });

  it('counts a title in characters, as a person would: 80 emoji fit, 81 do not', () => {
    expect(questViolations({ ...twentyChores, title: '🧹'.repeat(80) })).to.deep.equal([]);
    expect(questViolations({ ...twentyChores, title: '🧹'.repeat(81) }).map((v) => v.field)).to.deep.equal(['title']);
  });
});
