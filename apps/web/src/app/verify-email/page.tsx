'use client';
// The link of the verification email: confirms the address with the `?token=` it carries (signed in
// or not) and says so, or says in words why the link no longer works.
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { PublicHeader } from '../../components/Shell';
import { ErrorMessage, Loading } from '../../components/ui';
import { ApiError, unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function VerifyEmailPage() {
  const session = useSession();
  const { t, user } = session;
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>();
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = new URLSearchParams(window.location.search).get('token') ?? '';
    void (async () => {
      try {
        if (!token) throw new ApiError(400, { detail: t('verifyNoToken') });
        try {
          unwrap(await session.client.rest.POST('/v1/auth/email/verify', { body: { token } }));
        } catch (err) {
          if (err instanceof ApiError && err.status === 400) throw new ApiError(400, { detail: t('verifyBadLink') });
          throw err;
        }
        setDone(true);
        // A signed-in tab shows the address as confirmed from now on.
        if (session.client.tokens.get()) await session.reload();
      } catch (err) {
        setError(err);
      }
    })();
  }, [session, t]);

  return (
    <>
      <PublicHeader />
      <main id="main">
        <h1>{t('verifyTitle')}</h1>
        {!done && !error && <Loading />}
        <ErrorMessage error={error} />
        <p role="status" aria-live="polite">
          {done ? t('verifyDone') : ''}
        </p>
        {(done || error !== undefined) &&
          (user ? <Link href="/settings">{t('verifyToSettings')}</Link> : <Link href="/login">{t('login')}</Link>)}
      </main>
    </>
  );
}
