// A parent reviewing submitted chores (src/components/ChoreReview.tsx) on the chores page
// (src/app/chores/page.tsx), for chores a real child submitted: approve, reject with a reason, and
// a refusal of the BFF told in words; what the page shows, and what the BFF then says of the chore.
import { expect } from 'chai';
import { parentOf } from '../../../bff/test/bff.harness.js';
import { bearer, type Household } from '../../../bff/test/expense.fixtures.js';
import { balanceOf, createChore, reviewChore, type ChoreBody } from '../../../bff/test/goals.fixtures.js';
import ChoresPage from '../src/app/chores/page';
import { useComponentWorld } from './component.harness';

/** Types into an input the way a user does, so React sees the change. */
function type(input: HTMLInputElement, text: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const button = (container: HTMLElement, name: string) =>
  [...container.querySelectorAll('button')].find((b) => b.textContent === name) ?? null;
const nothingToApprove = (container: HTMLElement) =>
  container.querySelector('section[aria-labelledby="review-h"] p.muted')?.textContent ?? null;

describe('web app components: ChoreReview on the chores page', () => {
  const { bff, family, render, waitFor, newsOf } = useComponentWorld();

  /** A family whose child has submitted “Dishes” (€2.50), and the parent has the news of it. */
  async function submittedDishes() {
    const home = await family();
    const chore = await createChore(bff(), home, { title: 'Dishes', rewardMinor: 250, points: 5 });
    await reviewChore(bff(), home, chore.id, 'submit', home.child.accessToken);
    await newsOf(home.owner, 1);
    return { home, chore };
  }

  /** The chore as the BFF has it now. */
  const choreNow = (home: Household, chore: ChoreBody) =>
    bff().http().get(`${home.base}/chores/${chore.id}`).auth(home.owner.accessToken, bearer);

  it('shows a submitted chore with who did it, the reward and both choices', async () => {
    const { home } = await submittedDishes();
    const { container } = render(<ChoresPage />, { as: home.owner, path: '/chores' });
    const item = await waitFor(() => container.querySelector('[data-testid="review-Dishes"]'));
    expect(item.querySelector('span')!.textContent).to.equal('Dishes · Kim · €2.50');
    expect(item.querySelector('.amount')!.textContent).to.equal('€2.50');
    expect([...item.querySelectorAll('button')].map((b) => b.textContent)).to.deep.equal(['Approve Dishes', 'Reject']);
  });

  it('says there is nothing to approve while the child has not submitted their chore', async () => {
    const home = await family();
    await createChore(bff(), home, { title: 'Dishes', rewardMinor: 250 });
    const { container } = render(<ChoresPage />, { as: home.owner, path: '/chores' });
    await waitFor(() => expect(nothingToApprove(container)).to.equal('Nothing to approve.'));
    expect(container.querySelector('[data-testid="review-Dishes"]')).to.equal(null);
    expect(button(container, 'Approve Dishes')).to.equal(null);
  });

  it('approves a chore: the list read again has nothing to approve, and the reward is in the child’s jar', async () => {
    const { home, chore } = await submittedDishes();
    const before = await balanceOf(bff(), home, home.child.memberId, home.owner.accessToken);
    const { container } = render(<ChoresPage />, { as: home.owner, path: '/chores' });
    (await waitFor(() => button(container, 'Approve Dishes'))).click();
    await waitFor(() => expect(nothingToApprove(container)).to.equal('Nothing to approve.'));
    expect(container.querySelector('[role="alert"]')).to.equal(null);

    const now = await choreNow(home, chore);
    expect(now.body).to.include({ status: 'APPROVED', reviewedByMemberId: home.owner.memberId });
    const after = await balanceOf(bff(), home, home.child.memberId, home.owner.accessToken);
    expect(after.spendMinor - before.spendMinor).to.equal(250);
  });

  it('asks why before rejecting, and the chore is rejected with that reason', async () => {
    const { home, chore } = await submittedDishes();
    const { container } = render(<ChoresPage />, { as: home.owner, path: '/chores' });
    (await waitFor(() => button(container, 'Reject'))).click();
    const reason = await waitFor(() => container.querySelector<HTMLInputElement>('input[placeholder="Why not?"]'));
    expect(reason.required).to.equal(true);
    expect(reason.closest('label')!.textContent).to.equal('Why not?');
    expect(button(container, 'Approve Dishes')).to.equal(null);
    type(reason, 'Still greasy');
    button(container, 'Reject')!.click();
    await waitFor(() => expect(nothingToApprove(container)).to.equal('Nothing to approve.'));

    const now = await choreNow(home, chore);
    expect(now.body).to.include({ status: 'REJECTED', rejectionReason: 'Still greasy' });
  });

  it('goes back to both choices when the rejection is cancelled, and the chore stays submitted', async () => {
    const { home, chore } = await submittedDishes();
    const { container } = render(<ChoresPage />, { as: home.owner, path: '/chores' });
    (await waitFor(() => button(container, 'Reject'))).click();
    (await waitFor(() => button(container, 'Cancel'))).click();
    await waitFor(() => button(container, 'Approve Dishes'));
    expect(container.querySelector('[data-testid="review-Dishes"] input')).to.equal(null);
    expect((await choreNow(home, chore)).body.status).to.equal('SUBMITTED');
  });

  it('tells in words that another parent rejected the chore first, and shows the list read again', async () => {
    const { home, chore } = await submittedDishes();
    const partner = await parentOf(bff(), home.owner);
    const { container } = render(<ChoresPage />, { as: home.owner, path: '/chores' });
    const approve = await waitFor(() => button(container, 'Approve Dishes'));
    await reviewChore(bff(), home, chore.id, 'reject', partner.accessToken, { reason: 'Not dry' });

    approve.click();
    const alert = await waitFor(() => container.querySelector('[role="alert"]'));
    expect(alert.textContent).to.equal(
      'This chore is no longer waiting for approval: someone may have reviewed it already.',
    );
    // The list now shows what is left to approve: nothing; the refusal stays said.
    await waitFor(() => expect(nothingToApprove(container)).to.equal('Nothing to approve.'));
    expect(container.querySelector('[data-testid="review-Dishes"]')).to.equal(null);
    expect(container.querySelector('[role="alert"]')!.textContent).to.equal(alert.textContent);
    const now = await choreNow(home, chore);
    expect(now.body).to.include({
      status: 'REJECTED',
      rejectionReason: 'Not dry',
      reviewedByMemberId: partner.memberId,
    });
  });

  it('reviews in German, with the reward in German notation, and says a deleted chore is not found', async () => {
    const { home, chore } = await submittedDishes();
    const { container } = render(<ChoresPage />, { as: home.owner, locale: 'de', path: '/chores' });
    const item = await waitFor(() => container.querySelector('[data-testid="review-Dishes"]'));
    await waitFor(() => expect(item.querySelector('span')!.textContent).to.equal('Dishes · Kim · 2,50\u00a0€'));
    expect([...item.querySelectorAll('button')].map((b) => b.textContent)).to.deep.equal([
      'Bestätigen Dishes',
      'Ablehnen',
    ]);
    const deleted = await bff().http().delete(`${home.base}/chores/${chore.id}`).auth(home.owner.accessToken, bearer);
    expect(deleted.status, JSON.stringify(deleted.body)).to.equal(204);

    button(container, 'Bestätigen Dishes')!.click();
    await waitFor(() => expect(container.querySelector('[role="alert"]')!.textContent).to.equal('Nicht gefunden.'));
    await waitFor(() => expect(nothingToApprove(container)).to.equal('Nichts zu bestätigen.'));
    expect((await choreNow(home, chore)).status).to.equal(404);
  });

  it('shows a reward in yen, a currency without cents, as the BFF’s currency table says', async () => {
    const home = await family({ currency: 'JPY' });
    const chore = await createChore(bff(), home, { title: 'Dishes', rewardMinor: 300 });
    await reviewChore(bff(), home, chore.id, 'submit', home.child.accessToken);
    const { container } = render(<ChoresPage />, { as: home.owner, path: '/chores' });
    const item = await waitFor(() => container.querySelector('[data-testid="review-Dishes"]'));
    await waitFor(() => expect(item.querySelector('.amount')!.textContent).to.equal('¥300'));
  });
});
