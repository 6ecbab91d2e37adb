'use client';
// Chores: a parent gives one to a child with a reward, and approves or rejects what was submitted.
import { useState } from 'react';
import { ChoreReview } from '../../components/ChoreReview';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import { parseMoney } from '../../lib/money';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function ChoresPage() {
  const session = useSession();
  const { t, family, money, exponents, liveTick } = session;
  const familyId = family?.id ?? '';
  const currency = family?.currency ?? 'EUR';
  const data = useLoad(async () => {
    if (!familyId) return undefined;
    const [chores, members] = await Promise.all([
      session.client.rest.GET('/v1/families/{familyId}/chores', {
        params: { path: { familyId }, query: { limit: 100 } },
      }),
      session.client.rest.GET('/v1/families/{familyId}/members', { params: { path: { familyId } } }),
    ]);
    return { chores: unwrap(chores).items, members: unwrap(members).items };
  }, [familyId, liveTick]);
  const children = data.data?.members.filter((m) => m.role === 'CHILD') ?? [];
  const names = new Map(data.data?.members.map((m) => [m.id, m.displayName]));
  const [form, setForm] = useState({ title: '', assigneeMemberId: '', reward: '' });
  const add = useAction();
  const statusText = { TODO: t('todo'), SUBMITTED: t('submitted'), APPROVED: t('approved'), REJECTED: t('rejected') };

  return (
    <Shell title={t('chores')} parentOnly>
      <ErrorMessage error={data.error} />
      {data.loading && !data.data && <Loading />}
      <section className="card" aria-labelledby="review-h">
        <h2 id="review-h">{t('choresToApprove')}</h2>
        {data.data && (
          <ChoreReview
            chores={data.data.chores.filter((c) => c.status === 'SUBMITTED')}
            names={names}
            onDone={data.reload}
          />
        )}
      </section>
      <section className="card" aria-labelledby="add-chore-h">
        <h2 id="add-chore-h">{t('addChore')}</h2>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              const rewardMinor = form.reward ? parseMoney(form.reward, currency, exponents) : 0;
              if (rewardMinor === undefined) throw new ApiError(400, { detail: `${t('reward')}: “${form.reward}”` });
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/chores', {
                  params: { path: { familyId } },
                  body: {
                    title: form.title,
                    assigneeMemberId: form.assigneeMemberId || children[0]?.id || '',
                    rewardMinor,
                  },
                }),
              );
              setForm({ title: '', assigneeMemberId: form.assigneeMemberId, reward: '' });
              await data.reload();
            });
          }}
        >
          <Field label={t('choreTitle')}>
            <input
              name="choreTitle"
              required
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.target.value })}
            />
          </Field>
          <Field label={t('assignee')}>
            <select
              name="assignee"
              value={form.assigneeMemberId || children[0]?.id || ''}
              onChange={(e) => setForm({ ...form, assigneeMemberId: e.target.value })}
            >
              {children.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
          </Field>
          <Field label={`${t('reward')} (${currency})`}>
            <input
              name="reward"
              inputMode="decimal"
              value={form.reward}
              onChange={(e) => setForm({ ...form, reward: e.target.value })}
            />
          </Field>
          <button type="submit" disabled={add.pending}>
            {t('addChore')}
          </button>
        </form>
        <ErrorMessage error={add.error} />
      </section>
      <section className="card" aria-labelledby="all-chores-h">
        <h2 id="all-chores-h">{t('chores')}</h2>
        <ul className="plain">
          {data.data?.chores.map((c) => (
            <li key={c.id}>
              <span>
                <strong>{c.title}</strong> · {names.get(c.assigneeMemberId) ?? ''}
              </span>
              <span>
                <span className="amount">{money(c.rewardMinor, c.currency)}</span> · {statusText[c.status]}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </Shell>
  );
}
