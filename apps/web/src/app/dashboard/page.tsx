'use client';
// A parent's month at a glance: budgets, each child's jars and goals, chores to approve, unread news.
import { GraphQLRequestError } from '@family/sdk';
import Link from 'next/link';
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ChoreReview } from '../../components/ChoreReview';
import { ErrorMessage, Loading, Progress, useLoad } from '../../components/ui';
import { formatInstant } from '../../lib/dates';
import { PARENT_DASHBOARD, type DashboardData } from '../../lib/queries';
import { useSession } from '../../lib/session';

export default function DashboardPage() {
  const session = useSession();
  const { t, money, family, locale, liveTick, setUnread } = session;
  const familyId = family?.id;
  const [partial, setPartial] = useState<unknown>();
  const { data, error, loading, reload } = useLoad(async () => {
    if (!familyId) return undefined;
    try {
      const d = await session.client.graphql<DashboardData>(PARENT_DASHBOARD, { familyId });
      setUnread(d.me.unreadNotificationCount);
      setPartial(undefined);
      return d;
    } catch (err) {
      // Some parts failed (a service down): show what did answer, and say what did not.
      const partialData = err instanceof GraphQLRequestError ? (err.data as DashboardData | null) : null;
      if (!partialData?.family) throw err;
      setPartial(err);
      return { ...partialData, me: partialData.me ?? { unreadNotificationCount: 0, notifications: { items: [] } } };
    }
  }, [familyId, liveTick]);

  const names = new Map(data?.family.members.map((m) => [m.id, m.displayName]));
  return (
    <Shell title={data?.family.name ?? t('dashboard')} parentOnly>
      <ErrorMessage error={error} />
      <ErrorMessage error={partial} />
      {loading && !data && <Loading />}
      {data && (
        <div className="grid">
          <section className="card" aria-labelledby="budgets-h">
            <h2 id="budgets-h">{t('monthSpending')}</h2>
            {data.family.budgets.length === 0 && (
              <p className="muted">
                {t('noBudgets')} <Link href="/budgets">{t('addBudget')}</Link>
              </p>
            )}
            <ul className="plain">
              {data.family.budgets.map((b) => (
                <li key={b.id} data-testid={`budget-${b.name}`} style={{ display: 'block' }}>
                  <div>
                    <strong>{b.name}</strong>{' '}
                    <span className="amount" data-testid="budget-spent">
                      {t('spentOf', {
                        spent: money(b.status.spentMinor, b.currency),
                        total: money(b.amountMinor, b.currency),
                      })}
                    </span>
                  </div>
                  <Progress percent={b.status.percent} label={`${b.name} ${b.status.percent}%`} />
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="kids-h">
            <h2 id="kids-h">{t('children')}</h2>
            <ul className="plain">
              {data.family.members
                .filter((m) => m.role === 'CHILD')
                .map((m) => (
                  <li key={m.id} style={{ display: 'block' }}>
                    <strong>{m.displayName}</strong>
                    {m.progress && <span className="muted"> · {t('level', { level: m.progress.level })}</span>}
                    {m.balance && (
                      <div className="jars">
                        <div className="jar">
                          {t('spendJar')}
                          <strong>{money(m.balance.spendMinor, m.balance.currency)}</strong>
                        </div>
                        <div className="jar">
                          {t('saveJar')}
                          <strong>{money(m.balance.saveMinor, m.balance.currency)}</strong>
                        </div>
                        <div className="jar">
                          {t('giveJar')}
                          <strong>{money(m.balance.giveMinor, m.balance.currency)}</strong>
                        </div>
                      </div>
                    )}
                    {data.family.goals
                      .filter((g) => g.ownerMemberId === m.id)
                      .map((g) => (
                        <div key={g.id}>
                          {g.name}: {money(g.savedMinor, g.currency)} / {money(g.targetMinor, g.currency)}
                          <Progress
                            percent={Math.round((100 * g.savedMinor) / Math.max(1, g.targetMinor))}
                            label={g.name}
                          />
                        </div>
                      ))}
                  </li>
                ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="chores-h">
            <h2 id="chores-h">{t('choresToApprove')}</h2>
            <ChoreReview chores={data.family.chores} names={names} onDone={reload} />
          </section>
          <section className="card" aria-labelledby="news-h">
            <h2 id="news-h">{t('unreadNews')}</h2>
            {data.me.notifications.items.length === 0 && <p className="muted">{t('noNews')}</p>}
            <ul className="plain">
              {data.me.notifications.items.map((n) => (
                <li key={n.id}>
                  <span>
                    <strong>{n.title}</strong> {n.body}
                  </span>
                  <span className="muted">{formatInstant(n.createdAt, locale, data.family.timezone)}</span>
                </li>
              ))}
            </ul>
            <Link href="/notifications">{t('notifications')}</Link>
          </section>
        </div>
      )}
    </Shell>
  );
}
