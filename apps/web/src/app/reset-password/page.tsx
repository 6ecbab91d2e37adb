'use client';
// The link of the password-reset email: a new password for the `?token=` it carries; afterwards
// every session of the account has ended, so the way on is the login page.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { PublicHeader } from '../../components/Shell';
import { ErrorMessage, Field, useAction } from '../../components/ui';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function ResetPasswordPage() {
  const session = useSession();
  const { t } = session;
  const [token, setToken] = useState<string>();
  const [form, setForm] = useState({ password: '', repeat: '' });
  const [done, setDone] = useState(false);
  const [badLink, setBadLink] = useState(false);
  const action = useAction();
  useEffect(() => {
    setToken(new URLSearchParams(window.location.search).get('token') ?? '');
  }, []);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      if (form.password !== form.repeat) throw new ApiError(400, { detail: t('resetMismatch') });
      try {
        unwrap(
          await session.client.rest.POST('/v1/auth/password/reset', {
            body: { token: token ?? '', newPassword: form.password },
          }),
        );
      } catch (err) {
        if (err instanceof ApiError && err.status === 400) {
          const errors = err.problem.errors ?? [];
          if (errors.some((x) => x.field === 'token')) {
            setBadLink(true);
            throw new ApiError(400, { detail: t('resetBadLink') });
          }
          const policy = errors.filter((x) => x.field === 'newPassword');
          if (policy.length)
            throw new ApiError(400, { detail: policy.map((x) => `${t('resetNew')}: ${x.message}`).join(' ') });
        }
        throw err;
      }
      setDone(true);
      // Every session of the account ended with the reset, this tab's too.
      if (session.client.tokens.get()) {
        session.client.tokens.set(undefined);
        await session.reload();
      }
    });
  };

  return (
    <>
      <PublicHeader />
      <main id="main">
        <h1>{t('resetTitle')}</h1>
        {token === '' && (
          <>
            <p className="error" role="alert">
              {t('resetNoToken')}
            </p>
            <Link href="/forgot-password">{t('resetAgain')}</Link>
          </>
        )}
        {token && !done && (
          <form className="stack" onSubmit={submit}>
            <Field label={t('resetNew')}>
              <input
                name="newPassword"
                type="password"
                autoComplete="new-password"
                required
                aria-describedby="password-hint"
                value={form.password}
                onChange={(e) => setForm({ ...form, password: e.target.value })}
              />
            </Field>
            <p id="password-hint" className="muted">
              {t('resetHint')}
            </p>
            <Field label={t('resetRepeat')}>
              <input
                name="repeatPassword"
                type="password"
                autoComplete="new-password"
                required
                value={form.repeat}
                onChange={(e) => setForm({ ...form, repeat: e.target.value })}
              />
            </Field>
            <ErrorMessage error={action.error} />
            <button type="submit" disabled={action.pending}>
              {action.pending ? t('loading') : t('resetSave')}
            </button>
            {badLink && <Link href="/forgot-password">{t('resetAgain')}</Link>}
          </form>
        )}
        <p role="status" aria-live="polite">
          {done ? t('resetDone') : ''}
        </p>
        {done && <Link href="/login">{t('resetLogin')}</Link>}
      </main>
    </>
  );
}
