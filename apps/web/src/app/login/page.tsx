'use client';
// Log in with an email (parents) or a username (children).
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { PublicHeader } from '../../components/Shell';
import { ErrorMessage, Field, useAction } from '../../components/ui';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function LoginPage() {
  const session = useSession();
  const { t } = session;
  const router = useRouter();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      try {
        const r = unwrap(await session.client.rest.POST('/v1/auth/login', { body: { login, password } }));
        await session.signIn(r.tokens);
        router.replace('/');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) throw new ApiError(401, { detail: t('errorCredentials') });
        throw err;
      }
    });
  };

  return (
    <>
      <PublicHeader />
      <main id="main">
        <h1>{t('login')}</h1>
        <form className="stack" onSubmit={submit}>
          <Field label={t('loginOrUsername')}>
            <input
              name="login"
              autoComplete="username"
              required
              value={login}
              onChange={(e) => setLogin(e.target.value)}
            />
          </Field>
          <Field label={t('password')}>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <ErrorMessage error={action.error} />
          <button type="submit" disabled={action.pending}>
            {action.pending ? t('loading') : t('login')}
          </button>
          <Link href="/forgot-password">{t('forgotLink')}</Link>
          <Link href="/signup">{t('noAccount')}</Link>
        </form>
      </main>
    </>
  );
}
