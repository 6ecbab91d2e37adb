// A child's home screen (src/app/child/page.tsx) rendered whole in German for a real family: jars,
// level, badges, goals with their progress bars and projected day, chores and the leaderboard, all
// made through the REST API and read by the page in one GraphQL request.
import { expect } from 'chai';
import { waitFor as eventually } from '@family/testing';
import { childOf } from '../../../bff/test/bff.harness.js';
import { bearer, created, type Household } from '../../../bff/test/expense.fixtures.js';
import { createChore, deposit, reviewChore } from '../../../bff/test/goals.fixtures.js';
import ChildHomePage from '../src/app/child/page';
import { useComponentWorld } from './component.harness';

interface Progress {
  level: number;
  xp: number;
  points: number;
  streak: { current: number };
  badges: { title: string }[];
}

/** A day as German readers write it (2027-03-01 → 01.03.2027). */
const germanDay = (day: string) => day.split('-').reverse().join('.');

describe('web app components: the child’s home in German', () => {
  const { bff, family, render, waitFor, openStreams } = useComponentWorld();

  const text = (container: HTMLElement, selector: string) =>
    container.querySelector(selector)!.textContent!.replace(/\u00a0/g, ' ');
  const chores = (container: HTMLElement) =>
    [...container.querySelectorAll('[data-testid="child-chores"] li')].map((li) =>
      li.textContent!.replace(/\u00a0/g, ' '),
    );

  /** A member's progress once the gamification service has counted `points` and `badges` badges. */
  const progressOf = (home: Household, memberId: string, points: number, badges: number) =>
    eventually(
      async () => {
        const r = await bff()
          .http()
          .get(`${home.base}/members/${memberId}/progress`)
          .auth(home.owner.accessToken, bearer);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        const progress = r.body as Progress;
        return progress.points === points && progress.badges.length >= badges && progress;
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `${points} points and ${badges} badges` },
    );

  /** A chore `body` says, done by `assignee` and approved by the owner. */
  async function approved(home: Household, assignee: { memberId: string; accessToken: string }, body: object) {
    const chore = await createChore(bff(), home, { assigneeMemberId: assignee.memberId, ...body });
    await reviewChore(bff(), home, chore.id, 'submit', assignee.accessToken);
    return reviewChore(bff(), home, chore.id, 'approve', home.owner.accessToken);
  }

  /**
   * Kim's home: €12.50 to spend and €1,234.56 saved, €80 of €200 in the goal “Fahrrad”, one chore
   * approved (240 points, and the parents' badge “Fleißige Biene”), “Zimmer” to do, “Müll” submitted;
   * the sibling Ali with 90 points.
   */
  async function kimsHome() {
    const home = await family();
    const kim = home.child;
    // Every member first: the services learn a family's members once, then from its events.
    const ali = await childOf(bff(), home.owner, 'Ali');
    await deposit(bff(), home, kim.memberId, 'SPEND', 1250);
    await deposit(bff(), home, kim.memberId, 'SAVE', 123456 + 8000);
    const goal = await created<{ id: string }>(bff(), `${home.base}/goals`, kim.accessToken, {
      name: 'Fahrrad',
      targetMinor: 20000,
    });
    await created(bff(), `${home.base}/goals/${goal.id}/contributions`, kim.accessToken, { amountMinor: 8000 });
    await created(bff(), `${home.base}/badges`, home.owner.accessToken, {
      title: 'Fleißige Biene',
      eventType: 'chore.approved',
      count: 1,
    });

    await approved(home, kim, { title: 'Abwasch', points: 240 });
    await approved(home, ali, { title: 'Staubsaugen', points: 90 });
    await createChore(bff(), home, { title: 'Zimmer', rewardMinor: 200, dueOn: '2030-07-04' });
    const bins = await createChore(bff(), home, { title: 'Müll', rewardMinor: 100 });
    await reviewChore(bff(), home, bins.id, 'submit', kim.accessToken);

    // 240 points for the chore and 10 for saving; badges: the first chore, the first save and the parents'.
    const progress = await progressOf(home, kim.memberId, 250, 3);
    await progressOf(home, ali.memberId, 90, 1);
    const bike = await bff().http().get(`${home.base}/goals/${goal.id}`).auth(kim.accessToken, bearer);
    expect(bike.status, JSON.stringify(bike.body)).to.equal(200);
    return { home, progress, projectedOn: bike.body.projectedOn as string };
  }

  it('shows the jars, level, badges and goals in German words and notation', async () => {
    const { home, progress, projectedOn } = await kimsHome();
    const { container } = render(<ChildHomePage />, { as: home.child, locale: 'de', path: '/child' });
    await waitFor(() => container.querySelector('[data-testid="jars"]'));
    expect(text(container, 'main h1')).to.equal('Kim');
    expect(text(container, '#jars-h')).to.equal('Spardosen');
    expect(text(container, '[data-testid="jar-spend"]')).to.equal('12,50 €');
    expect(text(container, '[data-testid="jar-save"]')).to.equal('1.234,56 €');
    expect(text(container, '[data-testid="jar-give"]')).to.equal('0,00 €');

    expect(progress.level, 'Kim’s level after 250 points and three badges').to.be.at.least(3);
    expect(text(container, '#progress-h')).to.equal(`Stufe ${progress.level}`);
    expect(progress.streak.current, 'active today only').to.equal(1);
    expect(container.querySelector('#progress-h + p')!.textContent).to.equal(
      `${progress.xp} XP · Serie: 1 Tag · 250 Punkte`,
    );
    expect(container.querySelector(`[role="progressbar"][aria-label="Stufe ${progress.level + 1}"]`)).not.to.equal(
      null,
    );
    const badges = [...container.querySelectorAll('[data-testid="badges"] li')].map((li) => li.textContent);
    // The parents' badge by the name they gave it; the built-in ones in German.
    expect(badges).to.include('🏅 Fleißige Biene');
    expect(badges).to.include('🏅 Erste AufgabeDeine erste bestätigte Aufgabe');
    expect(badges).to.include('🏅 Erstes SparenDeine ersten Münzen für ein Sparziel');

    const goal = container.querySelector('[role="progressbar"][aria-label="Fahrrad"]')!;
    expect(goal.getAttribute('aria-valuenow')).to.equal('40');
    expect(projectedOn, '€80 saved lately: the other €120 in 45 days').to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(goal.closest('li')!.textContent!.replace(/\u00a0/g, ' ')).to.equal(
      `Fahrrad 80,00 € / 200,00 €Voraussichtlich: ${germanDay(projectedOn)}`,
    );
  });

  it('lists the chores with their German state and the family leaderboard', async () => {
    const { home } = await kimsHome();
    const { container } = render(<ChildHomePage />, { as: home.child, locale: 'de', path: '/child' });
    await waitFor(() => container.querySelector('[data-testid="child-chores"] li'));
    expect(chores(container)).to.have.members([
      'Abwasch · 0,00 €Bestätigt',
      'Zimmer · 2,00 € · 04.07.2030Erledigt! Zimmer',
      'Müll · 1,00 €Wartet auf Bestätigung',
    ]);
    expect(text(container, '#board-h')).to.equal('Familien-Bestenliste');
    expect([...container.querySelectorAll('#board-h + ol li')].map((li) => li.textContent)).to.deep.equal([
      'Kim — 250 Punkte',
      'Ali — 90 Punkte',
      'Parent — 0 Punkte',
    ]);
  });

  it('submits a chore: the home read again says it waits for approval, and so does the BFF', async () => {
    const home = await family();
    const room = await createChore(bff(), home, { title: 'Zimmer', rewardMinor: 200 });
    const { container } = render(<ChildHomePage />, { as: home.child, locale: 'de', path: '/child' });
    const submit = await waitFor(
      () => [...container.querySelectorAll('button')].find((b) => b.textContent === 'Erledigt! Zimmer') ?? null,
    );
    submit.click();
    await waitFor(() =>
      expect(text(container, '[data-testid="chore-status-Zimmer"]')).to.equal('Wartet auf Bestätigung'),
    );
    expect(container.querySelector('[role="alert"]')).to.equal(null);
    const now = await bff().http().get(`${home.base}/chores/${room.id}`).auth(home.child.accessToken, bearer);
    expect(now.body.status).to.equal('SUBMITTED');
  });

  it('reads the home again when a parent approves a chore while the child looks: the reward is in the jar', async () => {
    const home = await family();
    const bins = await createChore(bff(), home, { title: 'Müll', rewardMinor: 100 });
    await reviewChore(bff(), home, bins.id, 'submit', home.child.accessToken);
    const { container } = render(<ChildHomePage />, { as: home.child, locale: 'de', path: '/child' });
    await waitFor(() =>
      expect(text(container, '[data-testid="chore-status-Müll"]')).to.equal('Wartet auf Bestätigung'),
    );
    expect(text(container, '[data-testid="jar-spend"]')).to.equal('0,00 €');
    await waitFor(() => openStreams() === 1);

    await reviewChore(bff(), home, bins.id, 'approve', home.owner.accessToken);
    await waitFor(() => expect(text(container, '[data-testid="chore-status-Müll"]')).to.equal('Bestätigt'), 15_000);
    expect(text(container, '[data-testid="jar-spend"]')).to.equal('1,00 €');
    // The toast shows the latest news: the approval, or the first chore's badge told after it.
    const toast = text(container, '.toast');
    const inbox = await bff().http().get('/v1/me/notifications').auth(home.child.accessToken, bearer);
    const titles = (inbox.body.items as { title: string }[]).map((n) => n.title);
    expect(titles).to.include('Chore approved!');
    expect(titles.map((title) => `Neu: ${title}`)).to.include(toast);
  });
});
