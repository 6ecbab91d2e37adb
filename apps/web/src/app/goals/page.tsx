'use client';
// Every child's savings goals with progress, target, deadline, projected day and what the parents
// matched; a parent adds a goal with matching, puts money in (from the child's Save jar, matched, or
// as a gift), takes money out, edits with If-Match, stops or deletes a goal.
import { idempotencyKey, ifMatch, type components } from '@family/sdk';
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, Progress, useAction, useLoad } from '../../components/ui';
import { formatDay, todayIn } from '../../lib/dates';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';
import styles from './goals.module.css';

type Goal = components['schemas']['Goal'];
type Source = components['schemas']['GoalContributionSource'];

interface GoalForm {
  name: string;
  target: string;
  deadline: string;
  matchPercent: string;
  matchCap: string;
}

const EMPTY: GoalForm = { name: '', target: '', deadline: '', matchPercent: '', matchCap: '' };

export default function GoalsPage() {
  const session = useSession();
  const { t, family, money, exponents, liveTick } = session;
  const familyId = family?.id ?? '';
  const currency = family?.currency ?? 'EUR';
  const today = todayIn(family?.timezone ?? 'UTC');
  const data = useLoad(async () => {
    if (!familyId) return undefined;
    const [goals, members] = await Promise.all([
      session.client.rest.GET('/v1/families/{familyId}/goals', {
        params: { path: { familyId }, query: { limit: 200 } },
      }),
      session.client.rest.GET('/v1/families/{familyId}/members', { params: { path: { familyId } } }),
    ]);
    const items = unwrap(goals).items;
    const people = unwrap(members).items;
    const kids = people.filter((m) => m.role === 'CHILD');
    // What the parents matched so far, per goal, and each child's Save jar.
    const [matched, balances] = await Promise.all([
      Promise.all(
        items.map(async (g) => {
          const page = unwrap(
            await session.client.rest.GET('/v1/families/{familyId}/goals/{goalId}/contributions', {
              params: { path: { familyId, goalId: g.id }, query: { limit: 200 } },
            }),
          );
          return [g.id, page.items.reduce((sum, c) => sum + c.matchedMinor, 0)] as const;
        }),
      ),
      Promise.all(
        kids.map(async (k) =>
          unwrap(
            await session.client.rest.GET('/v1/families/{familyId}/members/{memberId}/balance', {
              params: { path: { familyId, memberId: k.id } },
            }),
          ),
        ),
      ),
    ]);
    return {
      goals: items,
      members: people,
      matched: new Map(matched),
      balances: new Map(balances.map((b) => [b.memberId, b])),
    };
  }, [familyId, liveTick]);
  const members = data.data?.members ?? [];
  const children = members.filter((m) => m.role === 'CHILD');
  const names = new Map(members.map((m) => [m.id, m.displayName]));
  // Children first (each, even without goals), then anyone else who owns a goal.
  const owners = [
    ...children.map((c) => c.id),
    ...members
      .filter((m) => m.role !== 'CHILD' && data.data?.goals.some((g) => g.ownerMemberId === m.id))
      .map((m) => m.id),
  ];
  const [ownerId, setOwnerId] = useState('');
  const [form, setForm] = useState<GoalForm>(EMPTY);
  const add = useAction();

  const fail = (detail: string): never => {
    throw new ApiError(400, { detail });
  };
  const amountOrThrow = (label: string, text: string, allowZero = false) => {
    const minor = parseMoney(text, currency, exponents);
    if (minor === undefined || minor < 0 || (!allowZero && minor === 0)) fail(`${label}: “${text}”`);
    return minor!;
  };
  const percentOrThrow = (text: string) => {
    const percent = Number(text);
    if (!Number.isInteger(percent) || percent < 1 || percent > 300) fail(`${t('goalMatchPercent')}: “${text}”`);
    return percent;
  };

  return (
    <Shell title={t('goals')} parentOnly>
      <ErrorMessage error={data.error} />
      {data.loading && !data.data && <Loading />}
      {data.data &&
        owners.map((id) => {
          const goals = data.data!.goals.filter((g) => g.ownerMemberId === id);
          const balance = data.data!.balances.get(id);
          return (
            <section
              key={id}
              className="card"
              aria-labelledby={`goals-${id}-h`}
              data-testid={`goals-of-${names.get(id)}`}
            >
              <h2 id={`goals-${id}-h`}>{names.get(id)}</h2>
              {balance && (
                <p className="muted">{t('goalSaveJarHas', { amount: money(balance.saveMinor, balance.currency) })}</p>
              )}
              {goals.length === 0 && <p className="muted">{t('noGoals')}</p>}
              <ul className="plain">
                {goals.map((g) => (
                  <GoalItem
                    key={g.id}
                    goal={g}
                    ownerName={names.get(id) ?? ''}
                    matchedMinor={data.data!.matched.get(g.id) ?? 0}
                    today={today}
                    onChanged={data.reload}
                  />
                ))}
              </ul>
            </section>
          );
        })}

      <section className="card" aria-labelledby="add-goal-h">
        <h2 id="add-goal-h">{t('addGoal')}</h2>
        {data.data && children.length === 0 && <p className="muted">{t('plansNoChildren')}</p>}
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              const targetMinor = amountOrThrow(t('goalTarget'), form.target);
              const matching = form.matchPercent.trim()
                ? {
                    percent: percentOrThrow(form.matchPercent),
                    ...(form.matchCap.trim()
                      ? { monthlyCapMinor: amountOrThrow(t('goalMatchCap'), form.matchCap, true) }
                      : {}),
                  }
                : undefined;
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/goals', {
                  params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
                  body: {
                    ownerMemberId: ownerId || children[0]?.id || '',
                    name: form.name,
                    targetMinor,
                    ...(form.deadline ? { deadline: form.deadline } : {}),
                    ...(matching ? { matching } : {}),
                  },
                }),
              );
              setForm(EMPTY);
              await data.reload();
            });
          }}
        >
          <Field label={t('allowanceChild')}>
            <select
              name="goalOwner"
              value={ownerId || children[0]?.id || ''}
              onChange={(e) => setOwnerId(e.target.value)}
            >
              {children.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
          </Field>
          <GoalFields value={form} onChange={setForm} currency={currency} today={today} />
          <button type="submit" disabled={add.pending || children.length === 0}>
            {add.pending ? t('loading') : t('addGoal')}
          </button>
        </form>
        <ErrorMessage error={add.error} />
      </section>
    </Shell>
  );
}

