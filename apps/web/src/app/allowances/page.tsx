'use client';
// Allowances: a parent gives a child money every week, two weeks or month, split into the jars (or by
// the child's default), optionally only when enough chores were approved; edit with If-Match, delete.
import { idempotencyKey, ifMatch, type components } from '@family/sdk';
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import { formatDay, todayIn } from '../../lib/dates';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';
import styles from './allowances.module.css';

type Allowance = components['schemas']['Allowance'];
type Frequency = components['schemas']['AllowanceFrequency'];
type DayOfWeek = components['schemas']['DayOfWeek'];

const FREQUENCIES: Frequency[] = ['WEEKLY', 'BIWEEKLY', 'MONTHLY'];
const WEEKDAYS: DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

interface ScheduleForm {
  amount: string;
  frequency: Frequency;
  dayOfWeek: DayOfWeek;
  dayOfMonth: string;
  startOn: string;
  useDefaultSplit: boolean;
  spend: string;
  save: string;
  give: string;
  minChores: string;
  paused: boolean;
}

const EMPTY: ScheduleForm = {
  amount: '',
  frequency: 'WEEKLY',
  dayOfWeek: 'SATURDAY',
  dayOfMonth: '1',
  startOn: '',
  useDefaultSplit: true,
  spend: '50',
  save: '40',
  give: '10',
  minChores: '',
  paused: false,
};

/** The weekday's name in `locale` (1 January 2024 was a Monday; shown in UTC, so never shifted). */
function weekdayName(day: DayOfWeek, locale: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day), 12)),
  );
}

