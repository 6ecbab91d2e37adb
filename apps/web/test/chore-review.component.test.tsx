// A parent reviewing submitted chores (src/components/ChoreReview.tsx) inside the page frame, as the
// chores page shows it: approve, reject with a reason, and a refusal told in words.
import { useState } from 'react';
import { expect } from 'chai';
import { ChoreReview } from '../src/components/ChoreReview';
import { Shell } from '../src/components/Shell';
import { child, family, useComponentWorld, type GraphQLCall } from './component.harness';

const dishes = { id: 'chore-1', title: 'Dishes', assigneeMemberId: child.id, rewardMinor: 250, currency: 'EUR' };
const names = new Map([[child.id, child.displayName]]);

/** The chores page's part: the list of submitted chores, re-read (here: emptied) when one is done. */
function Review({ chores = [dishes] }: { chores?: (typeof dishes)[] }) {
  const [pending, setPending] = useState(chores);
  return (
    <Shell title="Chores" parentOnly>
      <ChoreReview chores={pending} names={names} onDone={async () => setPending([])} />
    </Shell>
  );
}

/** Types into an input the way a user does, so React sees the change. */
function type(input: HTMLInputElement, text: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const button = (container: HTMLElement, name: string) =>
  [...container.querySelectorAll('button')].find((b) => b.textContent === name) ?? null;

describe('web app components: ChoreReview', () => {
  const { bff, render, waitFor } = useComponentWorld();

  const answering = (data: unknown) => (call: GraphQLCall) => {
    expect(call.variables).to.include({ f: family.id, c: dishes.id });
    return { data };
  };

  it('shows a submitted chore with who did it, the reward and both choices', async () => {
    const { container } = render(<Review />, { as: 'parent', path: '/chores' });
    const item = await waitFor(() => container.querySelector('[data-testid="review-Dishes"]'));
    expect(item.querySelector('span')!.textContent).to.equal('Dishes · Kim · €2.50');
    expect(item.querySelector('.amount')!.textContent).to.equal('€2.50');
    expect([...item.querySelectorAll('button')].map((b) => b.textContent)).to.deep.equal(['Approve Dishes', 'Reject']);
  });

  it('says there is nothing to approve when no chore is waiting', async () => {
    const { container } = render(<Review chores={[]} />, { as: 'parent', path: '/chores' });
    await waitFor(() => expect(container.querySelector('main p.muted')!.textContent).to.equal('Nothing to approve.'));
  });

  it('approves a chore and shows the list read again', async () => {
    bff.graphql = answering({ approveChore: { chore: { id: dishes.id, status: 'APPROVED' } } });
    const { container } = render(<Review />, { as: 'parent', path: '/chores' });
    (await waitFor(() => button(container, 'Approve Dishes'))).click();
    await waitFor(() => expect(container.querySelector('main p.muted')!.textContent).to.equal('Nothing to approve.'));
    expect(bff.calls.map((c) => c.query)).to.have.length(1);
    expect(bff.calls[0]!.query).to.match(/approveChore\(familyId: \$f, choreId: \$c\)/);
  });

  it('asks why before rejecting, and sends the reason', async () => {
    bff.graphql = answering({ rejectChore: { id: dishes.id, status: 'REJECTED' } });
    const { container } = render(<Review />, { as: 'parent', path: '/chores' });
    (await waitFor(() => button(container, 'Reject'))).click();
    const reason = await waitFor(() => container.querySelector<HTMLInputElement>('input[placeholder="Why not?"]'));
    expect(reason.required).to.equal(true);
    expect(reason.closest('label')!.textContent).to.equal('Why not?');
    expect(button(container, 'Approve Dishes')).to.equal(null);
    type(reason, 'Still greasy');
    button(container, 'Reject')!.click();
    await waitFor(() => expect(container.querySelector('main p.muted')!.textContent).to.equal('Nothing to approve.'));
    expect(bff.calls).to.have.length(1);
    expect(bff.calls[0]!.query).to.match(/rejectChore\(familyId: \$f, choreId: \$c, reason: \$r\)/);
    expect(bff.calls[0]!.variables.r).to.equal('Still greasy');
  });

  it('goes back to both choices when the rejection is cancelled', async () => {
    const { container } = render(<Review />, { as: 'parent', path: '/chores' });
    (await waitFor(() => button(container, 'Reject'))).click();
    (await waitFor(() => button(container, 'Cancel'))).click();
    await waitFor(() => button(container, 'Approve Dishes'));
    expect(container.querySelector('input')).to.equal(null);
    expect(bff.calls).to.deep.equal([]);
  });

  it('tells a refused approval in words and keeps the chore', async () => {
    bff.graphql = () => ({
      data: null,
      errors: [
        {
          message: 'Only a parent may approve chores',
          path: ['approveChore'],
          extensions: { code: 'FORBIDDEN', reason: 'NOT_A_PARENT', status: 403 },
        },
      ],
    });
    const { container } = render(<Review />, { as: 'parent', path: '/chores' });
    (await waitFor(() => button(container, 'Approve Dishes'))).click();
    const alert = await waitFor(() => container.querySelector('[role="alert"]'));
    expect(alert.textContent).to.equal('You are not allowed to do this.');
    expect(container.querySelector('[data-testid="review-Dishes"]')).not.to.equal(null);
    expect(button(container, 'Approve Dishes')!.disabled).to.equal(false);
  });

  it('reviews in German, with the reward in German notation', async () => {
    bff.graphql = () => ({
      data: null,
      errors: [{ message: 'unexpected', extensions: { code: 'INTERNAL', reason: 'INTERNAL', status: 500 } }],
    });
    const { container } = render(<Review />, { as: 'parent', locale: 'de', path: '/chores' });
    const item = await waitFor(() => container.querySelector('[data-testid="review-Dishes"]'));
    await waitFor(() => expect(item.querySelector('span')!.textContent).to.equal('Dishes · Kim · 2,50\u00a0€'));
    expect([...item.querySelectorAll('button')].map((b) => b.textContent)).to.deep.equal([
      'Bestätigen Dishes',
      'Ablehnen',
    ]);
    button(container, 'Bestätigen Dishes')!.click();
    await waitFor(() =>
      expect(container.querySelector('[role="alert"]')!.textContent).to.equal(
        'Etwas ist schiefgelaufen. Bitte versuche es noch einmal.',
      ),
    );
  });
});
