'use client';
// A child's home: jars, goals with progress and projected date, chores to do and submit, level, XP,
// streak, badges and the family leaderboard; re-read whenever a notification arrives live.
import { Shell } from '../../components/Shell';
import { ErrorMessage, Loading, Progress, useAction, useLoad } from '../../components/ui';
import { formatDay } from '../../lib/dates';
import { CHILD_HOME, SUBMIT_CHORE, type ChildHomeData } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { badgeText } from '../../lib/texts/badges';

export default function ChildHomePage() {
  const session = useSession();
  const { t, family, money, locale, liveTick } = session;
  const familyId = family?.id;
  const home = useLoad(async () => {
    if (!familyId) return undefined;
    return session.client.graphql<ChildHomeData>(CHILD_HOME, { familyId });
  }, [familyId, liveTick]);
  const submit = useAction();
  const data = home.data?.family;
  const me = data?.me;
  const statusText = { TODO: t('todo'), SUBMITTED: t('submitted'), APPROVED: t('approved'), REJECTED: t('rejected') };

  return (
    <Shell title={me ? me.displayName : t('home')}>
      <ErrorMessage error={home.error} />
      {home.loading && !data && <Loading />}
      {data && me && (
        <div className="grid">
          <section className="card" aria-labelledby="jars-h">
            <h2 id="jars-h">{t('jars')}</h2>
            <div className="jars" data-testid="jars">
              <div className="jar">
                {t('spendJar')}
                <strong data-testid="jar-spend">{money(me.balance.spendMinor, me.balance.currency)}</strong>
              </div>
              <div className="jar">
                {t('saveJar')}
                <strong data-testid="jar-save">{money(me.balance.saveMinor, me.balance.currency)}</strong>
              </div>
              <div className="jar">
                {t('giveJar')}
                <strong data-testid="jar-give">{money(me.balance.giveMinor, me.balance.currency)}</strong>
              </div>
              <div className="jar">
                {t('inGoals')}
                <strong>{money(me.balance.goalsMinor, me.balance.currency)}</strong>
              </div>
            </div>
          </section>
          <section className="card" aria-labelledby="progress-h">
            <h2 id="progress-h">{me.progress ? t('level', { level: me.progress.level }) : t('badges')}</h2>
            {me.progress && (
              <>
                <p>
                  {t('xp', { xp: me.progress.xp })} ·{' '}
                  {t(me.progress.streak.current === 1 ? 'streakOneDay' : 'streak', {
                    days: me.progress.streak.current,
                  })}{' '}
                  · {t('points', { points: me.progress.points })}
                </p>
                <Progress
                  percent={Math.round((100 * me.progress.xp) / Math.max(1, me.progress.nextLevelXp))}
                  label={t('level', { level: me.progress.level + 1 })}
                />
              </>
            )}
            <h3>{t('badges')}</h3>
            {(me.progress?.badges.length ?? 0) === 0 && <p className="muted">{t('noBadges')}</p>}
            <ul className="plain" data-testid="badges">
              {me.progress?.badges.map((b) => {
                const text = badgeText(locale, b);
                return (
                  <li key={`${b.badgeId}-${b.earnedAt}`}>
                    <span>🏅 {text.title}</span>
                    {text.description && <span className="muted">{text.description}</span>}
                  </li>
                );
              })}
            </ul>
          </section>
          <section className="card" aria-labelledby="goals-h">
            <h2 id="goals-h">{t('goals')}</h2>
            {data.goals.length === 0 && <p className="muted">{t('noGoals')}</p>}
            <ul className="plain">
              {data.goals.map((g) => (
                <li key={g.id} style={{ display: 'block' }}>
                  <strong>{g.name}</strong> {money(g.savedMinor, g.currency)} / {money(g.targetMinor, g.currency)}
                  <Progress percent={Math.round((100 * g.savedMinor) / Math.max(1, g.targetMinor))} label={g.name} />
                  {g.projectedOn && (
                    <span className="muted">{t('projected', { date: formatDay(g.projectedOn, locale) })}</span>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="chores-h">
            <h2 id="chores-h">{t('chores')}</h2>
            <ErrorMessage error={submit.error} />
            <ul className="plain" data-testid="child-chores">
              {data.chores.map((c) => (
                <li key={c.id}>
                  <span>
                    <strong>{c.title}</strong> · <span className="amount">{money(c.rewardMinor, c.currency)}</span>
                    {c.dueOn && <span className="muted"> · {formatDay(c.dueOn, locale)}</span>}
                    {c.rejectionReason && <span className="muted"> · {c.rejectionReason}</span>}
                  </span>
                  {c.status === 'TODO' || c.status === 'REJECTED' ? (
                    <button
                      type="button"
                      disabled={submit.pending}
                      onClick={() =>
                        void submit.run(async () => {
                          await session.client.graphql(SUBMIT_CHORE, { familyId: data.id, choreId: c.id });
                          await home.reload();
                        })
                      }
                    >
                      {t('submit')} {c.title}
                    </button>
                  ) : (
                    <span data-testid={`chore-status-${c.title}`}>{statusText[c.status]}</span>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="board-h">
            <h2 id="board-h">{t('leaderboard')}</h2>
            {!data.leaderboard.hidden && (
              <ol>
                {data.leaderboard.entries.map((e) => (
                  <li key={e.memberId}>
                    {e.displayName} — {t('points', { points: e.points })}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      )}
    </Shell>
  );
}