export default function AllowancesPage() {
  const session = useSession();
  const { t, family, money, exponents, locale } = session;
  const familyId = family?.id ?? '';
  const currency = family?.currency ?? 'EUR';
  const today = todayIn(family?.timezone ?? 'UTC');
  const data = useLoad(async () => {
    if (!familyId) return undefined;
    const [allowances, members] = await Promise.all([
      session.client.rest.GET('/v1/families/{familyId}/allowances', {
        params: { path: { familyId }, query: { limit: 200 } },
      }),
      session.client.rest.GET('/v1/families/{familyId}/members', { params: { path: { familyId } } }),
    ]);
    return { allowances: unwrap(allowances).items, members: unwrap(members).items };
  }, [familyId]);
  const children = data.data?.members.filter((m) => m.role === 'CHILD') ?? [];
  const names = new Map(data.data?.members.map((m) => [m.id, m.displayName]));
  const [memberId, setMemberId] = useState('');
  const [form, setForm] = useState<ScheduleForm>(EMPTY);
  const add = useAction();
  const [editing, setEditing] = useState<{ allowance: Allowance; form: ScheduleForm; conflict: boolean }>();
  const edit = useAction();
  const [deleting, setDeleting] = useState<string>();
  const remove = useAction();

  const fail = (detail: string): never => {
    throw new ApiError(400, { detail });
  };
  /** What the form says, checked here first: a positive amount, shares summing to 100, a whole percent. */
  const schedule = (f: ScheduleForm) => {
    const amountMinor = parseMoney(f.amount, currency, exponents);
    if (amountMinor === undefined || amountMinor <= 0) fail(`${t('amount')}: “${f.amount}”`);
    const split = { spend: Number(f.spend), save: Number(f.save), give: Number(f.give) };
    if (!f.useDefaultSplit) {
      const parts = [split.spend, split.save, split.give];
      const sum = parts.reduce((a, b) => a + b, 0);
      if (parts.some((p) => !Number.isInteger(p) || p < 0) || sum !== 100) fail(t('jarSplitMustBe100', { sum }));
    }
    const minChores = f.minChores.trim() === '' ? undefined : Number(f.minChores);
    if (minChores !== undefined && (!Number.isInteger(minChores) || minChores < 1 || minChores > 100))
      fail(`${t('allowanceMinChores')}: “${f.minChores}”`);
    return {
      amountMinor: amountMinor!,
      frequency: f.frequency,
      ...(f.frequency === 'MONTHLY' ? { dayOfMonth: Number(f.dayOfMonth) } : { dayOfWeek: f.dayOfWeek }),
      split: f.useDefaultSplit ? undefined : split,
      condition: minChores === undefined ? undefined : { minChoreCompletionPercent: minChores },
      paused: f.paused,
    };
  };

  const toForm = (a: Allowance): ScheduleForm => ({
    amount: (a.amountMinor / 10 ** (exponents.get(a.currency) ?? 2)).toFixed(exponents.get(a.currency) ?? 2),
    frequency: a.frequency,
    dayOfWeek: a.dayOfWeek ?? 'SATURDAY',
    dayOfMonth: String(a.dayOfMonth ?? 1),
    startOn: a.startOn,
    useDefaultSplit: !a.split,
    spend: String(a.split?.spend ?? 50),
    save: String(a.split?.save ?? 40),
    give: String(a.split?.give ?? 10),
    minChores: a.condition ? String(a.condition.minChoreCompletionPercent) : '',
    paused: a.paused,
  });

  const describe = (a: Allowance) =>
    [
      t(`allowanceEvery${a.frequency}`),
      a.frequency === 'MONTHLY' ? `${t('allowanceDayOfMonth')} ${a.dayOfMonth ?? ''}` : '',
      a.frequency !== 'MONTHLY' && a.dayOfWeek ? weekdayName(a.dayOfWeek, locale) : '',
      a.split
        ? `${t('spendJar')} ${a.split.spend} % / ${t('saveJar')} ${a.split.save} % / ${t('giveJar')} ${a.split.give} %`
        : t('allowanceDefaultSplit'),
      a.condition ? t('allowanceCondition', { percent: a.condition.minChoreCompletionPercent }) : '',
    ]
      .filter(Boolean)
      .join(' · ');

  return (
    <Shell title={t('allowances')} parentOnly>
      <section className="card">
        <ErrorMessage error={data.error} />
        {data.loading && !data.data && <Loading />}
        {data.data?.allowances.length === 0 && <p className="muted">{t('noAllowances')}</p>}
        <ErrorMessage error={remove.error} />
        <ul className="plain" data-testid="allowance-list">
          {data.data?.allowances.map((a) => {
            const name = names.get(a.memberId) ?? '';
            if (editing?.allowance.id === a.id) {
              return (
                <li key={a.id} style={{ display: 'block' }}>
                  <form
                    aria-label={`${t('edit')} ${t('allowanceFor', { name })}`}
                    onSubmit={(e) => {
                      e.preventDefault();
                      void edit.run(async () => {
                        const next = schedule(editing.form);
                        const r = await session.client.rest.PATCH('/v1/families/{familyId}/allowances/{allowanceId}', {
                          params: {
                            path: { familyId, allowanceId: a.id },
                            header: ifMatch(editing.allowance.version),
                          },
                          body: {
                            ...next,
                            split: next.split ?? null,
                            condition: next.condition ?? null,
                            ...(editing.form.startOn && editing.form.startOn !== editing.allowance.startOn
                              ? { startOn: editing.form.startOn }
                              : {}),
                          },
                        });
                        if (r.response.status === 412) {
                          // Someone saved first: show their version and keep the form open.
                          const fresh = unwrap(
                            await session.client.rest.GET('/v1/families/{familyId}/allowances/{allowanceId}', {
                              params: { path: { familyId, allowanceId: a.id } },
                            }),
                          );
                          setEditing({ allowance: fresh, form: toForm(fresh), conflict: true });
                          await data.reload();
                          return;
                        }
                        unwrap(r);
                        setEditing(undefined);
                        await data.reload();
                      });
                    }}
                  >
                    <h3>{t('allowanceFor', { name })}</h3>
                    {editing.conflict && (
                      <p className="error" role="alert">
                        {t('allowanceConflict')}
                      </p>
                    )}
                    <ScheduleFields
                      value={editing.form}
                      onChange={(f) => setEditing({ ...editing, form: f })}
                      currency={currency}
                      today={today}
                    />
                    <div className={styles.row}>
                      <button type="submit" disabled={edit.pending}>
                        {edit.pending ? t('loading') : t('save')}
                      </button>{' '}
                      <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
                        {t('cancel')}
                      </button>
                    </div>
                    <ErrorMessage error={edit.error} />
                  </form>
                </li>
              );
            }
            return (
              <li key={a.id} data-testid={`allowance-${name}`}>
                <span>
                  <strong>{name}</strong> <span className="amount">{money(a.amountMinor, a.currency)}</span>{' '}
                  <span className="muted">
                    {describe(a)}
                    <br />
                    {a.paused
                      ? t('allowancePaused')
                      : a.nextPayday
                        ? t('allowanceNextPayday', { date: formatDay(a.nextPayday, locale) })
                        : ''}
                    {a.lastPaidOn ? ` · ${t('allowanceLastPaid', { date: formatDay(a.lastPaidOn, locale) })}` : ''}
                  </span>
                </span>
                {deleting === a.id ? (
                  <span role="group" aria-label={t('plansConfirmDelete')}>
                    {t('plansConfirmDelete')}{' '}
                    <button
                      type="button"
                      disabled={remove.pending}
                      onClick={() =>
                        void remove.run(async () => {
                          unwrap(
                            await session.client.rest.DELETE('/v1/families/{familyId}/allowances/{allowanceId}', {
                              params: { path: { familyId, allowanceId: a.id }, header: ifMatch(a.version) },
                            }),
                          );
                          setDeleting(undefined);
                          await data.reload();
                        })
                      }
                    >
                      {t('plansYesDelete')}
                    </button>{' '}
                    <button type="button" className="secondary" onClick={() => setDeleting(undefined)}>
                      {t('plansKeep')}
                    </button>
                  </span>
                ) : (
                  <span>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`${t('edit')} ${t('allowanceFor', { name })}`}
                      onClick={() => setEditing({ allowance: a, form: toForm(a), conflict: false })}
                    >
                      {t('edit')}
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`${t('plansDelete')} ${t('allowanceFor', { name })}`}
                      onClick={() => setDeleting(a.id)}
                    >
                      {t('plansDelete')}
                    </button>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="card" aria-labelledby="add-allowance-h">
        <h2 id="add-allowance-h">{t('addAllowance')}</h2>
        {data.data && children.length === 0 && <p className="muted">{t('plansNoChildren')}</p>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              const next = schedule(form);
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/allowances', {
                  params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
                  body: {
                    memberId: memberId || children[0]?.id || '',
                    amountMinor: next.amountMinor,
                    frequency: next.frequency,
                    ...('dayOfWeek' in next ? { dayOfWeek: next.dayOfWeek } : { dayOfMonth: next.dayOfMonth }),
                    ...(next.split ? { split: next.split } : {}),
                    ...(next.condition ? { condition: next.condition } : {}),
                    ...(form.startOn ? { startOn: form.startOn } : {}),
                    paused: next.paused,
                  },
                }),
              );
              setForm(EMPTY);
              await data.reload();
            });
          }}
        >
          <div className={styles.row}>
            <Field label={t('allowanceChild')}>
              <select
                name="allowanceChild"
                value={memberId || children[0]?.id || ''}
                onChange={(e) => setMemberId(e.target.value)}
              >
                {children.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.displayName}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <ScheduleFields value={form} onChange={setForm} currency={currency} today={today} />
          <div className={styles.row}>
            <button type="submit" disabled={add.pending || children.length === 0}>
              {add.pending ? t('loading') : t('addAllowance')}
            </button>
          </div>
        </form>
        <ErrorMessage error={add.error} />
      </section>
    </Shell>
  );
}

