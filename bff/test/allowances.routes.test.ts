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
import { balanceOf, siblings, todayInBerlin, type Siblings } from './goals.fixtures.js';

interface AllowanceBody {
  id: string;
  memberId: string;
  paused: boolean;
  nextPayday?: string;
  version: number;
}

describe('BFF allowance routes', () => {
  let stack: TestStack;
  let home: Siblings;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;
  const allowances = () => `${home.base}/allowances`;

  before(async () => {
    stack = await startTestStack({ goals: true });
    home = await siblings(stack.bff);
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  async function createAllowance(body: Record<string, unknown> = {}): Promise<AllowanceBody> {
    const r = await bff()
      .http()
      .post(allowances())
      .auth(home.owner.accessToken, bearer)
      .send({ memberId: home.child.memberId, amountMinor: 500, frequency: 'WEEKLY', dayOfWeek: 'SATURDAY', ...body });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body as AllowanceBody;
  }

  it('lets a parent set up an allowance with 201, its Location and ETag, in the shape of ARCHITECTURE §5', async () => {
    const r = await bff()
      .http()
      .post(allowances())
      .auth(home.owner.accessToken, bearer)
      .send({
        memberId: home.child.memberId,
        amountMinor: 1000,
        frequency: 'MONTHLY',
        dayOfMonth: 31,
        split: { spend: 60, save: 30, give: 10 },
        startOn: '2099-01-01',
        condition: { minChoreCompletionPercent: 80 },
      });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.headers.location).to.equal(`${allowances()}/${r.body.id}`);
    expect(r.headers.etag).to.equal('"1"');
    expect(r.body).to.deep.include({
      memberId: home.child.memberId,
      amountMinor: 1000,
      currency: 'EUR',
      frequency: 'MONTHLY',
      dayOfMonth: 31,
      split: { spend: 60, save: 30, give: 10 },
      startOn: '2099-01-01',
      paused: false,
      condition: { minChoreCompletionPercent: 80 },
      nextPayday: '2099-01-31',
      version: 1,
    });
    expect(r.body).not.to.have.any.keys('dayOfWeek', 'lastPaidOn');
  });

  it('pays an allowance on its payday when the scheduler runs, by its split, once', async () => {
    const today = todayInBerlin();
    const allowance = await createAllowance({
      memberId: home.sibling.memberId,
      amountMinor: 333,
      dayOfWeek: today.weekday,
      split: { spend: 50, save: 40, give: 10 },
    });
    expect(allowance.nextPayday).to.equal(today.day);
    await stack.goals.runScheduler(new Date(), home.owner.familyId);
    await stack.goals.runScheduler(new Date(), home.owner.familyId);
    const balance = await balanceOf(bff(), home, home.sibling.memberId, home.sibling.accessToken);
    expect(balance).to.include({ spendMinor: 166, saveMinor: 133, giveMinor: 34 });
    const entries = await bff()
      .http()
      .get(`${home.base}/members/${home.sibling.memberId}/ledger`)
      .query({ kind: 'ALLOWANCE' })
      .auth(home.sibling.accessToken, bearer);
    expect(entries.body.items).to.have.length(3);
    expect(entries.body.items.every((e: { allowanceId: string }) => e.allowanceId === allowance.id)).to.equal(true);
    expect(entries.body.items[0]).not.to.have.property('createdByMemberId');
    const read = await bff().http().get(`${allowances()}/${allowance.id}`).auth(home.sibling.accessToken, bearer);
    expect(read.body.lastPaidOn).to.equal(today.day);
  });

  it('pauses and resumes with If-Match; 428 without, 412 when stale; null clears split and condition', async () => {
    const allowance = await createAllowance({
      split: { spend: 100, save: 0, give: 0 },
      condition: { minChoreCompletionPercent: 50 },
    });
    const patch = (ifMatch: string | undefined, body: object) => {
      const req = bff().http().patch(`${allowances()}/${allowance.id}`).auth(home.owner.accessToken, bearer);
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send(body);
    };
    expectProblem(await patch(undefined, { paused: true }), 428, 'PRECONDITION_REQUIRED');
    const paused = await patch('"1"', { paused: true, split: null, condition: null });
    expect(paused.status, JSON.stringify(paused.body)).to.equal(200);
    expect(paused.headers.etag).to.equal(`"${paused.body.version}"`);
    expect(paused.body.paused).to.equal(true);
    expect(paused.body).not.to.have.any.keys('nextPayday', 'split', 'condition');
    const stale = expectProblem(await patch('"1"', { paused: false }), 412, 'VERSION_MISMATCH') as {
      metadata?: Record<string, string>;
    };
    expect(stale.metadata).to.deep.equal({ currentVersion: String(paused.body.version) });
    const resumed = await patch(paused.headers.etag, { paused: false, amountMinor: 700 });
    expect(resumed.status).to.equal(200);
    expect(resumed.body).to.include({ paused: false, amountMinor: 700 });
    expect(resumed.body.nextPayday).to.match(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('deletes an allowance with 204 (parents only), after which it answers 404', async () => {
    const allowance = await createAllowance();
    expectProblem(
      await bff().http().delete(`${allowances()}/${allowance.id}`).auth(home.child.accessToken, bearer),
      403,
    );
    const r = await bff().http().delete(`${allowances()}/${allowance.id}`).auth(home.owner.accessToken, bearer);
    expect(r.status).to.equal(204);
    expectProblem(await bff().http().get(`${allowances()}/${allowance.id}`).auth(home.owner.accessToken, bearer), 404);
  });

  it('shows a child only their own allowances; a sibling’s is 404; writing is for parents (403)', async () => {
    const siblingsAllowance = await createAllowance({ memberId: home.sibling.memberId });
    const child = home.child.accessToken;
    const list = await bff().http().get(allowances()).query({ limit: '200' }).auth(child, bearer);
    expect(list.status).to.equal(200);
    expect(list.body.items.length).to.be.greaterThan(0);
    expect(list.body.items.every((a: AllowanceBody) => a.memberId === home.child.memberId)).to.equal(true);
    const filtered = await bff()
      .http()
      .get(allowances())
      .query({ memberId: home.sibling.memberId })
      .auth(home.owner.accessToken, bearer);
    expect(filtered.body.items.every((a: AllowanceBody) => a.memberId === home.sibling.memberId)).to.equal(true);
    expectProblem(await bff().http().get(`${allowances()}/${siblingsAllowance.id}`).auth(child, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .post(allowances())
        .auth(child, bearer)
        .send({ memberId: home.child.memberId, amountMinor: 99999, frequency: 'WEEKLY', dayOfWeek: 'MONDAY' }),
      403,
    );
    const own = list.body.items[0] as AllowanceBody;
    expectProblem(
      await bff()
        .http()
        .patch(`${allowances()}/${own.id}`)
        .set('If-Match', `"${own.version}"`)
        .auth(child, bearer)
        .send({ amountMinor: 99999 }),
      403,
    );
  });

  it('answers 404 for another family’s allowances', async () => {
    const token = home.owner.accessToken;
    const ours = await createAllowance();
    const theirBase = `/v1/families/${stranger.familyId}/allowances`;
    expectProblem(await bff().http().get(theirBase).auth(token, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .post(theirBase)
        .auth(token, bearer)
        .send({ memberId: home.child.memberId, amountMinor: 1, frequency: 'WEEKLY', dayOfWeek: 'MONDAY' }),
      404,
    );
    const theirs = stranger.accessToken;
    expectProblem(await bff().http().get(`${theirBase}/${ours.id}`).auth(theirs, bearer), 404);
    expectProblem(await bff().http().get(`${allowances()}/${ours.id}`).auth(theirs, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .patch(`${allowances()}/${ours.id}`)
        .set('If-Match', '"1"')
        .auth(theirs, bearer)
        .send({ paused: true }),
      404,
    );
    expectProblem(await bff().http().delete(`${allowances()}/${ours.id}`).auth(theirs, bearer), 404);
    expectProblem(await bff().http().get(`${allowances()}/${NO_SUCH_ID}`).auth(token, bearer), 404);
  });

  it('refuses every allowance route without a token with 401', async () => {
    const one = `${allowances()}/${NO_SUCH_ID}`;
    for (const r of [
      await bff().http().get(allowances()),
      await bff().http().post(allowances()).send({ memberId: NO_SUCH_ID, amountMinor: 1, frequency: 'WEEKLY' }),
      await bff().http().get(one),
      await bff().http().patch(one).set('If-Match', '"1"').send({ paused: true }),
      await bff().http().delete(one),
    ]) {
      expectProblem(r, 401);
      expect(r.headers['www-authenticate']).to.match(/^Bearer/);
    }
  });

  it('names each bad field of an allowance', async () => {
    const post = (body: object) => bff().http().post(allowances()).auth(home.owner.accessToken, bearer).send(body);
    const ok = { memberId: home.child.memberId, amountMinor: 500, frequency: 'WEEKLY', dayOfWeek: 'MONDAY' };
    expectInvalidField(await post({ ...ok, frequency: 'DAILY' }), 'frequency');
    expectInvalidField(await post({ ...ok, dayOfWeek: 'MON' }), 'dayOfWeek');
    expectInvalidField(await post({ ...ok, memberId: undefined }), 'memberId');
    expectInvalidField(await post({ ...ok, amountMinor: '5' }), 'amountMinor');
    expectInvalidField(await post({ ...ok, frequency: 'MONTHLY', dayOfMonth: 32 }), 'dayOfMonth');
    expectInvalidField(await post({ ...ok, split: { spend: 150, save: 0, give: 0 } }), 'split.spend');
    expectInvalidField(
      await post({ ...ok, condition: { minChoreCompletionPercent: 0 } }),
      'condition.minChoreCompletionPercent',
    );
    expectInvalidField(await post({ ...ok, startOn: '2025-02-30' }), 'startOn');
    // The service's rules.
    expectInvalidField(await post({ ...ok, split: { spend: 50, save: 40, give: 0 } }), 'split');
    expectInvalidField(await post({ ...ok, frequency: 'MONTHLY', dayOfWeek: undefined }), 'dayOfMonth');
    expectInvalidField(await post({ ...ok, dayOfWeek: undefined }), 'dayOfWeek');
    expectInvalidField(await post({ ...ok, startOn: '2000-01-01' }), 'startOn');
    expectInvalidField(await post({ ...ok, amountMinor: 0 }), 'amountMinor');
    const a = await createAllowance();
    expectInvalidField(
      await bff()
        .http()
        .patch(`${allowances()}/${a.id}`)
        .set('If-Match', '"1"')
        .auth(home.owner.accessToken, bearer)
        .send({}),
      'body',
    );
    expectInvalidField(
      await bff().http().get(`${allowances()}/42`).auth(home.owner.accessToken, bearer),
      'allowanceId',
    );
  });

  it('documents every allowance route in OpenAPI', async () => {
    const doc = (await bff().http().get('/openapi.json')).body;
    const base = '/v1/families/{familyId}/allowances';
    expect(Object.keys(doc.paths[base])).to.have.members(['get', 'post']);
    expect(Object.keys(doc.paths[`${base}/{allowanceId}`])).to.have.members(['get', 'patch', 'delete']);
    expect(doc.components.schemas.Allowance.required).to.include.members([
      'id',
      'memberId',
      'amountMinor',
      'frequency',
      'startOn',
      'paused',
      'version',
    ]);
    expect(doc.components.schemas.AllowanceFrequency.enum).to.deep.equal(['WEEKLY', 'BIWEEKLY', 'MONTHLY']);
  });
});
