'use client';
// Each child's spending limits (per day, week and month, in the family currency) and the categories
// whose expenses are flagged; a parent replaces them with If-Match on the version shown.
import { ifMatch, type components } from '@family/sdk';
import { useEffect, useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';
import { useCategories } from '../../lib/categories';

type Period = components['schemas']['SpendingLimitPeriod'];
type Member = components['schemas']['Member'];
type Category = components['schemas']['Category'];
type Limits = components['schemas']['SpendingLimits'];

const PERIODS: Period[] = ['DAY', 'WEEK', 'MONTH'];

export default function LimitsPage() {
  const session = useSession();
  const { t } = session;
  const familyId = session.family?.id ?? '';
  const members = useLoad(async () => {
    if (!familyId) return [];
    return unwrap(await session.client.rest.GET('/v1/families/{familyId}/members', { params: { path: { familyId } } }))
      .items;
  }, [familyId]);
  const categories = useCategories();
  const children = members.data?.filter((m) => m.role === 'CHILD');

  return (
    <Shell title={t('limits')} parentOnly>
      <ErrorMessage error={members.error ?? categories.error} />
      {members.loading && !members.data && <Loading />}
      {children?.length === 0 && <p className="muted">{t('noChildren')}</p>}
      {children?.map((m) => (
        <ChildLimits key={m.id} member={m} categories={categories.data ?? []} />
      ))}
    </Shell>
  );
}

function ChildLimits({ member, categories }: { member: Member; categories: Category[] }) {
  const session = useSession();
  const { t, money, exponents } = session;
  const familyId = session.family?.id ?? '';
  const limits = useLoad(
    async () =>
      unwrap(
        await session.client.rest.GET('/v1/families/{familyId}/members/{memberId}/spending-limits', {
          params: { path: { familyId, memberId: member.id } },
        }),
      ),
    [familyId, member.id],
  );
  const [form, setForm] = useState<{ amounts: Record<Period, string>; blocked: string[] }>({
    amounts: { DAY: '', WEEK: '', MONTH: '' },
    blocked: [],
  });
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const current = limits.data;
  const currency = current?.currency ?? session.family?.currency ?? 'EUR';

  const fill = (l: Limits) => {
    const exponent = exponents.get(l.currency) ?? 2;
    const amountOf = (p: Period) => {
      const minor = l.limits.find((x) => x.period === p)?.amountMinor;
      return minor === undefined ? '' : (minor / 10 ** exponent).toFixed(exponent);
    };
    setForm({
      amounts: { DAY: amountOf('DAY'), WEEK: amountOf('WEEK'), MONTH: amountOf('MONTH') },
      blocked: l.blockedCategoryIds,
    });
  };
  // The form shows what is saved whenever a (new) version arrives.
  useEffect(() => {
    if (current) fill(current);
  }, [current?.version, current?.memberId, exponents]);

  const headingId = `limits-${member.id}`;
  return (
    <section className="card" aria-labelledby={headingId} data-testid={`limits-${member.displayName}`}>
      <h2 id={headingId}>{t('limitsOf', { name: member.displayName })}</h2>
      <ErrorMessage error={limits.error} />
      {limits.loading && !limits.data && <Loading />}
      {current && (
        <p data-testid={`limits-summary-${member.displayName}`}>
          {PERIODS.map((period) => {
            const minor = current.limits.find((x) => x.period === period)?.amountMinor;
            return `${t(`limit${period}`)}: ${minor === undefined ? '—' : money(minor, current.currency)}`;
          }).join(' · ')}
        </p>
      )}
      {current && (
        <form
          className="stack"
          aria-label={t('limitsOf', { name: member.displayName })}
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            void save.run(async () => {
              const body: components['schemas']['PutSpendingLimitsRequest'] = {
                limits: PERIODS.flatMap((period) => {
                  const text = form.amounts[period];
                  if (text.trim() === '') return [];
                  const amountMinor = parseMoney(text, currency, exponents);
                  if (amountMinor === undefined || amountMinor <= 0)
                    throw new ApiError(400, { detail: `${t(`limit${period}`)}: “${text}”` });
                  return [{ period, amountMinor }];
                }),
                blockedCategoryIds: form.blocked,
              };
              const r = await session.client.rest.PUT('/v1/families/{familyId}/members/{memberId}/spending-limits', {
                params: {
                  path: { familyId, memberId: member.id },
                  // Version 0: never set, nothing to overwrite.
                  ...(current.version > 0 ? { header: ifMatch(current.version) } : {}),
                },
                body,
              });
              if (r.response.status === 412) {
                await limits.reload();
                throw new ApiError(412, { detail: t('changedMeanwhile') });
              }
              unwrap(r);
              await limits.reload();
              setSaved(true);
            });
          }}
        >
          <p className="muted">{t('noLimit')}</p>
          {PERIODS.map((period) => (
            <Field key={period} label={`${t(`limit${period}`)} (${currency})`}>
              <input
                name={`limit-${period}`}
                inputMode="decimal"
                value={form.amounts[period]}
                onChange={(e) => {
                  setSaved(false);
                  setForm({ ...form, amounts: { ...form.amounts, [period]: e.target.value } });
                }}
              />
            </Field>
          ))}
          {categories.length > 0 && (
            <details>
              <summary>
                {t('blockedCategories')} ({form.blocked.length})
              </summary>
              <fieldset>
                <legend className="sr-only">{t('blockedCategories')}</legend>
                {categories.map((c) => (
                  <label key={c.id} style={{ display: 'block' }}>
                    <input
                      type="checkbox"
                      checked={form.blocked.includes(c.id)}
                      onChange={(e) => {
                        setSaved(false);
                        setForm({
                          ...form,
                          blocked: e.target.checked
                            ? [...form.blocked, c.id]
                            : form.blocked.filter((id) => id !== c.id),
                        });
                      }}
                    />{' '}
                    {c.name}
                  </label>
                ))}
              </fieldset>
            </details>
          )}
          <button type="submit" disabled={save.pending}>
            {save.pending ? t('loading') : t('saveLimits')}
          </button>
          <ErrorMessage error={save.error} />
          <p role="status" className="muted">
            {saved ? t('saved') : ''}
          </p>
        </form>
      )}
    </section>
  );
}
