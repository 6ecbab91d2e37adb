'use client';
// The frame around every signed-in page: the header with navigation by role, the unread badge, the
// language switch and log out; it sends a visitor without a session to the login page. A session that
// could not be read (the server unreachable) is kept: the page says why and offers to try again.
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import type { MessageKey } from '../lib/i18n';
import { useSession } from '../lib/session';
import { ErrorMessage, Loading } from './ui';

const PARENT_NAV: [string, MessageKey][] = [
  ['/dashboard', 'dashboard'],
  ['/expenses', 'expenses'],
  ['/budgets', 'budgets'],
  ['/categories', 'categories'],
  ['/limits', 'navLimits'],
  ['/recurring', 'navRecurring'],
  ['/chores', 'chores'],
  ['/allowances', 'allowances'],
  ['/goals', 'goals'],
  ['/members', 'members'],
  ['/reports', 'reports'],
  ['/bank', 'bank'],
  ['/settings', 'settingsTitle'],
];
const CHILD_NAV: [string, MessageKey][] = [
  ['/child', 'home'],
  ['/expenses', 'expenses'],
  ['/settings', 'settingsTitle'],
];

export function Shell({
  children,
  title,
  parentOnly = false,
}: {
  children: ReactNode;
  title: string;
  parentOnly?: boolean;
}) {
  const session = useSession();
  const { ready, user, family, isParent, t, unread, latest, loadError } = session;
  const unreadable = ready && !user && loadError !== undefined;
  const router = useRouter();
  const path = usePathname();

  useEffect(() => {
    if (!ready || unreadable) return;
    if (!user) router.replace('/login');
    else if (!family && path !== '/family/new') router.replace('/family/new');
    else if (parentOnly && family && !isParent) router.replace('/child');
  }, [ready, unreadable, user, family, isParent, parentOnly, path, router]);

  const nav = isParent ? PARENT_NAV : CHILD_NAV;
  return (
    <>
      <header className="top">
        <Link href={isParent ? '/dashboard' : '/child'} className="brand">
          {t('appName')}
        </Link>
        <nav aria-label="Main">
          {family &&
            nav.map(([href, key]) => (
              <Link key={href} href={href} aria-current={path === href ? 'page' : undefined}>
                {t(key)}
              </Link>
            ))}
        </nav>
        <div className="tools">
          <Link href="/notifications" className="news">
            {t('notifications')}
            {unread > 0 && (
              <span className="badge" data-testid="unread-badge">
                {unread}
                <span className="sr-only"> {t('unread')}</span>
              </span>
            )}
          </Link>
          <LanguageSwitch />
          {user && (
            <button
              type="button"
              className="link"
              onClick={() => void session.signOut().then(() => router.replace('/login'))}
            >
              {t('logout')}
            </button>
          )}
        </div>
      </header>
      <div className="toast" role="status" aria-live="polite">
        {latest ? t('newNotification', { title: latest.title }) : ''}
      </div>
      <main id="main">
        <h1>{title}</h1>
        {unreadable ? (
          <>
            <ErrorMessage error={loadError} />
            <button type="button" onClick={() => void session.reload()}>
              {t('tryAgain')}
            </button>
          </>
        ) : !ready || !user || (!family && path !== '/family/new') || (parentOnly && !isParent) ? (
          <Loading />
        ) : (
          children
        )}
      </main>
    </>
  );
}

export function LanguageSwitch() {
  const { t, locale, setLocale } = useSession();
  return (
    <label className="lang">
      <span className="sr-only">{t('language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value === 'de' ? 'de' : 'en')}>
        <option value="en">English</option>
        <option value="de">Deutsch</option>
      </select>
    </label>
  );
}

/** The header of the pages before signing in: the name and the language switch. */
export function PublicHeader() {
  const { t } = useSession();
  return (
    <header className="top">
      <span className="brand">{t('appName')}</span>
      <div className="tools">
        <LanguageSwitch />
      </div>
    </header>
  );
}
