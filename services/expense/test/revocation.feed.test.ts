// The safe side of the revocation feed: when the auth service cannot be reached, user tokens are not
// trusted past the feed's staleness bound — calls answer UNAVAILABLE, never act on a possibly revoked
// token.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { ClientError } from '@family/grpc-kit';
import { waitFor } from '@family/testing';
import {
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
} from './expense.harness.js';

describe('expense service without its revocation feed', function () {
  this.timeout(60_000);
  let auth: AuthHarness;
  let expense: ExpenseHarness;

  before(async () => {
    auth = await startTestAuth();
    expense = await startTestExpense(auth, { REVOCATION_STALE_MS: '500' });
  });
  after(async () => {
    await expense.stop();
  });

  it('refuses user tokens with UNAVAILABLE once the auth service is gone, rather than trust them', async () => {
    const home = await household(auth);
    const listed = await expense.client.listExpenses({ familyId: home.familyId }, home.asParent);
    expect(listed.expenses).to.deep.equal([]);
    await auth.stop();
    const code = await waitFor(
      async () => {
        try {
          await expense.client.listExpenses({ familyId: home.familyId }, home.asChild);
          return false;
        } catch (err) {
          return err instanceof ClientError ? err.code : false;
        }
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'a refusal' },
    );
    expect(code).to.equal(Status.UNAVAILABLE);
  });
});
