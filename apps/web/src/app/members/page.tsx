'use client';
// The family's members; a parent adds a child (username and password) or invites a second parent.
import { useState } from 'react';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import { formatInstant } from '../../lib/dates';
import { unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

export default function MembersPage() {
  const session = useSession();
  const { t, family, locale } = session;
  const familyId = family?.id ?? '';
  const members = useLoad(async () => {
    if (!familyId) return [];
    const r = unwrap(
      await session.client.rest.GET('/v1/families/{familyId}/members', { params: { path: { familyId } } }),
    );
    return r.items;
  }, [familyId]);
  const [child, setChild] = useState({ displayName: '', username: '', password: '' });
  const addChild = useAction();
  const invite = useAction();
  const [code, setCode] = useState<{ code: string; expiresAt: string }>();

  return (
    <Shell title={t('members')} parentOnly>
      <section className="card">
        <ErrorMessage error={members.error} />
        {members.loading && !members.data && <Loading />}
        <ul className="plain" data-testid="members">
          {members.data?.map((m) => (
            <li key={m.id}>
              <span>{m.displayName}</span>
              <span className="muted">
                {m.role}
                {m.username ? ` · ${m.username}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="child-h">
        <h2 id="child-h">{t('addChild')}</h2>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void addChild.run(async () => {
              unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/children', {
                  params: { path: { familyId } },
                  body: child,
                }),
              );
              setChild({ displayName: '', username: '', password: '' });
              await members.reload();
            });
          }}
        >
          <Field label={t('childName')}>
            <input
              name="childName"
              required
              value={child.displayName}
              onChange={(e) => setChild({ ...child, displayName: e.target.value })}
            />
          </Field>
          <Field label={t('username')}>
            <input
              name="childUsername"
              required
              autoComplete="off"
              value={child.username}
              onChange={(e) => setChild({ ...child, username: e.target.value })}
            />
          </Field>
          <Field label={t('password')}>
            <input
              name="childPassword"
              type="password"
              autoComplete="new-password"
              required
              value={child.password}
              onChange={(e) => setChild({ ...child, password: e.target.value })}
            />
          </Field>
          <ErrorMessage error={addChild.error} />
          <button type="submit" disabled={addChild.pending}>
            {addChild.pending ? t('loading') : t('addChild')}
          </button>
        </form>
      </section>
      <section className="card" aria-labelledby="invite-h">
        <h2 id="invite-h">{t('inviteParent')}</h2>
        <button
          type="button"
          disabled={invite.pending}
          onClick={() =>
            void invite.run(async () => {
              const r = unwrap(
                await session.client.rest.POST('/v1/families/{familyId}/invites', {
                  params: { path: { familyId } },
                  body: { role: 'PARENT' },
                }),
              );
              setCode({ code: r.code, expiresAt: r.expiresAt });
            })
          }
        >
          {t('inviteParent')}
        </button>
        <ErrorMessage error={invite.error} />
        {code && (
          <p>
            {t('inviteCode')}: <code data-testid="invite-code">{code.code}</code>{' '}
            <span className="muted">({formatInstant(code.expiresAt, locale, family?.timezone ?? 'UTC')})</span>
          </p>
        )}
      </section>
    </Shell>
  );
}
