'use client';
// Forgot the password: the account's email gets a reset link; the answer is the same whether or
// not the address has an account.
import Link from 'next/link';
import { useState } from 'react';
import { PublicHeader } from '../../components/Shell';
import { ErrorMessage, Field, useAction } from '../../components/ui';
import { unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function ForgotPasswordPage() {
  const session = useSession();
  const { t } = session;
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string>();
  const action = useAction();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setSentTo(undefined);
      unwrap(await session.client.rest.POST('/v1/auth/password/reset-request', { body: { email: email.trim() } }));
      setSentTo(email.trim());
    });
  };

  return (
    <>
      <PublicHeader />
      <main id="main">
        <h1>{t('forgotTitle')}</h1>
        <form className="stack" onSubmit={submit}>
          <p>{t('forgotHint')}</p>
          <Field label={t('email')}>
            <input
              name="email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <ErrorMessage error={action.error} />
          <button type="submit" disabled={action.pending}>
            {action.pending ? t('loading') : t('forgotSend')}
          </button>
          <p role="status" aria-live="polite">
            {sentTo ? t('forgotSent', { email: sentTo }) : ''}
          </p>
          <p className="muted">{t('forgotChildHint')}</p>
          <Link href="/login">{t('forgotBackToLogin')}</Link>
        </form>
      </main>
    </>
  );
}
