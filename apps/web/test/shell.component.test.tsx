// The frame of every signed-in page (src/components/Shell.tsx) for real members of a real family:
// navigation by role, where a visitor is sent, the unread badge and live news over the BFF's event
// stream, in English and German.
import { expect } from 'chai';
import type { Household } from '../../../bff/test/expense.fixtures.js';
import { createChore, reviewChore } from '../../../bff/test/goals.fixtures.js';
import { Shell } from '../src/components/Shell';
import { useComponentWorld } from './component.harness';

const PARENT_ONLY = [
  '/dashboard',
  '/budgets',
  '/categories',
  '/limits',
  '/recurring',
  '/chores',
  '/allowances',
  '/goals',
  '/members',
  '/reports',
  '/bank',
];

describe('web app components: Shell', () => {
  const { bff, family, render, waitFor, openStreams, newsOf } = useComponentWorld();

  const nav = (container: HTMLElement) =>
    [...container.querySelectorAll('nav[aria-label="Main"] a')].map((a) => [a.getAttribute('href'), a.textContent]);

  /** The child submits a new chore: the parents' news “Chore waiting for approval”. */
  async function childSubmits(home: Household, title: string) {
    const chore = await createChore(bff(), home, { title });
    await reviewChore(bff(), home, chore.id, 'submit', home.child.accessToken);
  }

  it('shows a parent every screen of the family', async () => {
    const home = await family();
    const { container } = render(<Shell title="Overview">page</Shell>, { as: home.owner, path: '/dashboard' });
    await waitFor(() => expect(container.querySelector('main')!.textContent).to.equal('Overviewpage'));
    expect(nav(container)).to.deep.equal([
      ['/dashboard', 'Overview'],
      ['/expenses', 'Expenses'],
      ['/budgets', 'Budgets'],
      ['/categories', 'Categories'],
      ['/limits', 'Limits'],
      ['/recurring', 'Recurring'],
      ['/chores', 'Chores'],
      ['/allowances', 'Allowances'],
      ['/goals', 'Goals'],
      ['/members', 'Family'],
      ['/reports', 'Reports'],
      ['/bank', 'Bank'],
      ['/settings', 'Settings'],
    ]);
    expect(container.querySelector('a[aria-current="page"]')!.getAttribute('href')).to.equal('/dashboard');
    expect(container.querySelector('a.brand')!.getAttribute('href')).to.equal('/dashboard');
    expect(container.querySelector('main h1')!.textContent).to.equal('Overview');
  });

  it('shows a child their home, their expenses and settings, and none of the parents’ screens', async () => {
    const home = await family();
    const { container } = render(<Shell title="Kim">home</Shell>, { as: home.child, path: '/child' });
    await waitFor(() => nav(container).length > 0);
    expect(nav(container)).to.deep.equal([
      ['/child', 'My home'],
      ['/expenses', 'Expenses'],
      ['/settings', 'Settings'],
    ]);
    const links = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links.filter((href) => PARENT_ONLY.includes(href!))).to.deep.equal([]);
    expect(container.querySelector('a.brand')!.getAttribute('href')).to.equal('/child');
  });

  it('sends a child away from a parent-only page without showing it', async () => {
    const home = await family();
    const { container, replaced } = render(
      <Shell title="Budgets" parentOnly>
        <p data-testid="secret">parents only</p>
      </Shell>,
      { as: home.child, path: '/budgets' },
    );
    await waitFor(() => expect(replaced).to.deep.equal(['/child']));
    expect(container.querySelector('[data-testid="secret"]')).to.equal(null);
    expect(container.querySelector('main [role="status"]')!.textContent).to.equal('Loading…');
  });

  it('sends a visitor without a session to the login page', async () => {
    const { container, replaced } = render(<Shell title="Overview">page</Shell>, { path: '/dashboard' });
    await waitFor(() => expect(replaced).to.deep.equal(['/login']));
    expect(nav(container)).to.deep.equal([]);
    expect(container.textContent).not.to.contain('page');
    expect(container.textContent).not.to.contain('Log out');
  });

  it('sends a visitor whose session the BFF does not accept to the login page, and forgets it', async () => {
    const { container, replaced } = render(<Shell title="Overview">page</Shell>, {
      as: { accessToken: 'not-a-token', refreshToken: 'not-a-token-either' },
      path: '/dashboard',
    });
    await waitFor(() => expect(replaced).to.deep.equal(['/login']));
    expect(container.textContent).not.to.contain('page');
    expect(window.sessionStorage.getItem('family.session')).to.equal(null);
  });

  it('shows the parent’s unread news count with words for a screen reader', async () => {
    const home = await family();
    for (const title of ['Dishes', 'Feed the cat', 'Water the plants']) await childSubmits(home, title);
    await newsOf(home.owner, 3);
    const { container } = render(<Shell title="Overview">page</Shell>, { as: home.owner, path: '/dashboard' });
    const badge = await waitFor(() => container.querySelector('[data-testid="unread-badge"]'));
    expect(badge.textContent).to.equal('3 unread');
    expect(badge.closest('a')!.getAttribute('href')).to.equal('/notifications');
  });

  it('counts and announces the news of a chore the child submits while the parent looks', async () => {
    const home = await family();
    await childSubmits(home, 'Dishes');
    await newsOf(home.owner, 1);
    const { container } = render(<Shell title="Overview">page</Shell>, { as: home.owner, path: '/dashboard' });
    await waitFor(() =>
      expect(container.querySelector('[data-testid="unread-badge"]')!.textContent).to.equal('1 unread'),
    );
    const toast = container.querySelector('.toast[role="status"]')!;
    expect(toast.textContent).to.equal('');
    // The page follows the news once /v1/me has answered; the BFF subscribes before it answers.
    await waitFor(() => openStreams() === 1);

    await childSubmits(home, 'Feed the cat');
    await waitFor(() => expect(toast.textContent).to.equal('New: Chore waiting for approval'), 15_000);
    expect(toast.getAttribute('aria-live')).to.equal('polite');
    expect(container.querySelector('[data-testid="unread-badge"]')!.textContent).to.equal('2 unread');
    const inbox = await newsOf(home.owner, 2);
    expect(inbox.items[0]).to.include({ category: 'CHORES', title: 'Chore waiting for approval' });
  });

  it('speaks German when German is picked in the header', async () => {
    const home = await family();
    const { container } = render(<Shell title="Übersicht">Seite</Shell>, {
      as: home.owner,
      locale: 'de',
      path: '/dashboard',
    });
    await waitFor(() => expect(nav(container)[0]).to.deep.equal(['/dashboard', 'Übersicht']));
    expect(nav(container).map(([, text]) => text)).to.deep.equal([
      'Übersicht',
      'Ausgaben',
      'Budgets',
      'Kategorien',
      'Grenzen',
      'Wiederkehrend',
      'Aufgaben',
      'Taschengeld',
      'Sparziele',
      'Familie',
      'Berichte',
      'Bank',
      'Einstellungen',
    ]);
    expect(container.querySelector('a.brand')!.textContent).to.equal('Familienkasse');
    expect(container.querySelector('button.link')!.textContent).to.equal('Abmelden');
    expect(container.querySelector<HTMLSelectElement>('.lang select')!.value).to.equal('de');
    expect(document.documentElement.lang).to.equal('de');
  });

  it('speaks the user’s own language, kept in their profile, when none is picked', async () => {
    const home = await family({ locale: 'de-AT' });
    const { container } = render(<Shell title="Mein Bereich">home</Shell>, { as: home.child, path: '/child' });
    await waitFor(() =>
      expect(nav(container)).to.deep.equal([
        ['/child', 'Mein Bereich'],
        ['/expenses', 'Ausgaben'],
        ['/settings', 'Einstellungen'],
      ]),
    );
  });

  it('switches to German from the header’s language switch and remembers it', async () => {
    const home = await family();
    const { container } = render(<Shell title="Kim">home</Shell>, { as: home.child, path: '/child' });
    const select = await waitFor(() => container.querySelector<HTMLSelectElement>('.lang select'));
    await waitFor(() => expect(nav(container)).to.have.length(3));
    select.value = 'de';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => expect(nav(container)[0]).to.deep.equal(['/child', 'Mein Bereich']));
    expect(window.localStorage.getItem('family.locale')).to.equal('de');
  });

  it('logs out for real: the BFF no longer refreshes the session, and the visitor is sent to the login page', async () => {
    const home = await family();
    const { container, replaced } = render(<Shell title="Kim">home</Shell>, { as: home.child, path: '/child' });
    const logout = await waitFor(() => container.querySelector<HTMLButtonElement>('button.link'));
    logout.click();
    // Sent there twice: by the page once signed out, and by the button when the BFF has answered.
    await waitFor(() => expect(replaced).to.deep.equal(['/login', '/login']));
    expect(window.sessionStorage.getItem('family.session')).to.equal(null);
    const refresh = await bff().http().post('/v1/auth/refresh').send({ refreshToken: home.child.refreshToken });
    expect(refresh.status, JSON.stringify(refresh.body)).to.equal(401);
  });
});
