import { expect } from 'chai';
import {
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  startTestStack,
  type FamilyOwner,
  type TestStack,
} from './bff.harness.js';
import { bearer, NO_SUCH_ID } from './expense.fixtures.js';
import { balanceOf, deposit, siblings, type Siblings } from './goals.fixtures.js';

describe('BFF jar routes: balance, ledger and jar settings', () => {
  let stack: TestStack;
  let home: Siblings;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;
  const ledger = (memberId: string) => `${home.base}/members/${memberId}/ledger`;

  before(async () => {
    stack = await startTestStack({ goals: true });
    home = await siblings(stack.bff);
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  it('shows a child their empty jars in the shape of ARCHITECTURE §5', async () => {
    const b = await balanceOf(bff(), home, home.sibling.memberId, home.sibling.accessToken);
    expect(b).to.deep.equal({
      memberId: home.sibling.memberId,
      currency: 'EUR',
      spendMinor: 0,
      saveMinor: 0,
      giveMinor: 0,
      goalsMinor: 0,
    });
  });

  it('lets a parent deposit with 201, answering the entry and the balance after it', async () => {
    const r = await bff()
      .http()
      .post(ledger(home.child.memberId))
      .auth(home.owner.accessToken, bearer)
      .send({ kind: 'DEPOSIT', jar: 'SPEND', amountMinor: 1000, memo: 'birthday' });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.entries).to.have.length(1);
    const [entry] = r.body.entries;
    expect(entry).to.include({
      memberId: home.child.memberId,
      jar: 'SPEND',
      amountMinor: 1000,
      currency: 'EUR',
      kind: 'DEPOSIT',
      memo: 'birthday',
      balanceAfterMinor: 1000,
      createdByMemberId: home.owner.memberId,
    });
    expect(Date.parse(entry.at)).to.be.closeTo(Date.now(), 60_000);
    expect(entry).not.to.have.any.keys('transferId', 'description', 'goalId', 'choreId');
    expect(r.body.balance).to.include({ spendMinor: 1000, saveMinor: 0, giveMinor: 0 });
  });

  it('lets a child move money between their own jars and record a purchase, newest first in the ledger', async () => {
    await deposit(bff(), home, home.child.memberId, 'SPEND', 500);
    const move = await bff()
      .http()
      .post(ledger(home.child.memberId))
      .auth(home.child.accessToken, bearer)
      .send({ kind: 'TRANSFER', jar: 'SPEND', toJar: 'GIVE', amountMinor: 200 });
    expect(move.status, JSON.stringify(move.body)).to.equal(201);
    expect(move.body.entries.map((e: { jar: string; amountMinor: number }) => [e.jar, e.amountMinor])).to.deep.equal([
      ['SPEND', -200],
      ['GIVE', 200],
    ]);
    expect(move.body.entries[0].transferId).to.be.a('string').and.equal(move.body.entries[1].transferId);

    const spend = await bff()
      .http()
      .post(ledger(home.child.memberId))
      .auth(home.child.accessToken, bearer)
      .send({ kind: 'SPEND', jar: 'SPEND', amountMinor: 150, description: 'Comic', merchant: 'Kiosk' });
    expect(spend.status, JSON.stringify(spend.body)).to.equal(201);
    expect(spend.body.entries[0]).to.include({
      kind: 'SPEND',
      amountMinor: -150,
      description: 'Comic',
      merchant: 'Kiosk',
    });

    const list = await bff().http().get(ledger(home.child.memberId)).auth(home.child.accessToken, bearer);
    expect(list.status).to.equal(200);
    expect(list.body.items[0].kind).to.equal('SPEND');
    expect(list.body.nextCursor).to.equal(null);
    const transfers = await bff()
      .http()
      .get(ledger(home.child.memberId))
      .query({ kind: 'TRANSFER', jar: 'GIVE' })
      .auth(home.owner.accessToken, bearer);
    expect(transfers.body.items.map((e: { amountMinor: number }) => e.amountMinor)).to.deep.equal([200]);
    const paged = await bff()
      .http()
      .get(ledger(home.child.memberId))
      .query({ limit: '2' })
      .auth(home.child.accessToken, bearer);
    expect(paged.body.items).to.have.length(2);
    expect(paged.body.nextCursor).to.be.a('string');
    const next = await bff()
      .http()
      .get(ledger(home.child.memberId))
      .query({ limit: '2', cursor: paged.body.nextCursor })
      .auth(home.child.accessToken, bearer);
    expect(next.status).to.equal(200);
    expect(next.body.items[0].id).not.to.equal(paged.body.items[0].id);
  });

  it('refuses a debit larger than the jar with 409 INSUFFICIENT_FUNDS, keeping the balance in metadata', async () => {
    const before = await balanceOf(bff(), home, home.child.memberId, home.child.accessToken);
    const r = await bff()
      .http()
      .post(ledger(home.child.memberId))
      .auth(home.child.accessToken, bearer)
      .send({ kind: 'SPEND', jar: 'SPEND', amountMinor: before.spendMinor + 1, description: 'Too much' });
    const problem = expectProblem(r, 409, 'INSUFFICIENT_FUNDS') as { metadata?: Record<string, string> };
    expect(problem.metadata).to.include({
      jar: 'SPEND',
      balanceMinor: String(before.spendMinor),
      requestedMinor: String(before.spendMinor + 1),
    });
    expect(await balanceOf(bff(), home, home.child.memberId, home.child.accessToken)).to.deep.equal(before);
  });

  it('replays a deposit sent again with the same Idempotency-Key, paying it once', async () => {
    const before = await balanceOf(bff(), home, home.sibling.memberId, home.owner.accessToken);
    const key = `deposit-${Date.now()}`;
    const send = () =>
      bff()
        .http()
        .post(ledger(home.sibling.memberId))
        .set('Idempotency-Key', key)
        .auth(home.owner.accessToken, bearer)
        .send({ kind: 'DEPOSIT', jar: 'SAVE', amountMinor: 300 });
    const first = await send();
    const second = await send();
    expect(first.status).to.equal(201);
    expect(second.status).to.equal(201);
    expect(second.headers['idempotent-replayed']).to.equal('true');
    expect(second.body).to.deep.equal(first.body);
    const after = await balanceOf(bff(), home, home.sibling.memberId, home.owner.accessToken);
    expect(after.saveMinor).to.equal(before.saveMinor + 300);
  });

  it('refuses a child depositing or withdrawing, and a child on a sibling’s jars, with 403', async () => {
    const child = home.child.accessToken;
    for (const kind of ['DEPOSIT', 'WITHDRAWAL']) {
      expectProblem(
        await bff()
          .http()
          .post(ledger(home.child.memberId))
          .auth(child, bearer)
          .send({ kind, jar: 'SPEND', amountMinor: 1 }),
        403,
      );
    }
    const sibling = home.sibling.memberId;
    expectProblem(await bff().http().get(`${home.base}/members/${sibling}/balance`).auth(child, bearer), 403);
    expectProblem(await bff().http().get(ledger(sibling)).auth(child, bearer), 403);
    expectProblem(await bff().http().get(`${home.base}/members/${sibling}/jar-settings`).auth(child, bearer), 403);
    expectProblem(
      await bff()
        .http()
        .post(ledger(sibling))
        .auth(child, bearer)
        .send({ kind: 'TRANSFER', jar: 'SPEND', toJar: 'SAVE', amountMinor: 1 }),
      403,
    );
    expectProblem(
      await bff()
        .http()
        .put(`${home.base}/members/${home.child.memberId}/jar-settings`)
        .auth(child, bearer)
        .send({ defaultSplit: { spend: 0, save: 100, give: 0 } }),
      403,
    );
  });

  it('answers 404 for another family’s members and for a family the caller is not in', async () => {
    const token = home.owner.accessToken;
    const theirs = `/v1/families/${stranger.familyId}/members/${stranger.memberId}`;
    expectProblem(await bff().http().get(`${theirs}/balance`).auth(token, bearer), 404);
    expectProblem(await bff().http().get(`${theirs}/ledger`).auth(token, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .post(`${theirs}/ledger`)
        .auth(token, bearer)
        .send({ kind: 'DEPOSIT', jar: 'SPEND', amountMinor: 1 }),
      404,
    );
    expectProblem(await bff().http().get(`${theirs}/jar-settings`).auth(token, bearer), 404);
    expectProblem(await bff().http().get(`${home.base}/members/${stranger.memberId}/balance`).auth(token, bearer), 404);
    expectProblem(await bff().http().get(`${home.base}/members/${NO_SUCH_ID}/ledger`).auth(token, bearer), 404);
  });

  it('refuses every jar route without a token with 401', async () => {
    const member = `${home.base}/members/${home.child.memberId}`;
    for (const r of [
      await bff().http().get(`${member}/balance`),
      await bff().http().get(`${member}/ledger`),
      await bff().http().post(`${member}/ledger`).send({ kind: 'DEPOSIT', jar: 'SPEND', amountMinor: 1 }),
      await bff().http().get(`${member}/jar-settings`),
      await bff().http().put(`${member}/jar-settings`).send({ interestMonthlyRateBps: 0 }),
    ]) {
      expectProblem(r, 401);
      expect(r.headers['www-authenticate']).to.match(/^Bearer/);
    }
  });

  it('names each bad field of a ledger entry, the BFF’s shapes and the service’s rules alike', async () => {
    const post = (body: object) =>
      bff().http().post(ledger(home.child.memberId)).auth(home.owner.accessToken, bearer).send(body);
    const ok = { kind: 'DEPOSIT', jar: 'SPEND', amountMinor: 100 };
    expectInvalidField(await post({ ...ok, kind: 'INTEREST' }), 'kind');
    expectInvalidField(await post({ ...ok, jar: 'spend' }), 'jar');
    expectInvalidField(await post({ ...ok, amountMinor: 1.5 }), 'amountMinor');
    expectInvalidField(await post({ jar: 'SPEND', amountMinor: 1 }), 'kind');
    expectInvalidField(await post({ ...ok, memo: 'x'.repeat(201) }), 'memo');
    expectInvalidField(await post({ ...ok, occurredOn: '2025-02-30' }), 'occurredOn');
    expectInvalidField(await post({ ...ok, categoryId: 'toys' }), 'categoryId');
    // The service's own rules come back in the same format.
    expectInvalidField(await post({ ...ok, amountMinor: 0 }), 'amountMinor');
    expectInvalidField(await post({ kind: 'TRANSFER', jar: 'SPEND', amountMinor: 1 }), 'toJar');
    expectInvalidField(await post({ kind: 'SPEND', jar: 'SPEND', amountMinor: 1 }), 'description');
    expectInvalidField(await post({ kind: 'SPEND', jar: 'SAVE', amountMinor: 1, description: 'x' }), 'jar');
    const get = (query: Record<string, string>) =>
      bff().http().get(ledger(home.child.memberId)).query(query).auth(home.owner.accessToken, bearer);
    expectInvalidField(await get({ jar: 'PIGGY' }), 'jar');
    expectInvalidField(await get({ kind: 'deposit' }), 'kind');
    expectInvalidField(await get({ from: 'yesterday' }), 'from');
    expectInvalidField(await get({ limit: '0' }), 'limit');
    expectInvalidField(
      await bff().http().get(`${home.base}/members/me/balance`).auth(home.owner.accessToken, bearer),
      'memberId',
    );
  });

  it('lets a parent set a child’s default split and interest, which the child can read', async () => {
    const path = `${home.base}/members/${home.child.memberId}/jar-settings`;
    const initial = await bff().http().get(path).auth(home.child.accessToken, bearer);
    expect(initial.status).to.equal(200);
    expect(initial.body).to.include({ memberId: home.child.memberId, interestMonthlyRateBps: 0, currency: 'EUR' });
    expect(initial.body.defaultSplit).to.deep.equal({ spend: 100, save: 0, give: 0 });

    const put = await bff()
      .http()
      .put(path)
      .auth(home.owner.accessToken, bearer)
      .send({ defaultSplit: { spend: 50, save: 40, give: 10 }, interestMonthlyRateBps: 100, interestCapMinor: 500 });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    expect(put.body).to.deep.include({
      defaultSplit: { spend: 50, save: 40, give: 10 },
      interestMonthlyRateBps: 100,
      interestCapMinor: 500,
    });
    expect(put.body.updatedAt).to.be.a('string');
    const read = await bff().http().get(path).auth(home.child.accessToken, bearer);
    expect(read.body).to.deep.equal(put.body);

    const bad = (body: object) => bff().http().put(path).auth(home.owner.accessToken, bearer).send(body);
    expectInvalidField(await bad({ defaultSplit: { spend: 50, save: 40, give: 0 } }), 'defaultSplit');
    expectInvalidField(await bad({ defaultSplit: { spend: 150, save: 0, give: 0 } }), 'defaultSplit.spend');
    expectInvalidField(await bad({ interestMonthlyRateBps: -1 }), 'interestMonthlyRateBps');
    expectInvalidField(await bad({}), 'body');
  });

  it('documents every jar route in OpenAPI', async () => {
    const doc = (await bff().http().get('/openapi.json')).body;
    const member = '/v1/families/{familyId}/members/{memberId}';
    expect(Object.keys(doc.paths[`${member}/balance`])).to.deep.equal(['get']);
    expect(Object.keys(doc.paths[`${member}/ledger`])).to.have.members(['get', 'post']);
    expect(Object.keys(doc.paths[`${member}/jar-settings`])).to.have.members(['get', 'put']);
    expect(doc.components.schemas.Balance.required).to.include.members([
      'currency',
      'spendMinor',
      'saveMinor',
      'giveMinor',
    ]);
    expect(doc.components.schemas.LedgerEntry.required).to.include.members([
      'id',
      'jar',
      'amountMinor',
      'kind',
      'memo',
      'at',
    ]);
    expect(doc.components.schemas.Jar.enum).to.deep.equal(['SPEND', 'SAVE', 'GIVE']);
  });
});
