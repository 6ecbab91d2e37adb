'use client';
// Recurring expenses: the schedules with their next date, add (with an idempotency key), edit with
// If-Match, delete, and the preview of the next occurrences; parents only.
import { idempotencyKey, ifMatch, type components } from '@family/sdk';
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import { formatDay, todayIn } from '../../lib/dates';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';
import { useCategories, type Category } from '../../lib/categories';

type Recurring = components['schemas']['RecurringExpense'];
type Frequency = components['schemas']['RecurringFrequency'];
type Member = components['schemas']['Member'];

const FREQUENCIES: Frequency[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

interface Draft {
  description: string;
  amount: string;
  merchant: string;
  categoryId: string;
  memberId: string;
  frequency: Frequency;
  interval: string;
  startOn: string;
  endOn: string;
  paused: boolean;
}

export default function RecurringPage() {
  const session = useSession();
  const { t, family, money, locale, exponents, member } = session;
  const familyId = family?.id ?? '';
  const list = useLoad(async () => {
    if (!familyId) return [];
    return unwrap(
      await session.client.rest.GET('/v1/families/{familyId}/recurring-expenses', {
        params: { path: { familyId }, query: { limit: 200 } },
      }),
    ).items;
  }, [familyId]);
  const members = useLoad(async () => {
    if (!familyId) return [];
    return unwrap(await session.client.rest.GET('/v1/families/{familyId}/members', { params: { path: { familyId } } }))
      .items;
  }, [familyId]);
  const categories = useCategories();
  const [editing, setEditing] = useState<{ item: Recurring; conflict: boolean }>();
  const [removing, setRemoving] = useState<string>();
  const remove = useAction();
  const [preview, setPreview] = useState<{ id: string; dates: string[] }>();
  const previewing = useAction();
  const memberName = new Map(members.data?.map((m) => [m.id, m.displayName]));
  const categoryName = new Map(categories.data?.map((c) => [c.id, c.name]));
  const today = todayIn(family?.timezone ?? 'UTC');

  const empty: Draft = {
    description: '',
    amount: '',
    merchant: '',
    categoryId: '',
    memberId: member?.id ?? '',
    frequency: 'MONTHLY',
    interval: '1',
    startOn: today,
    endOn: '',
    paused: false,
  };
  const draftOf = (x: Recurring): Draft => {
    const exponent = exponents.get(x.template.currency) ?? 2;
    return {
      description: x.template.description,
      amount: (x.template.amountMinor / 10 ** exponent).toFixed(exponent),
      merchant: x.template.merchant ?? '',
      categoryId: x.template.categoryId ?? '',
      memberId: x.template.memberId,
      frequency: x.frequency,
      interval: String(x.interval),
      startOn: x.startOn,
      endOn: x.endOn ?? '',
      paused: x.paused,
    };
  };
  /** The checked parts of a draft every write shares. */
  const checked = (d: Draft, currency: string) => {
    const amountMinor = parseMoney(d.amount, currency, exponents);
    if (amountMinor === undefined || amountMinor <= 0)
      throw new ApiError(400, { detail: `${t('amount')}: “${d.amount}”` });
    const interval = Number(d.interval || '1');
    if (!Number.isInteger(interval) || interval < 1 || interval > 366)
      throw new ApiError(400, { detail: `${t('every')}: “${d.interval}”` });
    return { amountMinor, interval };
  };

  return (
    <Shell title={t('recurring')} parentOnly>
      <section className="card" aria-labelledby="recurring-h">
        <h2 id="recurring-h">{t('recurring')}</h2>
        <ErrorMessage error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data?.length === 0 && <p className="muted">{t('noRecurring')}</p>}
        <ul className="plain" data-testid="recurring-list">
          {list.data?.map((x) =>
            editing?.item.id === x.id ? (
              <li key={x.id} style={{ display: 'block' }}>
                {editing.conflict && (
                  <p className="error" role="alert">
                    {t('changedMeanwhile')}
                  </p>
                )}
                <RecurringForm
                  key={`${x.id}-${editing.item.version}`}
                  label={`${t('editRecurring')} ${x.template.description}`}
                  submitLabel={t('save')}
                  initial={draftOf(editing.item)}
                  members={members.data ?? []}
                  categories={categories.data ?? []}
                  currency={editing.item.template.currency}
                  onCancel={() => setEditing(undefined)}
                  onSubmit={async (d) => {
                    const { amountMinor, interval } = checked(d, editing.item.template.currency);
                    const old = editing.item.template;
                    const r = await session.client.rest.PATCH(
                      '/v1/families/{familyId}/recurring-expenses/{recurringExpenseId}',
                      {
                        params: { path: { familyId, recurringExpenseId: x.id }, header: ifMatch(editing.item.version) },
                        body: {
                          // The template is replaced whole: keep what this form does not show.
                          template: {
                            memberId: d.memberId || old.memberId,
                            amountMinor,
                            currency: old.currency,
                            description: d.description,
                            ...(d.merchant ? { merchant: d.merchant } : {}),
                            ...(d.categoryId ? { categoryId: d.categoryId } : {}),
                            tags: old.tags,
                            ...(old.note ? { note: old.note } : {}),
                            ...(amountMinor === old.amountMinor ? { splits: old.splits } : {}),
                          },
                          frequency: d.frequency,
                          interval,
                          startOn: d.startOn,
                          endOn: d.endOn || null,
                          paused: d.paused,
                        },
                      },
                    );
                    if (r.response.status === 412) {
                      const fresh = unwrap(
                        await session.client.rest.GET(
                          '/v1/families/{familyId}/recurring-expenses/{recurringExpenseId}',
                          { params: { path: { familyId, recurringExpenseId: x.id } } },
                        ),
                      );
                      setEditing({ item: fresh, conflict: true });
                      await list.reload();
                      return false;
                    }
                    unwrap(r);
                    setEditing(undefined);
                    if (preview?.id === x.id) setPreview(undefined);
                    await list.reload();
                    return true;
                  }}
                />
              </li>
            ) : (
              <li key={x.id} style={{ display: 'block' }} data-testid={`recurring-${x.template.description}`}>
                <div
                  style={{
                    display: 'flex',
                    flexWrap: 'wrap',
                    gap: '0.5rem',
                    alignItems: 'center',
                    justifyContent: 'space-between',
                  }}
                >
                  <span>
                    <strong>{x.template.description}</strong>
                    {x.template.merchant ? ` · ${x.template.merchant}` : ''}{' '}
                    <span className="muted">
                      {x.interval === 1
                        ? t(`freq${x.frequency}`)
                        : t('everyN', { n: x.interval, frequency: t(`freq${x.frequency}`) })}
                      {' · '}
                      {memberName.get(x.template.memberId) ?? ''}
                      {' · '}
                      {x.template.categoryId ? categoryName.get(x.template.categoryId) : t('uncategorized')}
                      {' · '}
                      {x.paused
                        ? t('paused')
                        : x.nextOn
                          ? t('nextOn', { date: formatDay(x.nextOn, locale) })
                          : t('ended')}
                    </span>
                  </span>
                  <span>
                    <span className="amount">{money(x.template.amountMinor, x.template.currency)}</span>{' '}
                    <button
                      type="button"
                      className="secondary"
                      aria-expanded={preview?.id === x.id}
                      aria-controls={`preview-${x.id}`}
                      aria-label={`${preview?.id === x.id ? t('hidePreview') : t('preview')}: ${x.template.description}`}
                      disabled={previewing.pending}
                      onClick={() => {
                        if (preview?.id === x.id) {
                          setPreview(undefined);
                          return;
                        }
                        void previewing.run(async () => {
                          const r = unwrap(
                            await session.client.rest.GET(
                              '/v1/families/{familyId}/recurring-expenses/{recurringExpenseId}/preview',
                              { params: { path: { familyId, recurringExpenseId: x.id }, query: { count: 5 } } },
                            ),
                          );
                          setPreview({ id: x.id, dates: r.dates });
                        });
                      }}
                    >
                      {preview?.id === x.id ? t('hidePreview') : t('preview')}
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`${t('edit')} ${x.template.description}`}
                      onClick={() => {
                        setRemoving(undefined);
                        setEditing({ item: x, conflict: false });
                      }}
                    >
                      {t('edit')}
                    </button>{' '}
                    {removing === x.id ? (
                      <>
                        <button
                          type="button"
                          disabled={remove.pending}
                          onClick={() =>
                            void remove.run(async () => {
                              unwrap(
                                await session.client.rest.DELETE(
                                  '/v1/families/{familyId}/recurring-expenses/{recurringExpenseId}',
                                  {
                                    params: {
                                      path: { familyId, recurringExpenseId: x.id },
                                      header: ifMatch(x.version),
                                    },
                                  },
                                ),
                              );
                              setRemoving(undefined);
                              if (preview?.id === x.id) setPreview(undefined);
                              await list.reload();
                            })
                          }
                        >
                          {remove.pending ? t('loading') : `${t('confirmDelete')}: ${x.template.description}`}
                        </button>{' '}
                        <button type="button" className="secondary" onClick={() => setRemoving(undefined)}>
                          {t('cancel')}
                        </button>
                      </>
                    ) : (
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`${t('delete')} ${x.template.description}`}
                        onClick={() => {
                          remove.setError(undefined);
                          setRemoving(x.id);
                        }}
                      >
                        {t('delete')}
                      </button>
                    )}
                  </span>
                </div>
                {preview?.id === x.id && (
                  <div id={`preview-${x.id}`} data-testid={`preview-${x.template.description}`}>
                    <h3>{t('previewOf', { name: x.template.description })}</h3>
                    {preview.dates.length === 0 ? (
                      <p className="muted">{t('noNextDates')}</p>
                    ) : (
                      <ol>
                        {preview.dates.map((d) => (
                          <li key={d}>
                            <time dateTime={d}>{formatDay(d, locale)}</time>
                          </li>
                        ))}
                      </ol>
                    )}
                  </div>
                )}
              </li>
            ),
          )}
        </ul>
        {previewing.pending && <Loading />}
        <ErrorMessage error={previewing.error} />
        <ErrorMessage error={remove.error} />
      </section>

      <section className="card" aria-labelledby="add-recurring-h">
        <h2 id="add-recurring-h">{t('addRecurring')}</h2>
        <RecurringForm
          key={`new-${empty.memberId}-${empty.startOn}`}
          label={t('addRecurring')}
          submitLabel={t('addRecurring')}
          initial={empty}
          members={members.data ?? []}
          categories={categories.data ?? []}
          currency={family?.currency ?? 'EUR'}
          onSubmit={async (d) => {
            const currency = family?.currency ?? 'EUR';
            const { amountMinor, interval } = checked(d, currency);
            unwrap(
              await session.client.rest.POST('/v1/families/{familyId}/recurring-expenses', {
                params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
                body: {
                  template: {
                    amountMinor,
                    currency,
                    description: d.description,
                    ...(d.memberId ? { memberId: d.memberId } : {}),
                    ...(d.merchant ? { merchant: d.merchant } : {}),
                    ...(d.categoryId ? { categoryId: d.categoryId } : {}),
                  },
                  frequency: d.frequency,
                  interval,
                  startOn: d.startOn,
                  ...(d.endOn ? { endOn: d.endOn } : {}),
                  paused: d.paused,
                },
              }),
            );
            await list.reload();
            return true;
          }}
        />
      </section>
    </Shell>
  );
}

