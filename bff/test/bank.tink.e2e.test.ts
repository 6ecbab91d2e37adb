// Tink end to end over REST, through the real auth, expense and bank services and the Tink emulator:
// a parent links the Tink sandbox (link session → Tink Link answers 302 with code and state →
// connection), assigns the card to their child, and its purchases become the child's expenses; income
// is not spending; syncing again adds nothing; a forged X-Tink-Signature is refused with 401 and
// changes nothing, a signed webhook syncs what the bank added since.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { waitFor } from '@family/testing';
import { expectProblem } from './bff.harness.js';
import { REDIRECT_URI, startBankStack, type BankStack, type LinkedBank } from './bank.harness.js';
import { bearer, household, type ExpenseBody, type Household } from './expense.fixtures.js';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('Tink bank transactions end to end', () => {
  let s: BankStack;
  let home: Household;
  let linked: LinkedBank;
  let tinkUserId: string;

  before(async () => {
    s = await startBankStack({ tink: true, bankEnv: { BANK_SYNC_WAIT_MS: '5000' } });
    home = await household(s.bff, 'The Tinkers');
  });

  after(async () => {
    await s?.stop();
  });

  const http = () => s.bff.http();
  const parent = () => home.owner.accessToken;
  const tink = () => s.tink!;

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

  it('offers Tink with its countries', async () => {
    const r = await http().get('/v1/bank/providers');
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const offered = (r.body.items as { provider: string; flow: string; countries: string[] }[]).find(
      (p) => p.provider === 'TINK',
    );
    expect(offered?.flow).to.equal('REDIRECT');
    expect(offered?.countries).to.include.members(['SE', 'DE', 'FR', 'ES', 'IT', 'NL', 'FI', 'GB']);
  });

  it('links the Tink sandbox and turns its transactions into the assigned member’s expenses, once', async () => {
    const bank = tink().sandbox;
    bank.add({
      accountId: 'acc_checking',
      amount: '52.80',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(3),
      pending: false,
      description: 'Groceries',
      merchant: 'ICA',
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

    const session = await http()
      .post(`${home.base}/bank/link-sessions`)
      .auth(parent(), bearer)
      .send({ provider: 'TINK', redirectUri: REDIRECT_URI, country: 'SE' });
    expect(session.status, JSON.stringify(session.body)).to.equal(201);
    const consent = await fetch(session.body.linkUrl as string, { redirect: 'manual' });
    expect(consent.status).to.equal(302);
    const back = new URL(consent.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT_URI);
    const created = await http()
      .post(`${home.base}/bank/connections`)
      .auth(parent(), bearer)
      .send({
        provider: 'TINK',
        authorizationCode: back.searchParams.get('code'),
        state: back.searchParams.get('state'),
        redirectUri: REDIRECT_URI,
      });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    linked = { connectionId: created.body.id, accounts: created.body.accounts };
    tinkUserId = tink()
      .users()
      .find((u) => u.username)!.userId;
    expect(JSON.stringify(created.body)).not.to.match(/access_token|refresh_token|accessToken|refreshToken/);

    await waitFor(
      async () => {
        const r = await http().get(`${home.base}/bank/connections/${linked.connectionId}`).auth(parent(), bearer);
        return r.body.lastSync?.state === 'SUCCEEDED';
      },
      { what: 'the first sync', timeoutMs: 30_000 },
    );
    expect((await expenses()).map((e) => [e.description, e.amountMinor, e.memberId])).to.deep.equal([
      ['Groceries', 5280, home.owner.memberId],
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
      amount: '6.40',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'Tram ticket',
      merchant: 'SL',
    });
    const synced = await syncNow(linked.connectionId);
    expect(synced.added).to.equal(1);
    const kids = await expenses({ memberId: home.child.memberId });
    expect(kids.map((e) => [e.description, e.amountMinor, e.currency])).to.deep.equal([['Tram ticket', 640, 'EUR']]);

    const again = await syncNow(linked.connectionId);
    expect(again).to.include({ added: 0, removed: 0 });
    expect(await expenses()).to.have.length(2);
  });

  it('refuses a forged webhook with 401 and nothing synced, and syncs on a signed one', async () => {
    tink().sandbox.add({
      accountId: 'acc_card',
      amount: '14.90',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'Library café',
      merchant: 'Espresso House',
    });
    const payload = tink().event('account-transactions:modified', tinkUserId, { account: { id: 'acc_card' } });
    const body = JSON.stringify(payload);
    const t = String(Math.floor(Date.now() / 1000));
    const forgedSignature = createHmac('sha256', 'not-the-webhook-secret').update(`${t}.${body}`).digest('hex');
    const refused = await http()
      .post('/v1/webhooks/tink')
      .set('Content-Type', 'application/json')
      .set('X-Tink-Signature', `t=${t},v1=${forgedSignature}`)
      .send(body);
    expectProblem(refused, 401);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await expenses()).map((e) => e.description)).not.to.include('Library café');

    const signed = await tink().sendWebhook(`${s.bff.url}/v1/webhooks/tink`, payload);
    expect(signed.status, signed.body).to.equal(200);
    const cafe = await waitFor(async () => (await expenses()).find((e) => e.description === 'Library café'), {
      what: 'the purchase synced after the webhook',
      timeoutMs: 30_000,
    });
    expect(cafe).to.include({ memberId: home.child.memberId, amountMinor: 1490 });
  });
});
