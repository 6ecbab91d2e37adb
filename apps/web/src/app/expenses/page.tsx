'use client';
// Expenses: filters and search, add (with an idempotency key), edit with If-Match (a version
// conflict reloads the other version and says so), a parent's split across categories (parts checked
// to add up before sending), CSV export and import with row errors.
import { idempotencyKey, ifMatch, type components } from '@family/sdk';
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import { formatDay, todayIn } from '../../lib/dates';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';
import { useCategories } from '../../lib/categories';
import styles from './expenses.module.css';

type Expense = components['schemas']['Expense'];
type Category = components['schemas']['Category'];
/** One part of a split as typed: a category and an amount. */
type Part = { categoryId: string; amount: string };

export default function ExpensesPage() {
  const session = useSession();
  const { t, family, money, locale, exponents, isParent, member } = session;
  const familyId = family?.id ?? '';
  const currency = family?.currency ?? 'EUR';
  const [filters, setFilters] = useState({ q: '', from: '', to: '', categoryId: '' });
  const [applied, setApplied] = useState(filters);
  const categories = useCategories();
  const list = useLoad(async () => {
    if (!familyId) return [];
    const query = Object.fromEntries(Object.entries(applied).filter(([, v]) => v !== ''));
    return unwrap(
      await session.client.rest.GET('/v1/families/{familyId}/expenses', {
        params: { path: { familyId }, query: { limit: 50, ...query } },
      }),
    ).items;
  }, [familyId, applied]);

  const [form, setForm] = useState({ amount: '', description: '', merchant: '', occurredOn: '', categoryId: '' });
  const [addParts, setAddParts] = useState<Part[]>();
  const add = useAction();
  const [editing, setEditing] = useState<{
    expense: Expense;
    amount: string;
    description: string;
    categoryId: string;
    /** Undefined: not split. */
    parts: Part[] | undefined;
    conflict: boolean;
  }>();
  const edit = useAction();
  const csv = useAction();
  const [imported, setImported] = useState<components['schemas']['CsvImport']>();
  const categoryName = new Map(categories.data?.map((c) => [c.id, c.name]));

  const amountOrThrow = (text: string, label = t('amount')) => {
    const minor = parseMoney(text, currency, exponents);
    if (minor === undefined || minor <= 0) throw new ApiError(400, { detail: `${label}: “${text}”` });
    return minor;
  };
  const toText = (minor: number, code: string) => {
    const exponent = exponents.get(code) ?? 2;
    return (minor / 10 ** exponent).toFixed(exponent);
  };
  /** The parts as the API takes them, or why not: two or more, each with a category, adding up to the total. */
  const splitsOrThrow = (parts: Part[], totalMinor: number) => {
    if (parts.length < 2 || parts.some((p) => !p.categoryId))
      throw new ApiError(400, { detail: t('expenseSplitNeedsTwo') });
    const splits = parts.map((p, i) => ({
      categoryId: p.categoryId,
      amountMinor: amountOrThrow(p.amount, t('expenseSplitAmount', { n: i + 1 })),
    }));
    const sum = splits.reduce((a, p) => a + p.amountMinor, 0);
    if (sum !== totalMinor)
      throw new ApiError(400, {
        detail: t('expenseSplitMismatch', { sum: money(sum, currency), total: money(totalMinor, currency) }),
      });
    return splits;
  };

  return (
    <Shell title={t('expenses')}>
      <section className="card" aria-labelledby="add-h">
        <h2 id="add-h">{t('addExpense')}</h2>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              const amountMinor = amountOrThrow(form.amount);
              const splits = addParts ? splitsOrThrow(addParts, amountMinor) : undefined;
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/expenses', {
                  params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
                  body: {
                    amountMinor,
                    description: form.description,
                    occurredOn: form.occurredOn || todayIn(family?.timezone ?? 'UTC'),
                    ...(form.merchant ? { merchant: form.merchant } : {}),
                    ...(splits ? { splits } : form.categoryId ? { categoryId: form.categoryId } : {}),
                    ...(isParent || !member ? {} : { memberId: member.id }),
                  },
                }),
              );
              setForm({ amount: '', description: '', merchant: '', occurredOn: '', categoryId: '' });
              setAddParts(undefined);
              await list.reload();
            });
          }}
        >
          <Field label={`${t('amount')} (${currency})`}>
            <input
              name="amount"
              inputMode="decimal"
              required
              value={form.amount}
              onChange={(e) => setForm({ ...form, amount: e.target.value })}
            />
          </Field>
          <Field label={t('description')}>
            <input
              name="description"
              required
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </Field>
          <Field label={t('merchant')}>
            <input
              name="merchant"
              value={form.merchant}
              onChange={(e) => setForm({ ...form, merchant: e.target.value })}
            />
          </Field>
          <Field label={t('date')}>
            <input
              name="occurredOn"
              type="date"
              value={form.occurredOn}
              onChange={(e) => setForm({ ...form, occurredOn: e.target.value })}
            />
          </Field>
          {!addParts && (
            <Field label={t('category')}>
              <select
                name="categoryId"
                value={form.categoryId}
                onChange={(e) => setForm({ ...form, categoryId: e.target.value })}
              >
                <option value="">{t('none')}</option>
                {categories.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {isParent && (
            <SplitFields
              parts={addParts}
              onChange={setAddParts}
              first={{ categoryId: form.categoryId, amount: form.amount }}
              total={form.amount}
              currency={currency}
              categories={categories.data ?? []}
            />
          )}
          <button type="submit" disabled={add.pending}>
            {add.pending ? t('loading') : t('addExpense')}
          </button>
        </form>
        <ErrorMessage error={add.error} />
      </section>

      <section className="card" aria-labelledby="list-h">
        <h2 id="list-h">{t('expenses')}</h2>
        <form
          className="inline"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(filters);
          }}
        >
          <Field label={t('search')}>
            <input
              name="q"
              type="search"
              value={filters.q}
              onChange={(e) => setFilters({ ...filters, q: e.target.value })}
            />
          </Field>
          <Field label={t('from')}>
            <input
              type="date"
              value={filters.from}
              onChange={(e) => setFilters({ ...filters, from: e.target.value })}
            />
          </Field>
          <Field label={t('to')}>
            <input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
          </Field>
          <Field label={t('category')}>
            <select value={filters.categoryId} onChange={(e) => setFilters({ ...filters, categoryId: e.target.value })}>
              <option value="">{t('none')}</option>
              {categories.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit">{t('search')}</button>
        </form>
        <ErrorMessage error={list.error} />
        {list.loading && <Loading />}
        {list.data?.length === 0 && <p className="muted">{t('noExpenses')}</p>}
        <ul className="plain" data-testid="expense-list">
          {list.data?.map((x) =>
            editing?.expense.id === x.id ? (
              <li key={x.id}>
                <form
                  className="inline"
                  aria-label={`${t('edit')} ${x.description}`}
                  onSubmit={(e) => {
                    e.preventDefault();
                    void edit.run(async () => {
                      const amountMinor = amountOrThrow(editing.amount);
                      const current = editing.expense;
                      // Splits replace the category; un-splitting sends [] and the category chosen.
                      const categoryChange = editing.parts
                        ? { splits: splitsOrThrow(editing.parts, amountMinor) }
                        : current.splits.length > 0
                          ? { splits: [], categoryId: editing.categoryId || null }
                          : editing.categoryId !== (current.categoryId ?? '')
                            ? { categoryId: editing.categoryId || null }
                            : {};
                      const r = await session.client.rest.PATCH('/v1/families/{familyId}/expenses/{expenseId}', {
                        params: { path: { familyId, expenseId: x.id }, header: ifMatch(editing.expense.version) },
                        body: { amountMinor, description: editing.description, ...categoryChange },
                      });
                      if (r.response.status === 412) {
                        // Someone saved first: show their version and keep the form open.
                        const fresh = unwrap(
                          await session.client.rest.GET('/v1/families/{familyId}/expenses/{expenseId}', {
                            params: { path: { familyId, expenseId: x.id } },
                          }),
                        );
                        setEditing({ ...editing, expense: fresh, conflict: true });
                        await list.reload();
                        return;
                      }
                      unwrap(r);
                      setEditing(undefined);
                      await list.reload();
                    });
                  }}
                >
                  {editing.conflict && (
                    <p className="error" role="alert">
                      {t('versionConflict')} ({money(editing.expense.amountMinor, editing.expense.currency)} ·{' '}
                      {editing.expense.description})
                    </p>
                  )}
                  <Field label={t('amount')}>
                    <input
                      value={editing.amount}
                      inputMode="decimal"
                      onChange={(e) => setEditing({ ...editing, amount: e.target.value })}
                    />
                  </Field>
                  <Field label={t('description')}>
                    <input
                      value={editing.description}
                      onChange={(e) => setEditing({ ...editing, description: e.target.value })}
                    />
                  </Field>
                  {!editing.parts && (
                    <Field label={t('category')}>
                      <select
                        value={editing.categoryId}
                        onChange={(e) => setEditing({ ...editing, categoryId: e.target.value })}
                      >
                        <option value="">{t('none')}</option>
                        {categories.data?.map((c) => (
                          <option key={c.id} value={c.id}>
                            {c.name}
                          </option>
                        ))}
                      </select>
                    </Field>
                  )}
                  {isParent && (
                    <SplitFields
                      parts={editing.parts}
                      onChange={(parts) => setEditing({ ...editing, parts })}
                      first={{ categoryId: editing.categoryId, amount: editing.amount }}
                      total={editing.amount}
                      currency={currency}
                      categories={categories.data ?? []}
                    />
                  )}
                  <button type="submit" disabled={edit.pending}>
                    {t('save')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
                    {t('cancel')}
                  </button>
                  <ErrorMessage error={edit.error} />
                </form>
              </li>
            ) : (
              <li key={x.id}>
                <span>
                  <strong>{x.description}</strong>
                  {x.merchant ? ` · ${x.merchant}` : ''}{' '}
                  <span className="muted">
                    {formatDay(x.occurredOn, locale)} ·{' '}
                    {x.splits.length > 0
                      ? t('expenseSplitList', {
                          parts: x.splits
                            .map((p) => `${categoryName.get(p.categoryId) ?? '?'} ${money(p.amountMinor, x.currency)}`)
                            .join(', '),
                        })
                      : x.categoryId
                        ? categoryName.get(x.categoryId)
                        : t('uncategorized')}
                    {x.source !== 'MANUAL' ? ` · ${x.source}` : ''}
                  </span>
                </span>
                <span>
                  <span className="amount">{money(x.amountMinor, x.currency)}</span>{' '}
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`${t('edit')} ${x.description}`}
                    onClick={() =>
                      setEditing({
                        expense: x,
                        amount: (x.amountMinor / 10 ** (exponents.get(x.currency) ?? 2)).toString(),
                        description: x.description,
                        categoryId: x.categoryId ?? '',
                        parts:
                          x.splits.length > 0
                            ? x.splits.map((p) => ({
                                categoryId: p.categoryId,
                                amount: toText(p.amountMinor, x.currency),
                              }))
                            : undefined,
                        conflict: false,
                      })
                    }
                  >
                    {t('edit')}
                  </button>
                </span>
              </li>
            ),
          )}
        </ul>
      </section>

      {isParent && (
        <section className="card" aria-labelledby="csv-h">
          <h2 id="csv-h">CSV</h2>
          <div className="inline">
            <button
              type="button"
              className="secondary"
              disabled={csv.pending}
              onClick={() =>
                void csv.run(async () => {
                  const r = await session.client.rest.GET('/v1/families/{familyId}/expenses.csv', {
                    params: { path: { familyId } },
                    parseAs: 'text',
                  });
                  const text = unwrap(r) as unknown as string;
                  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
                  const a = document.createElement('a');
                  a.href = url;
                  a.download = 'expenses.csv';
                  a.click();
                  URL.revokeObjectURL(url);
                })
              }
            >
              {t('exportCsv')}
            </button>{' '}
            <label className="field">
              <span>{t('importCsv')}</span>
              <input
                className={styles.file}
                type="file"
                accept=".csv,text/csv"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (!file) return;
                  void csv.run(async () => {
                    const body = await file.text();
                    const r = await session.client.rest.POST('/v1/families/{familyId}/expenses/import', {
                      params: { path: { familyId } },
                      body: body as never,
                      bodySerializer: (b: unknown) => b as string,
                      headers: { 'Content-Type': 'text/csv' },
                    });
                    let result = unwrap(r);
                    // A large file runs as a job: poll it until it has finished.
                    while ('status' in result && (result.status === 'QUEUED' || result.status === 'RUNNING')) {
                      await new Promise((resolve) => setTimeout(resolve, 1000));
                      result = unwrap(
                        await session.client.rest.GET('/v1/families/{familyId}/expenses/imports/{importId}', {
                          params: { path: { familyId, importId: result.id } },
                        }),
                      );
                    }
                    setImported(
                      'status' in result
                        ? {
                            importedCount: result.importedCount,
                            duplicatesSkipped: result.duplicatesSkipped,
                            errors: result.errors,
                            dryRun: false,
                          }
                        : result,
                    );
                    await list.reload();
                  });
                }}
              />
            </label>
          </div>
          <ErrorMessage error={csv.error} />
          {imported && (
            <div role="status">
              <p>{t('imported', { count: imported.importedCount })}</p>
              <ul>
                {imported.errors.map((err, i) => (
                  <li key={i} className="error">
                    {t('rowError', {
                      line: err.line ?? '?',
                      message: `${err.field ? `${err.field}: ` : ''}${err.message}`,
                    })}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>
      )}
    </Shell>
  );
}

/** A parent's split of one expense across categories: the parts, and what is left to assign. */
function SplitFields({
  parts,
  onChange,
  first,
  total,
  currency,
  categories,
}: {
  parts: Part[] | undefined;
  onChange(parts: Part[] | undefined): void;
  /** The first part when splitting starts: the category and amount typed so far. */
  first: Part;
  total: string;
  currency: string;
  categories: Category[];
}) {
  const { t, money, exponents } = useSession();
  const totalMinor = parseMoney(total, currency, exponents);
  const assigned = (parts ?? []).reduce((sum, p) => sum + (parseMoney(p.amount, currency, exponents) ?? 0), 0);
  const set = (i: number, patch: Partial<Part>) => onChange(parts?.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset className={styles.parts}>
      <legend className="sr-only">{t('expenseSplit')}</legend>
      <label>
        <input
          type="checkbox"
          checked={parts !== undefined}
          onChange={(e) => onChange(e.target.checked ? [first, { categoryId: '', amount: '' }] : undefined)}
        />{' '}
        {t('expenseSplit')}
      </label>
      {parts?.map((p, i) => (
        <span key={i} className={styles.part}>
          <Field label={t('expenseSplitCategory', { n: i + 1 })}>
            <select required value={p.categoryId} onChange={(e) => set(i, { categoryId: e.target.value })}>
              <option value="">{t('none')}</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('expenseSplitAmount', { n: i + 1 })}>
            <input inputMode="decimal" required value={p.amount} onChange={(e) => set(i, { amount: e.target.value })} />
          </Field>
          {parts.length > 2 && (
            <button type="button" className="secondary" onClick={() => onChange(parts.filter((_, j) => j !== i))}>
              {t('expenseSplitRemove', { n: i + 1 })}
            </button>
          )}
        </span>
      ))}
      {parts && (
        <>
          {parts.length < 20 && (
            <button
              type="button"
              className="secondary"
              onClick={() => onChange([...parts, { categoryId: '', amount: '' }])}
            >
              {t('expenseSplitAdd')}
            </button>
          )}
          <span role="status" aria-live="polite" className="muted">
            {totalMinor !== undefined ? t('expenseSplitLeft', { amount: money(totalMinor - assigned, currency) }) : ''}
          </span>
        </>
      )}
    </fieldset>
  );
}
