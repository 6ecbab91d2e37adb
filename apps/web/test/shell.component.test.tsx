// The frame of every signed-in page (src/components/Shell.tsx): navigation by role, where a visitor
// is sent, the unread badge and live notifications, in English and German.
import { expect } from 'chai';
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
  const { bff, render, waitFor } = useComponentWorld();

  const nav = (container: HTMLElement) =>
    [...container.querySelectorAll('nav[aria-label="Main"] a')].map((a) => [a.getAttribute('href'), a.textContent]);

  it('shows a parent every screen of the family', async () => {
    const { container } = render(<Shell title="Overview">page</Shell>, { as: 'parent', path: '/dashboard' });
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
    const { container } = render(<Shell title="Kim">home</Shell>, { as: 'child', path: '/child' });
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
    const { container, replaced } = render(
      <Shell title="Budgets" parentOnly>
        <p data-testid="secret">parents only</p>
      </Shell>,
      { as: 'child', path: '/budgets' },
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

  it('shows the unread count with words for a screen reader', async () => {
    bff.unreadCount = 3;
    const { container } = render(<Shell title="Overview">page</Shell>, { as: 'parent', path: '/dashboard' });
    const badge = await waitFor(() => container.querySelector('[data-testid="unread-badge"]'));
    expect(badge.textContent).to.equal('3 unread');
    expect(badge.closest('a')!.getAttribute('href')).to.equal('/notifications');
  });

  it('counts a live notification and announces it', async () => {
    bff.unreadCount = 1;
    const { container } = render(<Shell title="Kim">home</Shell>, { as: 'child', path: '/child' });
    await waitFor(() =>
      expect(container.querySelector('[data-testid="unread-badge"]')!.textContent).to.equal('1 unread'),
    );
    // Sent again until the page's event stream is open (it opens after /v1/me has answered).
    const toast = container.querySelector('.toast[role="status"]')!;
    await waitFor(() => {
      if (toast.textContent === '')
        bff.notify({
          id: 'n-1',
          familyId: 'fam-1',
          category: 'CHORES',
          title: 'Dishes approved',
          body: 'You earned €2.00',
          data: {},
          urgent: false,
          createdAt: '2026-07-01T10:00:00Z',
          readAt: null,
        });
      expect(toast.textContent).to.equal('New: Dishes approved');
    });
    expect(toast.getAttribute('aria-live')).to.equal('polite');
    expect(container.querySelector('[data-testid="unread-badge"]')!.textContent).to.equal('2 unread');
  });

  it('speaks German when German is picked in the header', async () => {
    const { container } = render(<Shell title="Übersicht">Seite</Shell>, {
      as: 'parent',
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

  it('speaks the user’s own language when none is picked', async () => {
    const { container } = render(<Shell title="Mein Bereich">home</Shell>, {
      as: 'child',
      userLocale: 'de-AT',
      path: '/child',
    });
    await waitFor(() =>
      expect(nav(container)).to.deep.equal([
        ['/child', 'Mein Bereich'],
        ['/expenses', 'Ausgaben'],
        ['/settings', 'Einstellungen'],
      ]),
    );
  });

  it('switches to German from the header’s language switch and remembers it', async () => {
    const { container } = render(<Shell title="Kim">home</Shell>, { as: 'child', path: '/child' });
    const select = await waitFor(() => container.querySelector<HTMLSelectElement>('.lang select'));
    await waitFor(() => expect(nav(container)).to.have.length(3));
    select.value = 'de';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => expect(nav(container)[0]).to.deep.equal(['/child', 'Mein Bereich']));
    expect(window.localStorage.getItem('family.locale')).to.equal('de');
  });
});
