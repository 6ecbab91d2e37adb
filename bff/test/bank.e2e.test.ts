// Bank transactions end to end over REST, through the real auth, expense and bank services and the
// Plaid emulator: a parent links the Plaid sandbox, assigns the family card to their child, and the
// card's purchases become the child's expenses, categorized by the family's rules and counted in the
// family's budget; income and the ignored savings account are not spending; syncing again adds
// nothing; a forged webhook is refused with 401 and changes nothing; a signed one syncs what the bank
// added since.
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { waitFor } from '@family/testing';
import { expectProblem } from './bff.harness.js';
import { linkPlaid, startBankStack, type BankStack } from './bank.harness.js';
import { bearer, category, household, type ExpenseBody, type Household } from './expense.fixtures.js';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('Bank transactions end to end', () => {
  let s: BankStack;
  let home: Household;

  before(async () => {
    s = await startBankStack({ bankEnv: { BANK_SYNC_WAIT_MS: '5000' } });
    home = await household(s.bff, 'The Synced');
  });

  after(async () => {
    await s?.stop();
  });

  const http = () => s.bff.http();
  const parent = () => home.owner.accessToken;

  async function expenses(query: Record<string, string> = {}): Promise<ExpenseBody[]> {
    const r = await http()
      .get(`${home.base}/expenses`)
      .query({ source: 'BANK', limit: '200', ...query })
      .auth(parent(), bearer);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.items as ExpenseBody[];
  }

  async function syncNow(connectionId: string) {
    const r = await http().post(`${home.base}/bank/connections/${connectionId}/sync`).auth(parent(), bearer);
    if (r.status === 202) {
      // Still running: poll the status it points at until it is done.
      return waitFor(
        async () => {
          const polled = await http().get(r.headers.location!).auth(parent(), bearer);
          return polled.body.sync.state === 'SUCCEEDED' && polled.body.sync;
        },
        { what: 'the background sync', timeoutMs: 30_000 },
      );
    }
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.sync.state).to.equal('SUCCEEDED');
    return r.body.sync as { added: number; modified: number; removed: number; id: string };
  }

  it('turns a linked bank’s transactions into the assigned member’s expenses, categorized and budgeted, once', async () => {
    // The family's own rule and budget, before anything is imported.
    const movies = await category(s.bff, home, 'Movies & shows', 'Entertainment');
    const rule = await http()
      .post(`${home.base}/categorization-rules`)
      .auth(parent(), bearer)
      .send({ pattern: 'cineworld', categoryId: movies.id });
    expect(rule.status, JSON.stringify(rule.body)).to.equal(201);
    const budget = await http()
      .post(`${home.base}/budgets`)
      .auth(parent(), bearer)
      .send({ name: 'Fun', categoryId: movies.id, period: 'MONTH', amountMinor: 5000 });
    expect(budget.status, JSON.stringify(budget.body)).to.equal(201);

    // What the sandbox bank already holds: the parent's shopping and a salary on the current account.
    const bank = s.plaid.sandbox;
    bank.add({
      accountId: 'acc_checking',
      amount: '64.20',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(3),
      pending: false,
      description: 'Weekly shop',
      merchant: 'Lidl',
    });
    bank.add({
      accountId: 'acc_checking',
      amount: '2450.00',
      direction: 'IN',
      currency: 'EUR',
      bookedOn: daysAgo(2),
      pending: false,
      description: 'Salary',
    });
    bank.add({
      accountId: 'acc_savings',
      amount: '100.00',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(2),
      pending: false,
      description: 'Transfer out',
    });

    const linked = await linkPlaid(s.bff, s.plaid, home.owner.familyId, parent());
    await waitFor(
      async () => {
        const r = await http().get(`${home.base}/bank/connections/${linked.connectionId}`).auth(parent(), bearer);
        return r.body.lastSync?.state === 'SUCCEEDED';
      },
      { what: 'the first sync', timeoutMs: 30_000 },
    );
    const first = await expenses();
    expect(first.map((e) => [e.description, e.amountMinor, e.memberId])).to.deep.equal([
      ['Weekly shop', 6420, home.owner.memberId],
    ]);

    // The card is the child's: from now on its purchases are their spending.
    const card = linked.accounts.find((a) => a.type === 'CREDIT_CARD')!;
    const assigned = await http()
      .patch(`${home.base}/bank/accounts/${card.id}`)
      .auth(parent(), bearer)
      .set('If-Match', `"${card.version}"`)
      .send({ memberId: home.child.memberId });
    expect(assigned.status, JSON.stringify(assigned.body)).to.equal(200);
    const pizza = bank.add({
      accountId: 'acc_card',
      amount: '23.40',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: true,
      description: 'Pizza night',
      merchant: 'Dominos',
    });
    bank.add({
      accountId: 'acc_card',
      amount: '9.50',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'CINEWORLD LEEDS',
      merchant: 'Cineworld',
    });

    const synced = await syncNow(linked.connectionId);
    expect(synced.added).to.equal(2);
    const kids = await expenses({ memberId: home.child.memberId });
    const cinema = kids.find((e) => e.merchant === 'Cineworld')!;
    expect(cinema).to.include({ amountMinor: 950, currency: 'EUR', categoryId: movies.id, source: 'BANK' });
    expect(kids.map((e) => e.description)).to.have.members(['CINEWORLD LEEDS', 'Pizza night']);
    // The child sees them as their own.
    const theirs = await http().get(`${home.base}/expenses`).auth(home.child.accessToken, bearer);
    expect(theirs.body.items.map((e: ExpenseBody) => e.id)).to.include(cinema.id);

    const status = await http().get(`${home.base}/budgets/${budget.body.id}`).auth(parent(), bearer);
    expect(status.status, JSON.stringify(status.body)).to.equal(200);
    expect(status.body.status.spentMinor).to.equal(950);

    // Syncing again adds nothing; the pending purchase posting under a new id replaces it.
    const again = await syncNow(linked.connectionId);
    expect(again).to.include({ added: 0, removed: 0 });
    expect(await expenses()).to.have.length(3);
    bank.post(pizza.id, { amount: '25.90' });
    await syncNow(linked.connectionId);
    const after = await expenses();
    expect(after).to.have.length(3);
    expect(after.find((e) => e.description === 'Pizza night')!.amountMinor).to.equal(2590);
  });

  it('refuses a forged webhook with 401 and nothing synced, and syncs on a signed one', async () => {
    const item = s.plaid.controls.items().at(-1)!;
    const payload = {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: item.itemId,
      initial_update_complete: true,
      historical_update_complete: true,
    };
    s.plaid.sandbox.add({
      accountId: 'acc_card',
      amount: '4.20',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'Comics',
      merchant: 'Forbidden Planet',
    });

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = s.plaid.controls.webhookFor(payload, { signingKey: privateKey });
    const refused = await http()
      .post('/v1/webhooks/plaid')
      .set('Content-Type', 'application/json')
      .set('Plaid-Verification', forged.verification)
      .send(forged.body);
    expectProblem(refused, 401);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await expenses()).map((e) => e.description)).not.to.include('Comics');

    const signed = await s.plaid.controls.sendWebhook(`${s.bff.url}/v1/webhooks/plaid`, payload);
    expect(signed.status, signed.body).to.equal(200);
    const comics = await waitFor(async () => (await expenses()).find((e) => e.description === 'Comics'), {
      what: 'the purchase synced after the webhook',
      timeoutMs: 30_000,
    });
    expect(comics).to.include({ memberId: home.child.memberId, amountMinor: 420 });
  });
});