/** Name, target, deadline and the parents' matching: the same when adding and editing. */
function GoalFields({
  value,
  onChange,
  currency,
  today,
}: {
  value: GoalForm;
  onChange(next: GoalForm): void;
  currency: string;
  today: string;
}) {
  const { t } = useSession();
  const set = (patch: Partial<GoalForm>) => onChange({ ...value, ...patch });
  return (
    <>
      <Field label={t('goalName')}>
        <input
          name="goalName"
          required
          maxLength={100}
          value={value.name}
          onChange={(e) => set({ name: e.target.value })}
        />
      </Field>
      <Field label={`${t('goalTarget')} (${currency})`}>
        <input
          name="goalTarget"
          inputMode="decimal"
          required
          value={value.target}
          onChange={(e) => set({ target: e.target.value })}
        />
      </Field>
      <Field label={t('goalDeadline')}>
        <input type="date" min={today} value={value.deadline} onChange={(e) => set({ deadline: e.target.value })} />
      </Field>
      <Field label={t('goalMatchPercent')}>
        <input
          name="goalMatchPercent"
          type="number"
          min={1}
          max={300}
          value={value.matchPercent}
          onChange={(e) => set({ matchPercent: e.target.value })}
        />
      </Field>
      <Field label={`${t('goalMatchCap')} (${currency})`}>
        <input
          name="goalMatchCap"
          inputMode="decimal"
          disabled={!value.matchPercent.trim()}
          value={value.matchCap}
          onChange={(e) => set({ matchCap: e.target.value })}
        />
      </Field>
    </>
  );
}

