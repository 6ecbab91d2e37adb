// A child's home screen (src/app/child/page.tsx) rendered whole in German: jars, level, goals with
// their progress bars and projected day, chores and the leaderboard, from one GraphQL answer.
import { expect } from 'chai';
import ChildHomePage from '../src/app/child/page';
import type { ChildHomeData } from '../src/lib/queries';
import { child, family, useComponentWorld, type GraphQLCall } from './component.harness';

const home: ChildHomeData = {
  family: {
    id: family.id,
    currency: 'EUR',
    timezone: family.timezone,
    me: {
      id: child.id,
      displayName: child.displayName,
      balance: { spendMinor: 1250, saveMinor: 123456, giveMinor: 0, goalsMinor: 800, currency: 'EUR' },
      progress: {
        level: 3,
        xp: 120,
        nextLevelXp: 300,
        points: 1500,
        streak: { current: 4, longest: 9 },
        badges: [
          { badgeId: 'first-chore', title: 'Erste Aufgabe', description: null, earnedAt: '2026-06-01T08:00:00Z' },
        ],
      },
    },
    goals: [
      {
        id: 'goal-1',
        ownerMemberId: child.id,
        name: 'Fahrrad',
        targetMinor: 20000,
        savedMinor: 8000,
        currency: 'EUR',
        status: 'ACTIVE',
        projectedOn: '2027-03-01',
      },
    ],
    chores: [
      {
        id: 'c-1',
        title: 'Zimmer',
        rewardMinor: 200,
        currency: 'EUR',
        dueOn: '2026-07-04',
        status: 'TODO',
        rejectionReason: null,
      },
      {
        id: 'c-2',
        title: 'Müll',
        rewardMinor: 100,
        currency: 'EUR',
        dueOn: null,
        status: 'SUBMITTED',
        rejectionReason: null,
      },
    ],
    leaderboard: {
      hidden: false,
      entries: [
        { rank: 1, memberId: child.id, displayName: 'Kim', points: 1500 },
        { rank: 2, memberId: 'mem-ali', displayName: 'Ali', points: 900 },
      ],
    },
  },
};

describe('web app components: the child’s home in German', () => {
  const { bff, render, waitFor } = useComponentWorld();

  const text = (container: HTMLElement, selector: string) =>
    container.querySelector(selector)!.textContent!.replace(/\u00a0/g, ' ');

  beforeEach(() => {
    bff.graphql = (call: GraphQLCall) => {
      if (/\bsubmitChore\b/.test(call.query)) return { data: { submitChore: { id: 'c-1', status: 'SUBMITTED' } } };
      expect(call.query).to.match(/^\s*(#.*\n\s*)*query \w*ChildHome\b/);
      expect(call.variables).to.deep.equal({ familyId: family.id });
      return { data: home };
    };
  });

  it('shows the jars, level and goals in German words and notation', async () => {
    const { container } = render(<ChildHomePage />, { as: 'child', locale: 'de', path: '/child' });
    await waitFor(() => container.querySelector('[data-testid="jars"]'));
    expect(text(container, 'main h1')).to.equal('Kim');
    expect(text(container, '#jars-h')).to.equal('Spardosen');
    expect(text(container, '[data-testid="jar-spend"]')).to.equal('12,50 €');
    expect(text(container, '[data-testid="jar-save"]')).to.equal('1.234,56 €');
    expect(text(container, '[data-testid="jar-give"]')).to.equal('0,00 €');
    expect(text(container, '#progress-h')).to.equal('Stufe 3');
    expect(container.querySelector('#progress-h + p')!.textContent).to.equal('120 XP · Serie: 4 Tage · 1500 Punkte');
    const level = container.querySelector('[role="progressbar"][aria-label="Stufe 4"]')!;
    expect(level.getAttribute('aria-valuenow')).to.equal('40');
    const goal = container.querySelector('[role="progressbar"][aria-label="Fahrrad"]')!;
    expect(goal.getAttribute('aria-valuenow')).to.equal('40');
    expect(goal.closest('li')!.textContent!.replace(/\u00a0/g, ' ')).to.equal(
      'Fahrrad 80,00 € / 200,00 €Voraussichtlich: 01.03.2027',
    );
    expect(text(container, '[data-testid="badges"]')).to.equal('🏅 Erste Aufgabe');
  });

  it('lists the chores with their German state and the leaderboard', async () => {
    const { container } = render(<ChildHomePage />, { as: 'child', locale: 'de', path: '/child' });
    const chores = await waitFor(() => container.querySelector('[data-testid="child-chores"]'));
    const items = [...chores.querySelectorAll('li')].map((li) => li.textContent!.replace(/\u00a0/g, ' '));
    expect(items).to.deep.equal([
      'Zimmer · 2,00 € · 04.07.2026Erledigt! Zimmer',
      'Müll · 1,00 €Wartet auf Bestätigung',
    ]);
    expect(text(container, '#board-h')).to.equal('Familien-Bestenliste');
    expect([...container.querySelectorAll('#board-h + ol li')].map((li) => li.textContent)).to.deep.equal([
      'Kim — 1500 Punkte',
      'Ali — 900 Punkte',
    ]);
  });

  it('submits a chore and reads the home again', async () => {
    const { container } = render(<ChildHomePage />, { as: 'child', locale: 'de', path: '/child' });
    const submit = await waitFor(
      () => [...container.querySelectorAll('button')].find((b) => b.textContent === 'Erledigt! Zimmer') ?? null,
    );
    submit.click();
    const kinds = () => bff.calls.map((c) => (/\bsubmitChore\b/.test(c.query) ? 'submit' : 'home'));
    await waitFor(() => expect(kinds()).to.deep.equal(['home', 'submit', 'home']));
    expect(bff.calls[1]!.variables).to.deep.equal({ f: family.id, c: 'c-1' });
    expect(container.querySelector('[role="alert"]')).to.equal(null);
  });
});
