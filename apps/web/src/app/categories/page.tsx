'use client';
// Categories as a tree (add, rename, move under another, delete with where its expenses go) and the
// categorization rules (add, edit, delete, apply to past uncategorized expenses); parents only.
import { idempotencyKey, ifMatch, type components } from '@family/sdk';
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import type { MessageKey } from '../../lib/i18n';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';
import { useCategories, type Category } from '../../lib/categories';

type Rule = components['schemas']['CategorizationRule'];
type MatchType = components['schemas']['RuleMatchType'];
type MatchField = components['schemas']['RuleMatchField'];
type Source = components['schemas']['ExpenseSource'];

const MATCH_TYPES: MatchType[] = ['CONTAINS', 'EQUALS', 'STARTS_WITH', 'REGEX'];
const MATCH_FIELDS: MatchField[] = ['ANY', 'DESCRIPTION', 'MERCHANT'];
const SOURCES: Source[] = ['MANUAL', 'RECURRING', 'BANK', 'JAR'];

interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
}

/** Every category with its depth, parents before their children (alphabetical among siblings). */
function asTree(categories: Category[]): { category: Category; depth: number }[] {
  const ids = new Set(categories.map((c) => c.id));
  const children = new Map<string, Category[]>();
  for (const c of categories) {
    const parent = c.parentId && ids.has(c.parentId) ? c.parentId : '';
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const out: { category: Category; depth: number }[] = [];
  const walk = (parent: string, depth: number) => {
    for (const c of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push({ category: c, depth });
      walk(c.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

/** The ids of `id` and everything below it (a category cannot move under itself). */
function subtree(categories: Category[], id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of categories) {
      if (c.parentId && out.has(c.parentId) && !out.has(c.id)) {
        out.add(c.id);
        grew = true;
      }
    }
  }
  return out;
}

/** "Food › Bread": a category named with its parents, for the pickers. */
function pathOf(categories: Category[], category: Category): string {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const names = [category.name];
  const seen = new Set([category.id]);
  for (let c = category.parentId ? byId.get(category.parentId) : undefined; c && !seen.has(c.id);) {
    names.unshift(c.name);
    seen.add(c.id);
    c = c.parentId ? byId.get(c.parentId) : undefined;
  }
  return names.join(' › ');
}

export default function CategoriesPage() {
  const session = useSession();
  const { t } = session;
  const familyId = session.family?.id ?? '';
  const categories = useCategories();
  const rules = useLoad(async () => {
    if (!familyId) return [];
    return unwrap(
      await session.client.rest.GET('/v1/families/{familyId}/categorization-rules', {
        params: { path: { familyId }, query: { limit: 200 } },
      }),
    ).items;
  }, [familyId]);

  return (
    <Shell title={t('categories')} parentOnly>
      <CategoryTree categories={categories} onChange={() => Promise.all([categories.reload(), rules.reload()])} />
      <Rules rules={rules} categories={categories.data ?? []} />
      <ApplyRules />
    </Shell>
  );
}

function CategoryTree({ categories, onChange }: { categories: Loaded<Category[]>; onChange(): Promise<unknown> }) {
  const session = useSession();
  const { t } = session;
  const familyId = session.family?.id ?? '';
  const all = categories.data ?? [];
  const tree = asTree(all);
  const [form, setForm] = useState({ name: '', parentId: '' });
  const add = useAction();
  const [editing, setEditing] = useState<{ category: Category; name: string; parentId: string; conflict: boolean }>();
  const edit = useAction();
  const [deleting, setDeleting] = useState<{ category: Category; reassignTo: string }>();
  const remove = useAction();

  /** One level of the tree as a list; each category holds the list of its subcategories. */
  const renderLevel = (parent: string, level: number) => (
    <ul
      className="plain"
      data-testid={level === 0 ? 'category-tree' : undefined}
      style={level > 0 ? { paddingInlineStart: '1.5rem' } : undefined}
    >
      {tree
        .filter(({ depth, category }) => depth === level && (level === 0 || category.parentId === parent))
        .map(({ category: c }) => (
          <li key={c.id} data-testid={`category-${c.name}`} style={{ display: 'block' }}>
            <div
              style={{
                display: 'flex',
                flexWrap: 'wrap',
                gap: '0.5rem',
                alignItems: 'center',
                justifyContent: 'space-between',
              }}
            >
              {editing?.category.id === c.id ? (
                <form
                  className="inline"
                  aria-label={`${t('edit')} ${c.name}`}
                  onSubmit={(e) => {
                    e.preventDefault();
                    void edit.run(async () => {
                      const r = await session.client.rest.PATCH('/v1/families/{familyId}/categories/{categoryId}', {
                        params: { path: { familyId, categoryId: c.id }, header: ifMatch(editing.category.version) },
                        body: { name: editing.name, parentId: editing.parentId || null },
                      });
                      if (r.response.status === 412) {
                        // Someone saved first: show their version and keep the form open.
                        const fresh = unwrap(
                          await session.client.rest.GET('/v1/families/{familyId}/categories', {
                            params: { path: { familyId }, query: { limit: 200 } },
                          }),
                        ).items.find((x) => x.id === c.id);
                        await categories.reload();
                        if (fresh)
                          setEditing({
                            category: fresh,
                            name: fresh.name,
                            parentId: fresh.parentId ?? '',
                            conflict: true,
                          });
                        return;
                      }
                      unwrap(r);
                      setEditing(undefined);
                      await onChange();
                    });
                  }}
                >
                  {editing.conflict && (
                    <p className="error" role="alert">
                      {t('changedMeanwhile')}
                    </p>
                  )}
                  <Field label={t('categoryName')}>
                    <input
                      required
                      maxLength={60}
                      value={editing.name}
                      onChange={(e) => setEditing({ ...editing, name: e.target.value })}
                    />
                  </Field>
                  <Field label={t('parentCategory')}>
                    <select
                      value={editing.parentId}
                      onChange={(e) => setEditing({ ...editing, parentId: e.target.value })}
                    >
                      <option value="">{t('topLevel')}</option>
                      {tree
                        .filter(({ category }) => !subtree(all, c.id).has(category.id))
                        .map(({ category }) => (
                          <option key={category.id} value={category.id}>
                            {pathOf(all, category)}
                          </option>
                        ))}
                    </select>
                  </Field>
                  <button type="submit" disabled={edit.pending}>
                    {edit.pending ? t('loading') : t('save')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
                    {t('cancel')}
                  </button>
                  <ErrorMessage error={edit.error} />
                </form>
              ) : deleting?.category.id === c.id ? (
                <form
                  className="inline"
                  aria-label={`${t('delete')} ${c.name}`}
                  onSubmit={(e) => {
                    e.preventDefault();
                    void remove.run(async () => {
                      unwrap(
                        await session.client.rest.DELETE('/v1/families/{familyId}/categories/{categoryId}', {
                          params: {
                            path: { familyId, categoryId: c.id },
                            query: deleting.reassignTo ? { reassignTo: deleting.reassignTo } : {},
                            header: ifMatch(c.version),
                          },
                        }),
                      );
                      setDeleting(undefined);
                      await onChange();
                    });
                  }}
                >
                  <Field label={t('deleteCategoryQuestion', { name: c.name })}>
                    <select
                      value={deleting.reassignTo}
                      onChange={(e) => setDeleting({ ...deleting, reassignTo: e.target.value })}
                    >
                      <option value="">{t('leaveUncategorized')}</option>
                      {tree
                        .filter(({ category }) => category.id !== c.id)
                        .map(({ category }) => (
                          <option key={category.id} value={category.id}>
                            {pathOf(all, category)}
                          </option>
                        ))}
                    </select>
                  </Field>
                  <button type="submit" disabled={remove.pending}>
                    {remove.pending ? t('loading') : t('confirmDelete')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setDeleting(undefined)}>
                    {t('cancel')}
                  </button>
                  <ErrorMessage error={remove.error} />
                </form>
              ) : (
                <>
                  <span>
                    <strong>{c.name}</strong>
                  </span>
                  <span>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`${t('edit')} ${c.name}`}
                      onClick={() => {
                        edit.setError(undefined);
                        setDeleting(undefined);
                        setEditing({ category: c, name: c.name, parentId: c.parentId ?? '', conflict: false });
                      }}
                    >
                      {t('edit')}
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`${t('delete')} ${c.name}`}
                      onClick={() => {
                        remove.setError(undefined);
                        setEditing(undefined);
                        setDeleting({ category: c, reassignTo: '' });
                      }}
                    >
                      {t('delete')}
                    </button>
                  </span>
                </>
              )}
            </div>
            {tree.some(({ category }) => category.parentId === c.id) && renderLevel(c.id, level + 1)}
          </li>
        ))}
    </ul>
  );

  return (
    <>
      <section className="card" aria-labelledby="add-category-h">
        <h2 id="add-category-h">{t('addCategory')}</h2>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/categories', {
                  params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
                  body: { name: form.name.trim(), ...(form.parentId ? { parentId: form.parentId } : {}) },
                }),
              );
              setForm({ name: '', parentId: form.parentId });
              await onChange();
            });
          }}
        >
          <Field label={t('categoryName')}>
            <input
              name="categoryName"
              required
              maxLength={60}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </Field>
          <Field label={t('parentCategory')}>
            <select value={form.parentId} onChange={(e) => setForm({ ...form, parentId: e.target.value })}>
              <option value="">{t('topLevel')}</option>
              {tree.map(({ category }) => (
                <option key={category.id} value={category.id}>
                  {pathOf(all, category)}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" disabled={add.pending}>
            {add.pending ? t('loading') : t('addCategory')}
          </button>
        </form>
        <ErrorMessage error={add.error} />
      </section>
      <section className="card" aria-labelledby="tree-h">
        <h2 id="tree-h">{t('categoryTree')}</h2>
        <ErrorMessage error={categories.error} />
        {categories.loading && !categories.data && <Loading />}
        {categories.data?.length === 0 && <p className="muted">{t('noCategories')}</p>}
        {categories.data && categories.data.length > 0 && renderLevel('', 0)}
      </section>
    </>
  );
}

interface RuleDraft {
  name: string;
  matchField: MatchField;
  matchType: MatchType;
  pattern: string;
  categoryId: string;
  priority: string;
  min: string;
  max: string;
  source: Source | '';
  tags: string;
  enabled: boolean;
}

const EMPTY_RULE: RuleDraft = {
  name: '',
  matchField: 'ANY',
  matchType: 'CONTAINS',
  pattern: '',
  categoryId: '',
  priority: '0',
  min: '',
  max: '',
  source: '',
  tags: '',
  enabled: true,
};

function Rules({ rules, categories }: { rules: Loaded<Rule[]>; categories: Category[] }) {
  const session = useSession();
  const { t, money, exponents } = session;
  const familyId = session.family?.id ?? '';
  const currency = session.family?.currency ?? 'EUR';
  const exponent = exponents.get(currency) ?? 2;
  const categoryName = new Map(categories.map((c) => [c.id, c.name]));
  const [editing, setEditing] = useState<{ rule: Rule; conflict: boolean }>();
  const remove = useAction();
  const [removing, setRemoving] = useState<string>();

  /** The typed amount bound as minor units; empty is no bound. */
  const bound = (text: string, label: MessageKey): number | undefined => {
    if (text.trim() === '') return undefined;
    const minor = parseMoney(text, currency, exponents);
    if (minor === undefined || minor < 0) throw new ApiError(400, { detail: `${t(label)}: “${text}”` });
    return minor;
  };
  const fromDraft = (d: RuleDraft) => {
    const priority = Number(d.priority || '0');
    if (!Number.isInteger(priority) || priority < 0 || priority > 100_000)
      throw new ApiError(400, { detail: `${t('priority')}: “${d.priority}”` });
    return {
      name: d.name.trim() || d.pattern,
      matchField: d.matchField,
      matchType: d.matchType,
      pattern: d.pattern,
      categoryId: d.categoryId,
      priority,
      minAmountMinor: bound(d.min, 'minAmount') ?? null,
      maxAmountMinor: bound(d.max, 'maxAmount') ?? null,
      source: d.source || null,
      addTags: d.tags
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      enabled: d.enabled,
    };
  };
  const toInput = (minor: number | undefined) =>
    minor === undefined ? '' : (minor / 10 ** exponent).toFixed(exponent);

  return (
    <>
      <section className="card" aria-labelledby="rules-h">
        <h2 id="rules-h">{t('rules')}</h2>
        <ErrorMessage error={rules.error} />
        {rules.loading && !rules.data && <Loading />}
        {rules.data?.length === 0 && <p className="muted">{t('noRules')}</p>}
        <ul className="plain" data-testid="rules">
          {rules.data?.map((r) =>
            editing?.rule.id === r.id ? (
              <li key={r.id} style={{ display: 'block' }}>
                {editing.conflict && (
                  <p className="error" role="alert">
                    {t('changedMeanwhile')}
                  </p>
                )}
                <RuleForm
                  key={`${r.id}-${editing.rule.version}`}
                  label={`${t('editRule')} ${r.name}`}
                  submitLabel={t('save')}
                  categories={categories}
                  initial={{
                    name: editing.rule.name,
                    matchField: editing.rule.matchField,
                    matchType: editing.rule.matchType,
                    pattern: editing.rule.pattern,
                    categoryId: editing.rule.categoryId,
                    priority: String(editing.rule.priority),
                    min: toInput(editing.rule.minAmountMinor),
                    max: toInput(editing.rule.maxAmountMinor),
                    source: editing.rule.source ?? '',
                    tags: editing.rule.addTags.join(', '),
                    enabled: editing.rule.enabled,
                  }}
                  onCancel={() => setEditing(undefined)}
                  onSubmit={async (draft) => {
                    const body = fromDraft(draft);
                    const answer = await session.client.rest.PATCH(
                      '/v1/families/{familyId}/categorization-rules/{ruleId}',
                      {
                        params: { path: { familyId, ruleId: r.id }, header: ifMatch(editing.rule.version) },
                        body,
                      },
                    );
                    if (answer.response.status === 412) {
                      const list = unwrap(
                        await session.client.rest.GET('/v1/families/{familyId}/categorization-rules', {
                          params: { path: { familyId }, query: { limit: 200 } },
                        }),
                      ).items;
                      const fresh = list.find((x) => x.id === r.id);
                      await rules.reload();
                      if (fresh) setEditing({ rule: fresh, conflict: true });
                      return false;
                    }
                    unwrap(answer);
                    setEditing(undefined);
                    await rules.reload();
                    return true;
                  }}
                />
              </li>
            ) : (
              <li key={r.id} data-testid={`rule-${r.name}`}>
                <span>
                  <strong>{r.name}</strong>{' '}
                  <span className="muted">
                    {t('ruleSummary', {
                      field: t(`field${r.matchField}`),
                      match: t(`match${r.matchType}`),
                      pattern: r.pattern,
                      category: categoryName.get(r.categoryId) ?? t('uncategorized'),
                    })}
                    {r.minAmountMinor !== undefined ? ` · ≥ ${money(r.minAmountMinor)}` : ''}
                    {r.maxAmountMinor !== undefined ? ` · ≤ ${money(r.maxAmountMinor)}` : ''}
                    {r.source ? ` · ${t(`source${r.source}`)}` : ''}
                    {r.addTags.length > 0 ? ` · #${r.addTags.join(' #')}` : ''}
                    {` · ${r.priority}`}
                    {r.enabled ? '' : ` · ${t('disabled')}`}
                  </span>
                </span>
                <span>
                  {removing === r.id ? (
                    <>
                      <button
                        type="button"
                        disabled={remove.pending}
                        onClick={() =>
                          void remove.run(async () => {
                            unwrap(
                              await session.client.rest.DELETE(
                                '/v1/families/{familyId}/categorization-rules/{ruleId}',
                                { params: { path: { familyId, ruleId: r.id }, header: ifMatch(r.version) } },
                              ),
                            );
                            setRemoving(undefined);
                            await rules.reload();
                          })
                        }
                      >
                        {remove.pending ? t('loading') : `${t('confirmDelete')}: ${r.name}`}
                      </button>{' '}
                      <button type="button" className="secondary" onClick={() => setRemoving(undefined)}>
                        {t('cancel')}
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`${t('edit')} ${r.name}`}
                        onClick={() => setEditing({ rule: r, conflict: false })}
                      >
                        {t('edit')}
                      </button>{' '}
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`${t('delete')} ${r.name}`}
                        onClick={() => {
                          remove.setError(undefined);
                          setRemoving(r.id);
                        }}
                      >
                        {t('delete')}
                      </button>
                    </>
                  )}
                </span>
              </li>
            ),
          )}
        </ul>
        <ErrorMessage error={remove.error} />
      </section>
      <section className="card" aria-labelledby="add-rule-h">
        <h2 id="add-rule-h">{t('addRule')}</h2>
        <RuleForm
          label={t('addRule')}
          submitLabel={t('addRule')}
          categories={categories}
          initial={EMPTY_RULE}
          onSubmit={async (draft) => {
            const { minAmountMinor, maxAmountMinor, source, ...rest } = fromDraft(draft);
            unwrap(
              await session.client.rest.POST('/v1/families/{familyId}/categorization-rules', {
                params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
                body: {
                  ...rest,
                  ...(minAmountMinor === null ? {} : { minAmountMinor }),
                  ...(maxAmountMinor === null ? {} : { maxAmountMinor }),
                  ...(source === null ? {} : { source }),
                },
              }),
            );
            await rules.reload();
            return true;
          }}
        />
      </section>
    </>
  );
}