/** One goal: its progress and the money moving in and out, its edit form, stop and delete. */
function GoalItem({
  goal: g,
  ownerName,
  matchedMinor,
  today,
  onChanged,
}: {
  goal: Goal;
  ownerName: string;
  matchedMinor: number;
  today: string;
  onChanged(): Promise<void>;
}) {
  const session = useSession();
  const { t, family, money, exponents, locale } = session;
  const familyId = family?.id ?? '';
  const exponent = exponents.get(g.currency) ?? 2;
  const toText = (minor: number) => (minor / 10 ** exponent).toFixed(exponent);
  const [source, setSource] = useState<Source>('SAVE_JAR');
  const [amount, setAmount] = useState('');
  const [out, setOut] = useState('');
  const [lastMatched, setLastMatched] = useState<number>();
  const [editing, setEditing] = useState<{ goal: Goal; form: GoalForm; conflict: boolean }>();
  const [deleting, setDeleting] = useState(false);
  const act = useAction();
  const active = g.status === 'ACTIVE';
  const percent = Math.round((100 * g.savedMinor) / Math.max(1, g.targetMinor));

  const amountOrThrow = (label: string, text: string, allowZero = false) => {
    const minor = parseMoney(text, g.currency, exponents);
    if (minor === undefined || minor < 0 || (!allowZero && minor === 0))
      throw new ApiError(400, { detail: `${label}: “${text}”` });
    return minor;
  };
  const toForm = (goal: Goal): GoalForm => ({
    name: goal.name,
    target: toText(goal.targetMinor),
    deadline: goal.deadline ?? '',
    matchPercent: goal.matching ? String(goal.matching.percent) : '',
    matchCap: goal.matching ? toText(goal.matching.monthlyCapMinor) : '',
  });

  if (editing) {
    return (
      <li style={{ display: 'block' }}>
        <form
          className="inline"
          aria-label={t('editGoal', { name: g.name })}
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(async () => {
              const f = editing.form;
              const percentText = f.matchPercent.trim();
              const matchPercent = Number(percentText);
              if (percentText && (!Number.isInteger(matchPercent) || matchPercent < 1 || matchPercent > 300))
                throw new ApiError(400, { detail: `${t('goalMatchPercent')}: “${f.matchPercent}”` });
              const body = {
                name: f.name,
                ...(active ? { targetMinor: amountOrThrow(t('goalTarget'), f.target) } : {}),
                deadline: f.deadline || null,
                matching: percentText
                  ? {
                      percent: matchPercent,
                      monthlyCapMinor: f.matchCap.trim() ? amountOrThrow(t('goalMatchCap'), f.matchCap, true) : 0,
                    }
                  : null,
              };
              const r = await session.client.rest.PATCH('/v1/families/{familyId}/goals/{goalId}', {
                params: { path: { familyId, goalId: g.id }, header: ifMatch(editing.goal.version) },
                body,
              });
              if (r.response.status === 412) {
                // Someone saved first: show their version and keep the form open.
                const fresh = unwrap(
                  await session.client.rest.GET('/v1/families/{familyId}/goals/{goalId}', {
                    params: { path: { familyId, goalId: g.id } },
                  }),
                );
                setEditing({ goal: fresh, form: toForm(fresh), conflict: true });
                await onChanged();
                return;
              }
              unwrap(r);
              setEditing(undefined);
              await onChanged();
            });
          }}
        >
          {editing.conflict && (
            <p className="error" role="alert">
              {t('goalConflict')}
            </p>
          )}
          <GoalFields
            value={editing.form}
            onChange={(form) => setEditing({ ...editing, form })}
            currency={g.currency}
            today={today}
          />
          <button type="submit" disabled={act.pending}>
            {act.pending ? t('loading') : t('save')}
          </button>
          <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
            {t('cancel')}
          </button>
          <ErrorMessage error={act.error} />
        </form>
      </li>
    );
  }

  return (
    <li style={{ display: 'block' }} data-testid={`goal-${g.name}`}>
      <p style={{ margin: '0 0 0.25rem' }}>
        <strong>{g.name}</strong>{' '}
        <span className="amount">
          {t('goalSavedOf', { saved: money(g.savedMinor, g.currency), target: money(g.targetMinor, g.currency) })}
        </span>{' '}
        <span className="muted">· {t(`goal${g.status}`)}</span>
      </p>
      <Progress percent={percent} label={`${g.name} ${percent}%`} />
      <p className="muted" style={{ margin: '0.25rem 0' }}>
        {[
          g.matching
            ? `${t('goalMatchingRule', { percent: g.matching.percent })}${
                g.matching.monthlyCapMinor > 0
                  ? ` ${t('goalMatchingCap', { cap: money(g.matching.monthlyCapMinor, g.currency) })}`
                  : ''
              }`
            : t('goalMatchOff'),
          t('goalMatchedTotal', { amount: money(matchedMinor, g.currency) }),
          g.deadline ? t('goalDeadlineOn', { date: formatDay(g.deadline, locale) }) : '',
          g.projectedOn ? t('projected', { date: formatDay(g.projectedOn, locale) }) : '',
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <div role="status" aria-live="polite">
        {lastMatched !== undefined && lastMatched > 0
          ? t('goalLastMatched', { amount: money(lastMatched, g.currency) })
          : ''}
      </div>
      {active && (
        <form
          className="inline"
          aria-label={t('goalContributeTo', { name: g.name })}
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(async () => {
              const r = unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/goals/{goalId}/contributions', {
                  params: { path: { familyId, goalId: g.id }, header: { 'Idempotency-Key': idempotencyKey() } },
                  body: { source, amountMinor: amountOrThrow(t('amount'), amount) },
                }),
              );
              setLastMatched(r.contribution.matchedMinor);
              setAmount('');
              await onChanged();
            });
          }}
        >
          <Field label={t('goalSource')}>
            <select value={source} onChange={(e) => setSource(e.target.value as Source)}>
              <option value="SAVE_JAR">{t('goalFromSaveJar', { name: ownerName })}</option>
              <option value="PARENT_GIFT">{t('goalParentGift')}</option>
            </select>
          </Field>
          <Field label={`${t('amount')} (${g.currency})`}>
            <input inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} />
          </Field>
          <button type="submit" disabled={act.pending} aria-label={t('goalContributeTo', { name: g.name })}>
            {t('goalContribute')}
          </button>
        </form>
      )}
      {g.savedMinor > 0 && g.status !== 'CANCELLED' && (
        <form
          className="inline"
          aria-label={t('goalWithdrawFrom', { name: g.name })}
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(async () => {
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/goals/{goalId}/withdraw', {
                  params: { path: { familyId, goalId: g.id }, header: { 'Idempotency-Key': idempotencyKey() } },
                  body: { amountMinor: amountOrThrow(t('goalWithdraw'), out) },
                }),
              );
              setOut('');
              await onChanged();
            });
          }}
        >
          <Field label={`${t('goalWithdraw')} (${g.currency})`}>
            <input inputMode="decimal" required value={out} onChange={(e) => setOut(e.target.value)} />
          </Field>
          <button
            type="submit"
            className="secondary"
            disabled={act.pending}
            aria-label={t('goalWithdrawFrom', { name: g.name })}
          >
            {t('goalWithdraw')}
          </button>
        </form>
      )}
      <div className={styles.row}>
        {deleting ? (
          <span role="group" aria-label={t('plansConfirmDelete')}>
            {t('plansConfirmDelete')}{' '}
            <button
              type="button"
              disabled={act.pending}
              onClick={() =>
                void act.run(async () => {
                  unwrap(
                    await session.client.rest.DELETE('/v1/families/{familyId}/goals/{goalId}', {
                      params: { path: { familyId, goalId: g.id }, header: ifMatch(g.version) },
                    }),
                  );
                  setDeleting(false);
                  await onChanged();
                })
              }
            >
              {t('plansYesDelete')}
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setDeleting(false)}>
              {t('plansKeep')}
            </button>
          </span>
        ) : (
          <>
            <button
              type="button"
              className="secondary"
              aria-label={t('editGoal', { name: g.name })}
              onClick={() => setEditing({ goal: g, form: toForm(g), conflict: false })}
            >
              {t('edit')}
            </button>
            {active && (
              <button
                type="button"
                className="secondary"
                disabled={act.pending}
                aria-label={t('stopGoal', { name: g.name })}
                onClick={() =>
                  void act.run(async () => {
                    unwrap(
                      await session.client.rest.POST('/v1/families/{familyId}/goals/{goalId}/cancel', {
                        params: {
                          path: { familyId, goalId: g.id },
                          header: { 'Idempotency-Key': idempotencyKey(), ...ifMatch(g.version) },
                        },
                      }),
                    );
                    await onChanged();
                  })
                }
              >
                {t('goalStop')}
              </button>
            )}
            <button
              type="button"
              className="secondary"
              aria-label={t('deleteGoal', { name: g.name })}
              onClick={() => setDeleting(true)}
            >
              {t('plansDelete')}
            </button>
          </>
        )}
      </div>
      <ErrorMessage error={act.error} />
    </li>
  );
}
