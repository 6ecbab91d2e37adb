'use client';
// The inbox, newest first; new ones arrive live; mark all read resets the header's badge.
import { Shell } from '../../components/Shell';
import { ErrorMessage, Loading, useAction, useLoad } from '../../components/ui';
import { formatInstant } from '../../lib/dates';
import { unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function NotificationsPage() {
  const session = useSession();
  const { t, locale, family, liveTick, setUnread } = session;
  const inbox = useLoad(async () => {
    const r = unwrap(await session.client.rest.GET('/v1/me/notifications', { params: { query: { limit: 50 } } }));
    setUnread(r.unreadCount);
    return r;
  }, [liveTick]);
  const mark = useAction();

  return (
    <Shell title={t('notifications')}>
      <ErrorMessage error={inbox.error} />
      {inbox.loading && !inbox.data && <Loading />}
      <button
        type="button"
        disabled={mark.pending}
        onClick={() =>
          void mark.run(async () => {
            unwrap(await session.client.rest.POST('/v1/me/notifications/read-all', { body: {} }));
            await inbox.reload();
          })
        }
      >
        {t('markAllRead')}
      </button>
      <ErrorMessage error={mark.error} />
      {inbox.data?.items.length === 0 && <p className="muted">{t('noNews')}</p>}
      <ul className="plain" data-testid="inbox">
        {inbox.data?.items.map((n) => (
          <li key={n.id}>
            <span>
              {n.readAt ? '' : '● '}
              <strong>{n.title}</strong> {n.body}
            </span>
            <span className="muted">{formatInstant(n.createdAt, locale, family?.timezone ?? 'UTC')}</span>
          </li>
        ))}
      </ul>
    </Shell>
  );
}