/** The fields of a rule; a refused pattern (e.g. a regular expression that does not compile) is shown at the field. */
function RuleForm({
  label,
  submitLabel,
  categories,
  initial,
  onSubmit,
  onCancel,
}: {
  label: string;
  submitLabel: string;
  categories: Category[];
  initial: RuleDraft;
  /** true: saved (the form starts over). */
  onSubmit(draft: RuleDraft): Promise<boolean>;
  onCancel?(): void;
}) {
  const { t, family } = useSession();
  const currency = family?.currency ?? 'EUR';
  const [draft, setDraft] = useState(initial);
  const save = useAction();
  const fieldErrors = save.error instanceof ApiError ? (save.error.problem.errors ?? []) : [];
  const patternError = fieldErrors.find((e) => e.field === 'pattern');
  const otherError =
    save.error instanceof ApiError && patternError && fieldErrors.length === 1 ? undefined : save.error;
  const tree = asTree(categories);
  const patternErrorId = `${label.replace(/\W+/g, '-')}-pattern-error`;

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
      <Field label={t('ruleName')}>
        <input maxLength={80} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
      </Field>
      <Field label={t('matchField')}>
        <select
          value={draft.matchField}
          onChange={(e) => setDraft({ ...draft, matchField: e.target.value as MatchField })}
        >
          {MATCH_FIELDS.map((f) => (
            <option key={f} value={f}>
              {t(`field${f}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('matchType')}>
        <select
          value={draft.matchType}
          onChange={(e) => setDraft({ ...draft, matchType: e.target.value as MatchType })}
        >
          {MATCH_TYPES.map((m) => (
            <option key={m} value={m}>
              {t(`match${m}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('rulePattern')}>
        <input
          required
          maxLength={200}
          value={draft.pattern}
          aria-invalid={patternError ? true : undefined}
          aria-describedby={patternError ? patternErrorId : undefined}
          onChange={(e) => setDraft({ ...draft, pattern: e.target.value })}
        />
      </Field>
      <Field label={t('thenCategory')}>
        <select required value={draft.categoryId} onChange={(e) => setDraft({ ...draft, categoryId: e.target.value })}>
          <option value="">{t('none')}</option>
          {tree.map(({ category }) => (
            <option key={category.id} value={category.id}>
              {pathOf(categories, category)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('priority')}>
        <input
          type="number"
          min={0}
          max={100000}
          step={1}
          value={draft.priority}
          onChange={(e) => setDraft({ ...draft, priority: e.target.value })}
        />
      </Field>
      <Field label={`${t('minAmount')} (${currency})`}>
        <input inputMode="decimal" value={draft.min} onChange={(e) => setDraft({ ...draft, min: e.target.value })} />
      </Field>
      <Field label={`${t('maxAmount')} (${currency})`}>
        <input inputMode="decimal" value={draft.max} onChange={(e) => setDraft({ ...draft, max: e.target.value })} />
      </Field>
      <Field label={t('source')}>
        <select value={draft.source} onChange={(e) => setDraft({ ...draft, source: e.target.value as Source | '' })}>
          <option value="">{t('anySource')}</option>
          {SOURCES.map((s) => (
            <option key={s} value={s}>
              {t(`source${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('addTags')}>
        <input value={draft.tags} onChange={(e) => setDraft({ ...draft, tags: e.target.value })} />
      </Field>
      <label className="field">
        <span>{t('enabled')}</span>
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
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
      {patternError && (
        <p className="error" role="alert" id={patternErrorId} data-testid="pattern-error">
          {t('rulePattern')} “{draft.pattern}”: {patternError.message}
        </p>
      )}
      <ErrorMessage error={otherError} />
    </form>
  );
}

function ApplyRules() {
  const session = useSession();
  const { t } = session;
  const familyId = session.family?.id ?? '';
  const [form, setForm] = useState({ from: '', to: '', dryRun: false });
  const apply = useAction();
  const [result, setResult] = useState<components['schemas']['CategorizationRulesApplied']>();

  return (
    <section className="card" aria-labelledby="apply-h">
      <h2 id="apply-h">{t('applyRules')}</h2>
      <p className="muted">{t('applyHint')}</p>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setResult(undefined);
          void apply.run(async () => {
            setResult(
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/categorization-rules/apply', {
                  params: { path: { familyId }, header: { 'Idempotency-Key': idempotencyKey() } },
                  body: {
                    ...(form.from ? { from: form.from } : {}),
                    ...(form.to ? { to: form.to } : {}),
                    dryRun: form.dryRun,
                  },
                }),
              ),
            );
          });
        }}
      >
        <Field label={t('from')}>
          <input type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </Field>
        <Field label={t('to')}>
          <input type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </Field>
        <label className="field">
          <span>{t('dryRun')}</span>
          <input
            type="checkbox"
            checked={form.dryRun}
            onChange={(e) => setForm({ ...form, dryRun: e.target.checked })}
          />
        </label>
        <button type="submit" disabled={apply.pending}>
          {apply.pending ? t('loading') : t('applyRules')}
        </button>
      </form>
      <ErrorMessage error={apply.error} />
      <p role="status" data-testid="apply-result">
        {result
          ? t(result.dryRun ? 'wouldApply' : 'applied', {
              categorized: result.categorizedCount,
              examined: result.examinedCount,
            })
          : ''}
      </p>
    </section>
  );
}
