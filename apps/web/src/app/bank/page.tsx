'use client';
// Bank connections: link a bank (providers with a redirect flow, and Plaid through its hosted page),
// re-authenticate one that needs it, sync, assign each account to a member, and the transactions the
// bank brought in.
import { ifMatch, type components } from '@family/sdk';
import { useEffect, useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import { bankRedirectUri, rememberPendingLink } from '../../lib/bank.link';
import { formatDay, formatInstant } from '../../lib/dates';
import { unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

type Provider = components['schemas']['BankProvider'];

export default function BankPage() {
  const session = useSession();
  const { t, family, money, locale } = session;
  const familyId = family?.id ?? '';
  const data = useLoad(async () => {
    if (!familyId) return undefined;
    const path = { familyId };
    const [providers, connections, accounts, members, expenses] = await Promise.all([
      session.client.rest.GET('/v1/bank/providers'),
      session.client.rest.GET('/v1/families/{familyId}/bank/connections', { params: { path } }),
      session.client.rest.GET('/v1/families/{familyId}/bank/accounts', { params: { path } }),
      session.client.rest.GET('/v1/families/{familyId}/members', { params: { path } }),
      session.client.rest.GET('/v1/families/{familyId}/expenses', {
        params: { path, query: { source: 'BANK', limit: 50 } },
      }),
    ]);
    return {
      // Every provider whose own page the browser can go to and come back from (no provider scripts here).
      providers: unwrap(providers).items.filter((p) => p.flow === 'REDIRECT' || p.hostedLink),
      connections: unwrap(connections).items,
      accounts: unwrap(accounts).items,
      members: unwrap(members).items,
      expenses: unwrap(expenses).items,
    };
  }, [familyId]);
  // While a connection syncs (the first sync after linking, a scheduled or webhook one), the page
  // reads again every 1.5 s: it shows the sync running and "Sync now" comes back when it is done.
  const syncing = (c: { lastSync?: { state: string } | undefined }) =>
    c.lastSync?.state === 'QUEUED' || c.lastSync?.state === 'RUNNING';
  const anySyncing = data.data?.connections.some(syncing) ?? false;
  const { reload } = data;
  useEffect(() => {
    if (!anySyncing) return;
    const timer = setTimeout(() => void reload(), 1500);
    return () => clearTimeout(timer);
  }, [anySyncing, reload, data.data]);
  const statusText = {
    ACTIVE: t('bankStatusActive'),
    NEEDS_REAUTH: t('bankStatusNeedsReauth'),
    ERROR: t('bankStatusError'),
    REVOKED: t('bankStatusRevoked'),
  };
  const [provider, setProvider] = useState<Provider | ''>('');
  const link = useAction();
  const act = useAction();

  const startLink = (chosen: Provider, connectionId?: string) =>
    void link.run(async () => {
      const s = unwrap(
        await session.client.rest.POST('/v1/families/{familyId}/bank/link-sessions', {
          params: { path: { familyId } },
          body: {
            provider: chosen,
            redirectUri: bankRedirectUri(),
            language: locale,
            ...(connectionId ? { connectionId } : {}),
          },
        }),
      );
      if (!s.linkUrl) throw new Error('no link URL');
      rememberPendingLink(chosen);
      window.location.assign(s.linkUrl);
    });

  const chosen = provider || data.data?.providers[0]?.provider || '';
  return (
    <Shell title={t('bank')} parentOnly>
      <ErrorMessage error={data.error} />
      {data.loading && !data.data && <Loading />}
      {data.data && (
        <>
          <section className="card" aria-labelledby="link-h">
            <h2 id="link-h">{t('linkBank')}</h2>
            <p className="muted">{t('bankLinkHint')}</p>
            <form
              className="inline"
              onSubmit={(e) => {
                e.preventDefault();
                if (chosen) startLink(chosen);
              }}
            >
              <Field label={t('provider')}>
                <select name="provider" value={chosen} onChange={(e) => setProvider(e.target.value as Provider)}>
                  {data.data.providers.map((p) => (
                    <option key={p.provider} value={p.provider}>
                      {p.displayName}
                    </option>
                  ))}
                </select>
              </Field>
              <button type="submit" disabled={link.pending || !chosen}>
                {link.pending ? t('linking') : t('linkBank')}
              </button>
            </form>
            <ErrorMessage error={link.error} />
          </section>
          <section className="card" aria-labelledby="conn-h">
            <h2 id="conn-h">{t('connections')}</h2>
            <ErrorMessage error={act.error} />
            {data.data.connections.length === 0 && <p className="muted">{t('noConnections')}</p>}
            <ul className="plain" data-testid="connections">
              {data.data.connections.map((c) => (
                <li key={c.id}>
                  <span>
                    <strong>{c.institutionName}</strong> · {statusText[c.status]}
                    {syncing(c) && <span className="muted"> · {t('bankSyncing')}</span>}
                    {c.lastSyncedAt && (
                      <span className="muted">
                        {' '}
                        · {formatInstant(c.lastSyncedAt, locale, family?.timezone ?? 'UTC')}
                      </span>
                    )}
                  </span>
                  <span>
                    {c.status === 'NEEDS_REAUTH' && (
                      <button type="button" onClick={() => startLink(c.provider, c.id)}>
                        {t('linkBank')}
                      </button>
                    )}{' '}
                    <button
                      type="button"
                      className="secondary"
                      disabled={act.pending || syncing(c)}
                      onClick={() =>
                        void act.run(async () => {
                          const r = await session.client.rest.POST(
                            '/v1/families/{familyId}/bank/connections/{connectionId}/sync',
                            {
                              params: { path: { familyId, connectionId: c.id } },
                            },
                          );
                          let sync = unwrap(r).sync;
                          // Still running (202): follow it until it is done, then show what it brought.
                          while (sync.state === 'QUEUED' || sync.state === 'RUNNING') {
                            await new Promise((resolve) => setTimeout(resolve, 1000));
                            sync = unwrap(
                              await session.client.rest.GET(
                                '/v1/families/{familyId}/bank/connections/{connectionId}/syncs/{syncId}',
                                {
                                  params: { path: { familyId, connectionId: c.id, syncId: sync.id } },
                                },
                              ),
                            ).sync;
                          }
                          await data.reload();
                        })
                      }
                    >
                      {t('syncNow')}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
            <h3>{t('accounts')}</h3>
            <ul className="plain">
              {data.data.accounts.map((a) => (
                <li key={a.id}>
                  <span>
                    {a.name} {a.mask ? `••${a.mask}` : ''}{' '}
                    {a.currentBalanceMinor != null && (
                      <span className="amount">{money(a.currentBalanceMinor, a.currency)}</span>
                    )}
                  </span>
                  <label>
                    <span className="sr-only">
                      {t('assignee')} {a.name}
                    </span>
                    <select
                      value={a.memberId ?? ''}
                      disabled={act.pending}
                      onChange={(e) =>
                        void act.run(async () => {
                          unwrap(
                            await session.client.rest.PATCH('/v1/families/{familyId}/bank/accounts/{accountId}', {
                              params: { path: { familyId, accountId: a.id }, header: ifMatch(a.version) },
                              body: { memberId: e.target.value || null },
                            }),
                          );
                          await data.reload();
                        })
                      }
                    >
                      <option value="">{t('none')}</option>
                      {data.data!.members.map((m) => (
                        <option key={m.id} value={m.id}>
                          {m.displayName}
                        </option>
                      ))}
                    </select>
                  </label>
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="tx-h">
            <h2 id="tx-h">{t('bankTransactions')}</h2>
            <ul className="plain" data-testid="bank-transactions">
              {data.data.expenses.map((x) => (
                <li key={x.id}>
                  <span>
                    {x.description} <span className="muted">{formatDay(x.occurredOn, locale)}</span>
                  </span>
                  <span className="amount">{money(x.amountMinor, x.currency)}</span>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </Shell>
  );
}
