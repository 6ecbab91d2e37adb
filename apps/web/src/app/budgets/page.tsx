'use client';
// Budgets with this period's status; a parent adds one (family-wide or for a category).
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, Progress, useAction, useLoad } from '../../components/ui';
import { formatDay } from '../../lib/dates';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';
import { useCategories } from '../../lib/categories';

type Period = 'WEEK' | 'MONTH' | 'YEAR';

export default function BudgetsPage() {
  const session = useSession();
  const { t, family, money, exponents, locale } = session;
  const familyId = family?.id ?? '';
  const currency = family?.currency ?? 'EUR';
  const budgets = useLoad(async () => {
    if (!familyId) return [];
    return unwrap(await session.client.rest.GET('/v1/families/{familyId}/budgets', { params: { path: { familyId } } }))
      .items;
  }, [familyId]);
  const categories = useCategories();
  const [form, setForm] = useState<{ name: string; amount: string; period: Period; categoryId: string }>({
    name: '',
    amount: '',
    period: 'MONTH',
    categoryId: '',
  });
  const add = useAction();

  return (
    <Shell title={t('budgets')} parentOnly>
      <section className="card">
        <ErrorMessage error={budgets.error} />
        {budgets.loading && !budgets.data && <Loading />}
        {budgets.data?.length === 0 && <p className="muted">{t('noBudgets')}</p>}
        <ul className="plain">
          {budgets.data?.map((b) => (
            <li key={b.id} style={{ display: 'block' }} data-testid={`budget-${b.name}`}>
              <strong>{b.name}</strong>{' '}
              <span className="amount">
                {t('spentOf', {
                  spent: money(b.status.spentMinor, b.currency),
                  total: money(b.amountMinor, b.currency),
                })}
              </span>{' '}
              <span className="muted">
                {formatDay(b.status.periodStart, locale)} – {formatDay(b.status.periodEnd, locale)}
              </span>
              <Progress percent={b.status.percent} label={`${b.name} ${b.status.percent}%`} />
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="add-budget-h">
        <h2 id="add-budget-h">{t('addBudget')}</h2>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              const amountMinor = parseMoney(form.amount, currency, exponents);
              if (amountMinor === undefined || amountMinor <= 0)
                throw new ApiError(400, { detail: `${t('amount')}: “${form.amount}”` });
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/budgets', {
                  params: { path: { familyId } },
                  body: {
                    name: form.name,
                    amountMinor,
                    period: form.period,
                    ...(form.categoryId ? { categoryId: form.categoryId } : {}),
                  },
                }),
              );
              setForm({ name: '', amount: '', period: 'MONTH', categoryId: '' });
              await budgets.reload();
            });
          }}
        >
          <Field label={t('budgetName')}>
            <input
              name="budgetName"
              required
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </Field>
          <Field label={`${t('amount')} (${currency})`}>
            <input
              name="budgetAmount"
              inputMode="decimal"
              required
              value={form.amount}
              onChange={(e) => setForm({ ...form, amount: e.target.value })}
            />
          </Field>
          <Field label={t('period')}>
            <select value={form.period} onChange={(e) => setForm({ ...form, period: e.target.value as Period })}>
              <option value="WEEK">WEEK</option>
              <option value="MONTH">MONTH</option>
              <option value="YEAR">YEAR</option>
            </select>
          </Field>
          <Field label={t('category')}>
            <select value={form.categoryId} onChange={(e) => setForm({ ...form, categoryId: e.target.value })}>
              <option value="">{t('none')}</option>
              {categories.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" disabled={add.pending}>
            {t('addBudget')}
          </button>
        </form>
        <ErrorMessage error={add.error} />
      </section>
    </Shell>
  );
}