function RecurringForm({
  label,
  submitLabel,
  initial,
  members,
  categories,
  currency,
  onSubmit,
  onCancel,
}: {
  label: string;
  submitLabel: string;
  initial: Draft;
  members: Member[];
  categories: Category[];
  currency: string;
  /** true: saved (the form starts over). */
  onSubmit(draft: Draft): Promise<boolean>;
  onCancel?(): void;
}) {
  const { t } = useSession();
  const [draft, setDraft] = useState(initial);
  const save = useAction();

  return (
    <form
      className="inline"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(async () => {
          if (await onSubmit(draft)) setDraft(initial);
        });
      }}
    >
      <Field label={t('description')}>
        <input
          required
          maxLength={200}
          value={draft.description}
          onChange={(e) => setDraft({ ...draft, description: e.target.value })}
        />
      </Field>
      <Field label={`${t('amount')} (${currency})`}>
        <input
          required
          inputMode="decimal"
          value={draft.amount}
          onChange={(e) => setDraft({ ...draft, amount: e.target.value })}
        />
      </Field>
      <Field label={t('merchant')}>
        <input
          maxLength={100}
          value={draft.merchant}
          onChange={(e) => setDraft({ ...draft, merchant: e.target.value })}
        />
      </Field>
      <Field label={t('category')}>
        <select value={draft.categoryId} onChange={(e) => setDraft({ ...draft, categoryId: e.target.value })}>
          <option value="">{t('none')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('spender')}>
        <select value={draft.memberId} onChange={(e) => setDraft({ ...draft, memberId: e.target.value })}>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.displayName}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('frequency')}>
        <select
          value={draft.frequency}
          onChange={(e) => setDraft({ ...draft, frequency: e.target.value as Frequency })}
        >
          {FREQUENCIES.map((f) => (
            <option key={f} value={f}>
              {t(`freq${f}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('every')}>
        <input
          type="number"
          min={1}
          max={366}
          step={1}
          value={draft.interval}
          onChange={(e) => setDraft({ ...draft, interval: e.target.value })}
        />
      </Field>
      <Field label={t('startOn')}>
        <input
          type="date"
          required
          value={draft.startOn}
          onChange={(e) => setDraft({ ...draft, startOn: e.target.value })}
        />
      </Field>
      <Field label={t('endOn')}>
        <input type="date" value={draft.endOn} onChange={(e) => setDraft({ ...draft, endOn: e.target.value })} />
      </Field>
      <label className="field">
        <span>{t('paused')}</span>
        <input
          type="checkbox"
          checked={draft.paused}
          onChange={(e) => setDraft({ ...draft, paused: e.target.checked })}
        />
      </label>
      <button type="submit" disabled={save.pending}>
        {save.pending ? t('loading') : submitLabel}
      </button>
      {onCancel && (
        <button type="button" className="secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
      )}
      <ErrorMessage error={save.error} />
    </form>
  );
}
