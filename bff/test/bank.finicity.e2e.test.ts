// Finicity end to end over REST, through the real auth, expense and bank services and the Finicity
// emulator: the provider list offers Finicity for the US and Canada; a parent links the sandbox bank
// through the Connect link (302 back with code and state), its purchases become the assigned member's
// expenses, syncing again adds nothing, a forged webhook is refused with 401 and a signed one syncs.
import { expect } from 'chai';
import { BankSandbox, defaultUser, startFinicityEmulator, type FinicityEmulator } from '@family/emulators';
import { waitFor } from '@family/testing';
import { expectProblem, type TestBff } from './bff.harness.js';
import { REDIRECT_URI, startBankStack, type BankStack, type LinkedBank } from './bank.harness.js';
import { bearer, household, type ExpenseBody, type Household } from './expense.fixtures.js';

const PARTNER = {
  partnerId: '2445500000002',
  partnerSecret: 'finicity-e2e-secret',
  appKey: 'finicity-e2e-app-key',
  webhookSecret: 'finicity-e2e-webhook-secret',
};
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** A parent links the Finicity sandbox: link session → the Connect link (302 with code and state) → connection. */
async function linkFinicity(bff: TestBff, familyId: string, token: string): Promise<LinkedBank> {
  const base = `/v1/families/${familyId}/bank`;
  const session = await bff
    .http()
    .post(`${base}/link-sessions`)
    .auth(token, bearer)
    .send({ provider: 'FINICITY', redirectUri: REDIRECT_URI, country: 'US' });
  expect(session.status, JSON.stringify(session.body)).to.equal(201);
  const consent = await fetch(session.body.linkUrl as string, { redirect: 'manual' });
  expect(consent.status).to.equal(302);
  const back = new URL(consent.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT_URI);
  const created = await bff
    .http()
    .post(`${base}/connections`)
    .auth(token, bearer)
    .send({
      provider: 'FINICITY',
      authorizationCode: back.searchParams.get('code'),
      state: back.searchParams.get('state'),
      redirectUri: REDIRECT_URI,
    });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  return { connectionId: created.body.id, accounts: created.body.accounts };
}

describe('Finicity bank transactions end to end', () => {
  let finicity: FinicityEmulator;
  let s: BankStack;
  let home: Household;
  let linked: LinkedBank;

  before(async () => {
    finicity = await startFinicityEmulator({ ...PARTNER, sandbox: new BankSandbox([defaultUser('EUR')]) });
    s = await startBankStack({
      bankEnv: {
        BANK_SYNC_WAIT_MS: '5000',
        FINICITY_API_URL: finicity.url,
        FINICITY_PARTNER_ID: PARTNER.partnerId,
        FINICITY_SECRET: PARTNER.partnerSecret,
        FINICITY_APP_KEY: PARTNER.appKey,
        FINICITY_WEBHOOK_SECRET: PARTNER.webhookSecret,
        FINICITY_CUSTOMER_TYPE: 'testing',
      },
    });
    home = await household(s.bff, 'The Connected');
  });

  after(async () => {
    await s?.stop();
    await finicity?.stop();
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
    return r.body.sync as { added: number; modified: number; removed: number };
  }

  it('offers Finicity for the United States and Canada', async () => {
    const r = await http().get('/v1/bank/providers');
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const item = (r.body.items as { provider: string; flow: string; countries: string[] }[]).find(
      (p) => p.provider === 'FINICITY',
    );
    expect(item).to.deep.include({ flow: 'REDIRECT', countries: ['US', 'CA'] });
  });

  it('turns the linked sandbox bank’s transactions into the assigned member’s expenses, once', async () => {
    const bank = finicity.sandbox;
    bank.add({
      accountId: 'acc_checking',
      amount: '87.35',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(3),
      pending: false,
      description: 'Groceries',
      merchant: 'Whole Foods',
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

    linked = await linkFinicity(s.bff, home.owner.familyId, parent());
    expect(linked.accounts.map((a) => a.type)).to.have.members(['CHECKING', 'SAVINGS', 'CREDIT_CARD']);
    await waitFor(
      async () => {
        const r = await http().get(`${home.base}/bank/connections/${linked.connectionId}`).auth(parent(), bearer);
        return r.body.lastSync?.state === 'SUCCEEDED';
      },
      { what: 'the first sync', timeoutMs: 30_000 },
    );
    expect((await expenses()).map((e) => [e.description, e.amountMinor, e.memberId])).to.deep.equal([
      ['Groceries', 8735, home.owner.memberId],
    ]);

    const card = linked.accounts.find((a) => a.type === 'CREDIT_CARD')!;
    const assigned = await http()
      .patch(`${home.base}/bank/accounts/${card.id}`)
      .auth(parent(), bearer)
      .set('If-Match', `"${card.version}"`)
      .send({ memberId: home.child.memberId });
    expect(assigned.status, JSON.stringify(assigned.body)).to.equal(200);
    bank.add({
      accountId: 'acc_card',
      amount: '15.49',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'Streaming subscription',
      merchant: 'Netflix',
    });
    const synced = await syncNow(linked.connectionId);
    expect(synced.added).to.equal(1);
    const kids = await expenses({ memberId: home.child.memberId });
    expect(kids.map((e) => [e.description, e.amountMinor, e.currency])).to.deep.equal([
      ['Streaming subscription', 1549, 'EUR'],
    ]);

    const again = await syncNow(linked.connectionId);
    expect(again).to.include({ added: 0, removed: 0 });
    expect(await expenses()).to.have.length(2);
  });

  it('refuses a forged webhook with 401 and syncs on a signed one', async () => {
    const customerId = finicity.customers().at(-1)!.id;
    finicity.sandbox.add({
      accountId: 'acc_card',
      amount: '9.75',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'Ice cream',
      merchant: 'Baskin-Robbins',
    });
    const event = finicity.event('done', customerId);
    const signed = finicity.signWebhook(event);
    const forged = await http()
      .post('/v1/webhooks/finicity')
      .set('Content-Type', 'application/json')
      .set('Finicity-Signature', signed.headers['finicity-signature']!)
      .send(JSON.stringify({ ...event, customerId: `${customerId}0` }));
    expectProblem(forged, 401);
    const unsigned = await http()
      .post('/v1/webhooks/finicity')
      .set('Content-Type', 'application/json')
      .send(signed.body);
    expectProblem(unsigned, 401);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await expenses()).map((e) => e.description)).not.to.include('Ice cream');

    const delivered = await finicity.sendWebhook(
      `${s.bff.url}/v1/webhooks/finicity`,
      finicity.event('done', customerId),
    );
    expect(delivered.status, delivered.body).to.equal(200);
    const iceCream = await waitFor(async () => (await expenses()).find((e) => e.description === 'Ice cream'), {
      what: 'the purchase synced after the webhook',
      timeoutMs: 30_000,
    });
    expect(iceCream).to.include({ memberId: home.child.memberId, amountMinor: 975 });
  });
});
