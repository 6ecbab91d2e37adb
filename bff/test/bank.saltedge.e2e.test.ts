// Salt Edge end to end over REST, through the real auth, expense and bank services and the Salt Edge
// emulator (requests signed with the stack's key pair): Salt Edge is offered worldwide; a parent links
// the sandbox (connect_url → 302 back with connection_id and state), assigns the card to their child,
// and the transactions become that member's expenses; syncing again adds nothing; a pending purchase
// posting under a new id replaces it; a forged callback is refused with 401 and a signed one syncs.
import { generateKeyPairSync, sign } from 'node:crypto';
import { expect } from 'chai';
import type { SaltEdgeEmulator } from '@family/emulators';
import { waitFor } from '@family/testing';
import { expectProblem } from './bff.harness.js';
import { REDIRECT_URI, startBankStack, type BankStack } from './bank.harness.js';
import { bearer, household, type ExpenseBody, type Household } from './expense.fixtures.js';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('Salt Edge bank transactions end to end', () => {
  let s: BankStack;
  let saltEdge: SaltEdgeEmulator;
  let home: Household;
  let connectionId: string;
  let saltEdgeConnectionId: string;

  before(async () => {
    s = await startBankStack({ saltEdge: true, bankEnv: { BANK_SYNC_WAIT_MS: '5000' } });
    saltEdge = s.saltEdge!;
    home = await household(s.bff, 'The Salted');
  });

  after(async () => {
    await s?.stop();
  });

  const http = () => s.bff.http();
  const parent = () => home.owner.accessToken;
  const callbackUrl = () => `${s.bff.url}/v1/webhooks/saltedge`;

  async function expenses(query: Record<string, string> = {}): Promise<ExpenseBody[]> {
    const r = await http()
      .get(`${home.base}/expenses`)
      .query({ source: 'BANK', limit: '200', ...query })
      .auth(parent(), bearer);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.items as ExpenseBody[];
  }

  async function syncNow(id: string) {
    const r = await http().post(`${home.base}/bank/connections/${id}/sync`).auth(parent(), bearer);
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

  it('offers Salt Edge in countries all over the world', async () => {
    const r = await http().get('/v1/bank/providers');
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const item = (r.body.items as { provider: string; flow: string; countries: string[] }[]).find(
      (p) => p.provider === 'SALTEDGE',
    );
    expect(item?.flow).to.equal('REDIRECT');
    expect(item?.countries).to.include.members(['GB', 'DE', 'FR', 'ES', 'IT', 'RO', 'PL', 'UA', 'US', 'CA', 'AU']);
  });

  it('turns the linked sandbox bank’s transactions into the assigned member’s expenses, once', async () => {
    const bank = saltEdge.sandbox;
    bank.add({
      accountId: 'acc_checking',
      amount: '45.60',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: daysAgo(3),
      pending: false,
      description: 'Supermarket',
      merchant: 'Carrefour',
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

    // Link: a session, the connect_url (the sandbox's consent answers 302), the connection.
    const session = await http()
      .post(`${home.base}/bank/link-sessions`)
      .auth(parent(), bearer)
      .send({ provider: 'SALTEDGE', redirectUri: REDIRECT_URI, country: 'DE' });
    expect(session.status, JSON.stringify(session.body)).to.equal(201);
    const consent = await fetch(session.body.linkUrl as string, { redirect: 'manual' });
    expect(consent.status).to.equal(302);
    const back = new URL(consent.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT_URI);
    saltEdgeConnectionId = back.searchParams.get('connection_id')!;
    const created = await http()
      .post(`${home.base}/bank/connections`)
      .auth(parent(), bearer)
      .send({
        provider: 'SALTEDGE',
        authorizationCode: back.searchParams.get('code'),
        state: back.searchParams.get('state'),
        redirectUri: REDIRECT_URI,
      });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    connectionId = created.body.id as string;
    const accounts = created.body.accounts as { id: string; type: string; version: number }[];
    expect(created.body.institutionName).to.equal('Sandbox Bank');

    await waitFor(
      async () => {
        const r = await http().get(`${home.base}/bank/connections/${connectionId}`).auth(parent(), bearer);
        return r.body.lastSync?.state === 'SUCCEEDED';
      },
      { what: 'the first sync', timeoutMs: 30_000 },
    );
    expect((await expenses()).map((e) => [e.description, e.amountMinor, e.memberId])).to.deep.equal([
      ['Supermarket', 4560, home.owner.memberId],
    ]);

    const card = accounts.find((a) => a.type === 'CREDIT_CARD')!;
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
      amount: '4.80',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'Bakery',
      merchant: 'Paul',
    });
    const synced = await syncNow(connectionId);
    expect(synced.added).to.equal(2);
    const kids = await expenses({ memberId: home.child.memberId });
    expect(kids.map((e) => [e.description, e.amountMinor]).sort()).to.deep.equal([
      ['Bakery', 480],
      ['Pizza night', 2340],
    ]);

    const again = await syncNow(connectionId);
    expect(again).to.include({ added: 0, removed: 0 });
    expect(await expenses()).to.have.length(3);
    bank.post(pizza.id, { amount: '25.90' });
    await syncNow(connectionId);
    const after = await expenses();
    expect(after).to.have.length(3);
    expect(after.find((e) => e.description === 'Pizza night')!.amountMinor).to.equal(2590);
  });

  it('refuses a forged callback with 401 and nothing synced, and syncs on a signed one', async () => {
    saltEdge.sandbox.add({
      accountId: 'acc_card',
      amount: '12.00',
      direction: 'OUT',
      currency: 'EUR',
      bookedOn: today(),
      pending: false,
      description: 'Comics',
      merchant: 'Forbidden Planet',
    });
    const payload = saltEdge.callback('success', saltEdgeConnectionId);
    const body = JSON.stringify(payload);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = sign('sha256', Buffer.from(`${callbackUrl()}|${body}`), privateKey).toString('base64');
    const refused = await http()
      .post('/v1/webhooks/saltedge')
      .set('Content-Type', 'application/json')
      .set('Signature', forged)
      .send(body);
    expectProblem(refused, 401);
    const unsigned = await http().post('/v1/webhooks/saltedge').set('Content-Type', 'application/json').send(body);
    expectProblem(unsigned, 401);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await expenses()).map((e) => e.description)).not.to.include('Comics');

    const signed = await saltEdge.sendCallback(callbackUrl(), payload);
    expect(signed.status).to.equal(200);
    const comics = await waitFor(async () => (await expenses()).find((e) => e.description === 'Comics'), {
      what: 'the purchase synced after the callback',
      timeoutMs: 30_000,
    });
    expect(comics).to.include({ memberId: home.child.memberId, amountMinor: 1200 });
  });
});
