'use client';
// Back from the bank's consent page: the code (or connection id) and state become a connection. Back
// from Plaid's hosted page there is no code: the state alone completes it.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { components } from '@family/sdk';
import { Shell } from '../../../components/Shell';
import { ErrorMessage, Loading } from '../../../components/ui';
import { bankRedirectUri, takePendingLink } from '../../../lib/bank.link';
import { ApiError, unwrap } from '../../../lib/problem';
import { useSession } from '../../../lib/session';

export default function BankCallbackPage() {
  const session = useSession();
  const { t, family, ready } = session;
  const router = useRouter();
  const [error, setError] = useState<unknown>();
  const done = useRef(false);

  useEffect(() => {
    if (!ready || !family || done.current) return;
    done.current = true;
    const query = new URLSearchParams(window.location.search);
    const provider = (takePendingLink() ??
      query.get('provider') ??
      'TRUELAYER') as components['schemas']['BankProvider'];
    const state = query.get('state') ?? '';
    const code = query.get('code') ?? query.get('connection_id') ?? '';
    void (async () => {
      try {
        if (query.get('error')) throw new Error(query.get('error_description') ?? query.get('error') ?? '');
        unwrap(
          await session.client.rest.POST('/v1/families/{familyId}/bank/connections', {
            params: { path: { familyId: family.id } },
            body: {
              provider,
              state,
              ...(code ? { authorizationCode: code } : {}),
              redirectUri: bankRedirectUri(),
            },
          }),
        );
        router.replace('/bank');
      } catch (err) {
        setError(err);
      }
    })();
  }, [ready, family, router, session.client]);

  const unfinished = error instanceof ApiError && error.problem.code === 'LINK_NOT_FINISHED';
  return (
    <Shell title={t('linking')} parentOnly>
      {unfinished ? (
        <p className="error" role="alert">
          {t('bankLinkUnfinished')}
        </p>
      ) : error ? (
        <ErrorMessage error={error} />
      ) : (
        <Loading />
      )}
      {error ? <Link href="/bank">{t('bankBackToBank')}</Link> : null}
    </Shell>
  );
}
