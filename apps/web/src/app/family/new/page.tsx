'use client';
// A new family: its name, base currency and time zone (the browser's, by default) — or joining one
// with the invite code a parent of it created (a second parent).
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Shell } from '../../../components/Shell';
import { ErrorMessage, Field, useAction } from '../../../components/ui';
import { unwrap } from '../../../lib/problem';
import { useSession } from '../../../lib/session';

export default function NewFamilyPage() {
  const session = useSession();
  const { t } = session;
  const router = useRouter();
  const [form, setForm] = useState({ name: '', currency: 'EUR', timezone: 'UTC' });
  const action = useAction();
  const joining = useAction();
  const [code, setCode] = useState('');
  useEffect(() => {
    setForm((f) => ({ ...f, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' }));
  }, []);
  const codes = [...session.exponents.keys()].sort();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = unwrap(await session.client.rest.POST('/v1/families', { body: form }));
      await session.replaceAccessToken(r.accessToken);
      router.replace('/dashboard');
    });
  };

  const join = (e: React.FormEvent) => {
    e.preventDefault();
    void joining.run(async () => {
      const r = unwrap(
        await session.client.rest.POST('/v1/invites/{code}/accept', { params: { path: { code: code.trim() } } }),
      );
      await session.replaceAccessToken(r.accessToken);
      router.replace('/dashboard');
    });
  };

  return (
    <Shell title={t('createFamily')}>
      <form className="stack" onSubmit={submit}>
        <Field label={t('familyName')}>
          <input name="name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field label={t('currency')}>
          <select
            name="currency"
            value={form.currency}
            onChange={(e) => setForm({ ...form, currency: e.target.value })}
          >
            {(codes.length ? codes : ['EUR']).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('timezone')}>
          <input
            name="timezone"
            required
            value={form.timezone}
            onChange={(e) => setForm({ ...form, timezone: e.target.value })}
          />
        </Field>
        <ErrorMessage error={action.error} />
        <button type="submit" disabled={action.pending}>
          {action.pending ? t('loading') : t('create')}
        </button>
      </form>
      <section className="card" aria-labelledby="join-h">
        <h2 id="join-h">{t('joinFamily')}</h2>
        <p className="muted">{t('joinHint')}</p>
        <form className="stack" onSubmit={join}>
          <Field label={t('inviteCode')}>
            <input name="code" required value={code} onChange={(e) => setCode(e.target.value)} />
          </Field>
          <ErrorMessage error={joining.error} />
          <button type="submit" disabled={joining.pending}>
            {joining.pending ? t('loading') : t('join')}
          </button>
        </form>
      </section>
    </Shell>
  );
}
