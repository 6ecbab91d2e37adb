'use client';
// Submitted chores with approve / reject (a reason is asked for a rejection). A refused review (another
// parent was quicker, the chore was deleted) is told, and the list is read again to show what is left.
import { useState } from 'react';
import { ErrorMessage, useAction } from './ui';
import { APPROVE_CHORE, REJECT_CHORE } from '../lib/queries';
import { useSession } from '../lib/session';

interface Submitted {
  id: string;
  title: string;
  assigneeMemberId: string;
  rewardMinor: number;
  currency: string;
}

export function ChoreReview({
  chores,
  names,
  onDone,
}: {
  chores: Submitted[];
  names: Map<string, string>;
  onDone: () => Promise<void>;
}) {
  const session = useSession();
  const { t, money } = session;
  const action = useAction();
  const [rejecting, setRejecting] = useState<string>();
  const [reason, setReason] = useState('');
  const familyId = session.family!.id;

  /** Sends a review; when it is refused, reads the list again before telling why. */
  const review = (send: () => Promise<unknown>) =>
    void action.run(async () => {
      try {
        await send();
      } catch (err) {
        await onDone().catch(() => undefined);
        throw err;
      }
      await onDone();
    });
  const approve = (choreId: string) => review(() => session.client.graphql(APPROVE_CHORE, { familyId, choreId }));
  const reject = (choreId: string) =>
    review(async () => {
      await session.client.graphql(REJECT_CHORE, { familyId, choreId, reason });
      setRejecting(undefined);
      setReason('');
    });

  return (
    <>
      <ErrorMessage error={action.error} />
      {chores.length === 0 && <p className="muted">{t('nothingToApprove')}</p>}
      {chores.length > 0 && (
        <ul className="plain">
          {chores.map((c) => (
            <li key={c.id} data-testid={`review-${c.title}`}>
              <span>
                <strong>{c.title}</strong> · {names.get(c.assigneeMemberId) ?? ''} ·{' '}
                <span className="amount">{money(c.rewardMinor, c.currency)}</span>
              </span>
              {rejecting === c.id ? (
                <form
                  className="inline"
                  onSubmit={(e) => {
                    e.preventDefault();
                    reject(c.id);
                  }}
                >
                  <label>
                    <span className="sr-only">{t('rejectReason')}</span>
                    <input
                      required
                      placeholder={t('rejectReason')}
                      value={reason}
                      onChange={(e) => setReason(e.target.value)}
                    />
                  </label>
                  <button type="submit" disabled={action.pending}>
                    {t('reject')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setRejecting(undefined)}>
                    {t('cancel')}
                  </button>
                </form>
              ) : (
                <span className="inline">
                  <button type="button" disabled={action.pending} onClick={() => approve(c.id)}>
                    {t('approve')} {c.title}
                  </button>{' '}
                  <button type="button" className="secondary" onClick={() => setRejecting(c.id)}>
                    {t('reject')}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
