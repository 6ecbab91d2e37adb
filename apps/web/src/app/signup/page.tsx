'use client';
// A parent's account: email, password and the name the family sees.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { PublicHeader } from '../../components/Shell';
import { ErrorMessage, Field, useAction } from '../../components/ui';
import { unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function SignupPage() {
  const session = useSession();
  const { t } = session;
  const router = useRouter();
  const [form, setForm] = useState({ email: '', password: '', displayName: '' });
  const action = useAction();
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: e.target.value });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = unwrap(await session.client.rest.POST('/v1/auth/register', { body: form }));
      await session.signIn(r.tokens);
      router.replace('/family/new');
    });
  };

  return (
    <>
      <PublicHeader />
      <main id="main">
        <h1>{t('signup')}</h1>
        <form className="stack" onSubmit={submit}>
          <Field label={t('displayName')}>
            <input
              name="displayName"
              autoComplete="name"
              required
              value={form.displayName}
              onChange={set('displayName')}
            />
          </Field>
          <Field label={t('email')}>
            <input name="email" type="email" autoComplete="email" required value={form.email} onChange={set('email')} />
          </Field>
          <Field label={t('password')}>
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={form.password}
              onChange={set('password')}
            />
          </Field>
          <ErrorMessage error={action.error} />
          <button type="submit" disabled={action.pending}>
            {action.pending ? t('loading') : t('signup')}
          </button>
          <Link href="/login">{t('haveAccount')}</Link>
        </form>
      </main>
    </>
  );
}