/** Amount, cadence and payday, first day, jar split, chore condition and pause: the same when adding and editing. */
function ScheduleFields({
  value,
  onChange,
  currency,
  today,
}: {
  value: ScheduleForm;
  onChange(next: ScheduleForm): void;
  currency: string;
  today: string;
}) {
  const { t, locale } = useSession();
  const set = (patch: Partial<ScheduleForm>) => onChange({ ...value, ...patch });
  return (
    <>
      <div className={styles.row}>
        <Field label={`${t('amount')} (${currency})`}>
          <input
            name="allowanceAmount"
            inputMode="decimal"
            required
            value={value.amount}
            onChange={(e) => set({ amount: e.target.value })}
          />
        </Field>
        <Field label={t('allowanceFrequency')}>
          <select value={value.frequency} onChange={(e) => set({ frequency: e.target.value as Frequency })}>
            {FREQUENCIES.map((f) => (
              <option key={f} value={f}>
                {t(`allowanceEvery${f}`)}
              </option>
            ))}
          </select>
        </Field>
        {value.frequency === 'MONTHLY' ? (
          <Field label={t('allowanceDayOfMonth')}>
            <input
              type="number"
              min={1}
              max={31}
              required
              value={value.dayOfMonth}
              onChange={(e) => set({ dayOfMonth: e.target.value })}
            />
          </Field>
        ) : (
          <Field label={t('allowancePayday')}>
            <select value={value.dayOfWeek} onChange={(e) => set({ dayOfWeek: e.target.value as DayOfWeek })}>
              {WEEKDAYS.map((d) => (
                <option key={d} value={d}>
                  {weekdayName(d, locale)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('allowanceStartOn')}>
          <input type="date" min={today} value={value.startOn} onChange={(e) => set({ startOn: e.target.value })} />
        </Field>
      </div>
      <fieldset className={styles.jars}>
        <legend>{t('allowanceJarSplit')}</legend>
        <label>
          <input
            type="checkbox"
            checked={value.useDefaultSplit}
            onChange={(e) => set({ useDefaultSplit: e.target.checked })}
          />{' '}
          {t('allowanceUseDefaultSplit')}
        </label>
        {!value.useDefaultSplit &&
          (['spend', 'save', 'give'] as const).map((jar) => (
            <Field key={jar} label={t('jarPercent', { jar: t(`${jar}Jar`) })}>
              <input
                type="number"
                min={0}
                max={100}
                required
                value={value[jar]}
                onChange={(e) => set({ [jar]: e.target.value })}
              />
            </Field>
          ))}
      </fieldset>
      <div className={styles.row}>
        <Field label={t('allowanceMinChores')}>
          <input
            type="number"
            min={1}
            max={100}
            value={value.minChores}
            onChange={(e) => set({ minChores: e.target.value })}
          />
        </Field>
        <label>
          <input type="checkbox" checked={value.paused} onChange={(e) => set({ paused: e.target.checked })} />{' '}
          {t('allowancePaused')}
        </label>
      </div>
    </>
  );
}
