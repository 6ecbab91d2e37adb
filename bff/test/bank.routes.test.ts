// The bank routes through the real bank service and the provider emulators: the public provider list,
// linking (TrueLayer by redirect, Plaid by public token or through its Hosted Link), who may do what (only parents link, assign,
// sync and delete; a child lists only the accounts assigned to them), tenancy (another family's ids
// answer 404), validation (400 naming the field), If-Match on accounts, and webhooks (forged → 401 and
// nothing done, signed → 2xx).
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { waitFor } from '@family/testing';
import { expectInvalidField, expectProblem, familyWithOwner, type FamilyOwner } from './bff.harness.js';
import {
  linkPlaid,
  linkTrueLayer,
  REDIRECT_URI,
  startBankStack,
  type BankStack,
  type LinkedBank,
} from './bank.harness.js';
import { bearer, household, NO_SUCH_ID, type Household } from './expense.fixtures.js';

describe('BFF bank routes', () => {
  let s: BankStack;
  let home: Household;
  let stranger: FamilyOwner;
  let linked: LinkedBank;

  before(async () => {
    s = await startBankStack();
    home = await household(s.bff, 'The Linked');
    stranger = await familyWithOwner(s.bff, 'The Strangers');
    linked = await linkTrueLayer(s.bff, home.owner.familyId, home.owner.accessToken);
  });

  after(async () => {
    await s?.stop();
  });

  const http = () => s.bff.http();
  const bank = (h: { familyId: string } = home.owner) => `/v1/families/${h.familyId}/bank`;
  const card = () => linked.accounts.find((a) => a.type === 'CREDIT_CARD')!;

  it('lists the configured providers without a token, with how each links', async () => {
    const r = await http().get('/v1/bank/providers');
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const flows = Object.fromEntries(
      (r.body.items as { provider: string; flow: string }[]).map((p) => [p.provider, p.flow]),
    );
    expect(flows).to.deep.equal({ PLAID: 'TOKEN_EXCHANGE', TRUELAYER: 'REDIRECT' });
    const hosted = (r.body.items as { provider: string; hostedLink: boolean }[]).filter((p) => p.hostedLink);
    expect(hosted.map((p) => p.provider)).to.deep.equal(['PLAID']);
  });

  it('links the TrueLayer sandbox for a parent and shows the connection and its accounts, never a token', async () => {
    expect(linked.accounts.map((a) => a.type)).to.have.members(['CHECKING', 'SAVINGS', 'CREDIT_CARD']);
    expect(linked.accounts.find((a) => a.type === 'SAVINGS')!.tracked, 'savings start ignored').to.equal(false);
    const one = await http().get(`${bank()}/connections/${linked.connectionId}`).auth(home.owner.accessToken, bearer);
    expect(one.status, JSON.stringify(one.body)).to.equal(200);
    expect(one.body).to.include({ id: linked.connectionId, provider: 'TRUELAYER', status: 'ACTIVE' });
    expect(one.body.accounts).to.have.length(3);
    const list = await http().get(`${bank()}/connections`).auth(home.owner.accessToken, bearer);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).to.include(linked.connectionId);
    expect(list.body.nextCursor).to.equal(null);
    expect(JSON.stringify([one.body, list.body])).not.to.match(/access_token|refresh_token|accessToken|refreshToken/);
  });

  it('links the Plaid sandbox from a sandbox public token', async () => {
    const other = await familyWithOwner(s.bff, 'The Plaid Family');
    const plaid = await linkPlaid(s.bff, s.plaid, other.familyId, other.accessToken);
    expect(plaid.accounts).to.have.length(3);
    const one = await http()
      .get(`${bank(other)}/connections/${plaid.connectionId}`)
      .auth(other.accessToken, bearer);
    expect(one.body).to.include({ provider: 'PLAID', status: 'ACTIVE', institutionName: 'Sandbox Bank' });
  });

  it('links Plaid through its hosted page with the state alone: unfinished is 409, a used state 400', async () => {
    const other = await familyWithOwner(s.bff, 'The Hosted Family');
    const session = await http()
      .post(`${bank(other)}/link-sessions`)
      .auth(other.accessToken, bearer)
      .send({ provider: 'PLAID', redirectUri: REDIRECT_URI });
    expect(session.status, JSON.stringify(session.body)).to.equal(201);
    expect(session.body.linkUrl).to.be.a('string');
    const complete = () =>
      http()
        .post(`${bank(other)}/connections`)
        .auth(other.accessToken, bearer)
        .send({ provider: 'PLAID', state: session.body.state });

    const early = expectProblem(await complete(), 409, 'LINK_NOT_FINISHED');
    expect(early.detail).to.match(/not finished/);
    const page = await fetch(session.body.linkUrl as string, { redirect: 'manual' });
    expect(page.status).to.equal(302);
    const back = new URL(page.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT_URI);
    expect(back.searchParams.get('state')).to.equal(session.body.state);

    const created = await complete();
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ provider: 'PLAID', status: 'ACTIVE', institutionName: 'Sandbox Bank' });
    expect(created.body.accounts).to.have.length(3);
    expectInvalidField(await complete(), 'state');
    // A session for Plaid Link (no redirect URI) still needs Link's public token.
    const widget = await http()
      .post(`${bank(other)}/link-sessions`)
      .auth(other.accessToken, bearer)
      .send({ provider: 'PLAID' });
    expect(widget.body).to.not.have.property('linkUrl');
    expectInvalidField(
      await http()
        .post(`${bank(other)}/connections`)
        .auth(other.accessToken, bearer)
        .send({ provider: 'PLAID', state: widget.body.state }),
      'publicToken',
    );
  });

  it('lets only parents link, assign, sync and delete', async () => {
    const kid = home.child.accessToken;
    const session = await http()
      .post(`${bank()}/link-sessions`)
      .auth(kid, bearer)
      .send({ provider: 'TRUELAYER', redirectUri: REDIRECT_URI });
    expectProblem(session, 403);
    const assign = await http()
      .patch(`${bank()}/accounts/${card().id}`)
      .auth(kid, bearer)
      .set('If-Match', String(card().version))
      .send({ memberId: home.child.memberId });
    expectProblem(assign, 403);
    expectProblem(await http().post(`${bank()}/connections/${linked.connectionId}/sync`).auth(kid, bearer), 403);
    expectProblem(await http().delete(`${bank()}/connections/${linked.connectionId}`).auth(kid, bearer), 403);
  });

  it('shows a child only the accounts assigned to them, once a parent assigns one', async () => {
    const before = await http().get(`${bank()}/accounts`).auth(home.child.accessToken, bearer);
    expect(before.status, JSON.stringify(before.body)).to.equal(200);
    expect(before.body.items).to.deep.equal([]);
    expectProblem(
      await http().get(`${bank()}/connections/${linked.connectionId}`).auth(home.child.accessToken, bearer),
      404,
    );

    const assigned = await http()
      .patch(`${bank()}/accounts/${card().id}`)
      .auth(home.owner.accessToken, bearer)
      .set('If-Match', `"${card().version}"`)
      .send({ memberId: home.child.memberId, name: 'Kim’s card' });
    expect(assigned.status, JSON.stringify(assigned.body)).to.equal(200);
    expect(assigned.body).to.include({ memberId: home.child.memberId, name: 'Kim’s card' });
    expect(assigned.headers.etag).to.equal(`"${assigned.body.version}"`);
    card().version = assigned.body.version;

    const mine = await http().get(`${bank()}/accounts`).auth(home.child.accessToken, bearer);
    expect(mine.body.items.map((a: { id: string }) => a.id)).to.deep.equal([card().id]);
    const theirs = await http()
      .get(`${bank()}/connections/${linked.connectionId}`)
      .auth(home.child.accessToken, bearer);
    expect(theirs.status).to.equal(200);
    expect(theirs.body.accounts.map((a: { id: string }) => a.id)).to.deep.equal([card().id]);
    const all = await http().get(`${bank()}/accounts`).auth(home.owner.accessToken, bearer);
    expect(all.body.items).to.have.length(3);
  });

  it('answers 412 with the current version to a stale If-Match', async () => {
    const r = await http()
      .patch(`${bank()}/accounts/${card().id}`)
      .auth(home.owner.accessToken, bearer)
      .set('If-Match', '"1"')
      .send({ tracked: false });
    const problem = expectProblem(r, 412) as { metadata?: Record<string, string> };
    expect(problem.metadata?.currentVersion).to.equal(String(card().version));
  });

  it('answers 404 for another family’s connection and account, exactly as for missing ones', async () => {
    const asStranger = (req: ReturnType<ReturnType<typeof http>['get']>) => req.auth(stranger.accessToken, bearer);
    // Under their own family's path, with our ids.
    expectProblem(await asStranger(http().get(`${bank(stranger)}/connections/${linked.connectionId}`)), 404);
    expectProblem(await asStranger(http().post(`${bank(stranger)}/connections/${linked.connectionId}/sync`)), 404);
    expectProblem(await asStranger(http().delete(`${bank(stranger)}/connections/${linked.connectionId}`)), 404);
    expectProblem(
      await asStranger(http().patch(`${bank(stranger)}/accounts/${card().id}`))
        .set('If-Match', '"1"')
        .send({ tracked: false }),
      404,
    );
    expectProblem(await asStranger(http().get(`${bank(stranger)}/connections/${NO_SUCH_ID}`)), 404);
    // Under our family's path: not their family.
    expectProblem(await asStranger(http().get(`${bank()}/accounts`)), 404);
  });

  it('answers 400 naming the field for malformed requests', async () => {
    const parent = home.owner.accessToken;
    expectInvalidField(
      await http().post(`${bank()}/link-sessions`).auth(parent, bearer).send({ provider: 'BANKY' }),
      'provider',
    );
    expectInvalidField(
      await http()
        .post(`${bank()}/link-sessions`)
        .auth(parent, bearer)
        .send({ provider: 'TRUELAYER', redirectUri: 'not a url' }),
      'redirectUri',
    );
    expectInvalidField(
      await http()
        .patch(`${bank()}/accounts/${card().id}`)
        .auth(parent, bearer)
        .set('If-Match', `"${card().version}"`)
        .send({ memberId: 'kim' }),
      'memberId',
    );
    expectInvalidField(await http().get(`${bank()}/connections/not-an-id`).auth(parent, bearer), 'connectionId');
    expectInvalidField(
      await http().post(`${bank()}/connections`).auth(parent, bearer).send({ provider: 'PLAID' }),
      'state',
    );
    // A member id that is a well-formed uuid but not of this family: the service names it.
    expectInvalidField(
      await http()
        .patch(`${bank()}/accounts/${card().id}`)
        .auth(parent, bearer)
        .set('If-Match', `"${card().version}"`)
        .send({ memberId: stranger.memberId }),
      'memberId',
    );
  });

  it('refuses a forged Plaid webhook with 401 and does nothing, and accepts a signed one', async () => {
    const other = await familyWithOwner(s.bff, 'The Hooked');
    const plaid = await linkPlaid(s.bff, s.plaid, other.familyId, other.accessToken);
    const connection = `${bank(other)}/connections/${plaid.connectionId}`;
    const firstSync = await waitFor(
      async () => {
        const r = await http().get(connection).auth(other.accessToken, bearer);
        return r.body.lastSync?.state === 'SUCCEEDED' && r.body.lastSync;
      },
      { what: 'the first sync', timeoutMs: 20_000 },
    );
    const item = s.plaid.controls.items().at(-1)!;
    const payload = {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: item.itemId,
      initial_update_complete: true,
      historical_update_complete: true,
    };

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = s.plaid.controls.webhookFor(payload, { signingKey: privateKey });
    const refused = await http()
      .post('/v1/webhooks/plaid')
      .set('Content-Type', 'application/json')
      .set('Plaid-Verification', forged.verification)
      .send(forged.body);
    expectProblem(refused, 401);
    const unsigned = await http().post('/v1/webhooks/plaid').set('Content-Type', 'application/json').send(forged.body);
    expectProblem(unsigned, 401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const untouched = await http().get(connection).auth(other.accessToken, bearer);
    expect(untouched.body.lastSync.id, 'no sync started by a forged webhook').to.equal(firstSync.id);

    const signed = await s.plaid.controls.sendWebhook(`${s.bff.url}/v1/webhooks/plaid`, payload);
    expect(signed.status, signed.body).to.equal(200);
    expect(JSON.parse(signed.body)).to.deep.equal({ received: true, accepted: true });
    await waitFor(
      async () => {
        const r = await http().get(connection).auth(other.accessToken, bearer);
        return r.body.lastSync.id !== firstSync.id && r.body.lastSync.trigger === 'WEBHOOK';
      },
      { what: 'a sync triggered by the webhook', timeoutMs: 20_000 },
    );
  });

  it('unlinks a connection for a parent: it is gone afterwards', async () => {
    const other = await familyWithOwner(s.bff, 'The Unlinked');
    const gone = await linkTrueLayer(s.bff, other.familyId, other.accessToken);
    const r = await http()
      .delete(`${bank(other)}/connections/${gone.connectionId}`)
      .auth(other.accessToken, bearer);
    expect(r.status, JSON.stringify(r.body)).to.equal(204);
    expectProblem(
      await http()
        .get(`${bank(other)}/connections/${gone.connectionId}`)
        .auth(other.accessToken, bearer),
      404,
    );
  });
});
