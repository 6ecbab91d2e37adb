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
import { balanceOf, siblings, type Siblings } from './goals.fixtures.js';

interface ChoreBody {
  id: string;
  title: string;
  assigneeMemberId: string;
  status: string;
  version: number;
}

describe('BFF chore routes', () => {
  let stack: TestStack;
  let home: Siblings;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;
  const chores = () => `${home.base}/chores`;

  before(async () => {
    stack = await startTestStack({ goals: true });
    home = await siblings(stack.bff);
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  async function createChore(body: Record<string, unknown> = {}): Promise<ChoreBody> {
    const r = await bff()
      .http()
      .post(chores())
      .auth(home.owner.accessToken, bearer)
      .send({ title: 'Dishes', assigneeMemberId: home.child.memberId, rewardMinor: 100, points: 5, ...body });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body as ChoreBody;
  }
  const act = (choreId: string, action: string, token: string, body: object = {}) =>
    bff().http().post(`${chores()}/${choreId}/${action}`).auth(token, bearer).send(body);

  it('lets a parent create a chore with 201, its Location and ETag, in the shape of ARCHITECTURE §5', async () => {
    const r = await bff()
      .http()
      .post(chores())
      .auth(home.owner.accessToken, bearer)
      .send({
        title: 'Feed the cat',
        description: 'wet food',
        assigneeMemberId: home.child.memberId,
        rewardMinor: 50,
        points: 3,
        recurrence: { frequency: 'WEEKLY', daysOfWeek: ['MONDAY', 'THURSDAY'] },
      });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.headers.location).to.equal(`${chores()}/${r.body.id}`);
    expect(r.headers.etag).to.equal('"1"');
    expect(r.body).to.deep.include({
      title: 'Feed the cat',
      description: 'wet food',
      assigneeMemberId: home.child.memberId,
      rewardMinor: 50,
      currency: 'EUR',
      points: 3,
      recurrence: { frequency: 'WEEKLY', daysOfWeek: ['MONDAY', 'THURSDAY'] },
      status: 'TODO',
      version: 1,
      createdByMemberId: home.owner.memberId,
    });
    expect(r.body.dueOn).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.body).not.to.have.any.keys('note', 'rejectionReason', 'submittedAt', 'reviewedAt');
  });

  it('takes a chore from submit to approve, paying the reward into the child’s jars', async () => {
    const chore = await createChore({ rewardMinor: 300 });
    const before = await balanceOf(bff(), home, home.child.memberId, home.child.accessToken);
    const submitted = await act(chore.id, 'submit', home.child.accessToken, { note: 'all clean' });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
    expect(submitted.body).to.include({ status: 'SUBMITTED', note: 'all clean' });
    expect(submitted.body.submittedAt).to.be.a('string');

    const approved = await act(chore.id, 'approve', home.owner.accessToken);
    expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    expect(approved.body.chore).to.include({ status: 'APPROVED', reviewedByMemberId: home.owner.memberId });
    expect(
      approved.body.entries.map((e: { kind: string; jar: string; amountMinor: number }) => [
        e.kind,
        e.jar,
        e.amountMinor,
      ]),
    ).to.deep.equal([['CHORE_REWARD', 'SPEND', 300]]);
    const after = await balanceOf(bff(), home, home.child.memberId, home.child.accessToken);
    expect(after.spendMinor).to.equal(before.spendMinor + 300);
    expectProblem(await act(chore.id, 'approve', home.owner.accessToken), 409, 'CHORE_NOT_SUBMITTED');
  });

  it('rejects a submitted chore with a reason; the child may submit it again', async () => {
    const chore = await createChore();
    expectProblem(
      await act(chore.id, 'reject', home.owner.accessToken, { reason: 'not yet' }),
      409,
      'CHORE_NOT_SUBMITTED',
    );
    await act(chore.id, 'submit', home.child.accessToken);
    const rejected = await act(chore.id, 'reject', home.owner.accessToken, { reason: 'still greasy' });
    expect(rejected.status, JSON.stringify(rejected.body)).to.equal(200);
    expect(rejected.body).to.include({ status: 'REJECTED', rejectionReason: 'still greasy' });
    const again = await act(chore.id, 'submit', home.child.accessToken, { note: 'scrubbed' });
    expect(again.status).to.equal(200);
    expect(again.body.status).to.equal('SUBMITTED');
    expectProblem(await act(chore.id, 'submit', home.child.accessToken), 409, 'CHORE_NOT_OPEN');
  });

  it('refuses a child approving, rejecting, creating, changing or deleting chores with 403', async () => {
    const chore = await createChore();
    await act(chore.id, 'submit', home.child.accessToken);
    const child = home.child.accessToken;
    expectProblem(await act(chore.id, 'approve', child), 403);
    expectProblem(await act(chore.id, 'reject', child, { reason: 'nope' }), 403);
    expectProblem(
      await bff().http().post(chores()).auth(child, bearer).send({ title: 'x', assigneeMemberId: home.child.memberId }),
      403,
    );
    expectProblem(
      await bff()
        .http()
        .patch(`${chores()}/${chore.id}`)
        .set('If-Match', '"1"')
        .auth(child, bearer)
        .send({ rewardMinor: 9999 }),
      403,
    );
    expectProblem(await bff().http().delete(`${chores()}/${chore.id}`).auth(child, bearer), 403);
    // A parent may not submit a child's chore.
    const open = await createChore();
    expectProblem(await act(open.id, 'submit', home.owner.accessToken), 403);
  });

  it('reads a chore with its ETag and changes it with If-Match; 428 without, 412 when stale; null clears', async () => {
    const chore = await createChore({ description: 'both sinks', recurrence: { frequency: 'DAILY' } });
    const read = await bff().http().get(`${chores()}/${chore.id}`).auth(home.child.accessToken, bearer);
    expect(read.status).to.equal(200);
    expect(read.headers.etag).to.equal('"1"');
    expect(read.body).to.deep.equal(chore);
    const patch = (ifMatch: string | undefined, body: object) => {
      const req = bff().http().patch(`${chores()}/${chore.id}`).auth(home.owner.accessToken, bearer);
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send(body);
    };
    expectProblem(await patch(undefined, { points: 1 }), 428, 'PRECONDITION_REQUIRED');
    const changed = await patch('"1"', { title: 'Dishes and pans', description: null, recurrence: null, points: 8 });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect(changed.headers.etag).to.equal(`"${changed.body.version}"`);
    expect(changed.body).to.include({ title: 'Dishes and pans', points: 8 });
    expect(changed.body).not.to.have.any.keys('description', 'recurrence');
    const stale = expectProblem(await patch('"1"', { points: 2 }), 412, 'VERSION_MISMATCH') as {
      metadata?: Record<string, string>;
    };
    expect(stale.metadata).to.deep.equal({ currentVersion: String(changed.body.version) });
  });

  it('deletes a chore with 204, after which it answers 404', async () => {
    const chore = await createChore();
    expectProblem(
      await bff().http().delete(`${chores()}/${chore.id}`).set('If-Match', '"5"').auth(home.owner.accessToken, bearer),
      412,
    );
    const r = await bff().http().delete(`${chores()}/${chore.id}`).auth(home.owner.accessToken, bearer);
    expect(r.status).to.equal(204);
    expectProblem(await bff().http().get(`${chores()}/${chore.id}`).auth(home.owner.accessToken, bearer), 404);
  });

  it('lists chores filtered by assignee and status; a child sees only their own', async () => {
    const mine = await createChore({ title: 'Sibling chore', assigneeMemberId: home.sibling.memberId });
    const token = home.owner.accessToken;
    const forSibling = await bff()
      .http()
      .get(chores())
      .query({ assigneeMemberId: home.sibling.memberId })
      .auth(token, bearer);
    expect(forSibling.status).to.equal(200);
    expect(forSibling.body.items.map((c: ChoreBody) => c.id)).to.deep.equal([mine.id]);
    const approved = await bff().http().get(chores()).query({ status: 'APPROVED' }).auth(token, bearer);
    expect(approved.body.items.every((c: ChoreBody) => c.status === 'APPROVED')).to.equal(true);
    const childs = await bff().http().get(chores()).query({ limit: '200' }).auth(home.child.accessToken, bearer);
    expect(childs.body.items.length).to.be.greaterThan(0);
    expect(childs.body.items.every((c: ChoreBody) => c.assigneeMemberId === home.child.memberId)).to.equal(true);
    // A sibling's chore does not exist for the child.
    expectProblem(await bff().http().get(`${chores()}/${mine.id}`).auth(home.child.accessToken, bearer), 404);
    expectProblem(await act(mine.id, 'submit', home.child.accessToken), 404);
  });

  it('answers 404 for another family’s chores', async () => {
    const kid = await bff()
      .http()
      .post(`/v1/families/${stranger.familyId}/children`)
      .auth(stranger.accessToken, bearer)
      .send({ displayName: 'Other', username: `other${Date.now().toString(36)}`, password: 'correct horse battery' });
    expect(kid.status, JSON.stringify(kid.body)).to.equal(201);
    const theirs = await bff()
      .http()
      .post(`/v1/families/${stranger.familyId}/chores`)
      .auth(stranger.accessToken, bearer)
      .send({ title: 'Theirs', assigneeMemberId: kid.body.id });
    expect(theirs.status, JSON.stringify(theirs.body)).to.equal(201);
    const token = home.owner.accessToken;
    const one = `${chores()}/${theirs.body.id}`;
    expectProblem(await bff().http().get(one).auth(token, bearer), 404);
    expectProblem(await bff().http().patch(one).set('If-Match', '"1"').auth(token, bearer).send({ points: 1 }), 404);
    expectProblem(await bff().http().delete(one).auth(token, bearer), 404);
    expectProblem(await act(theirs.body.id, 'approve', token), 404);
    expectProblem(await act(theirs.body.id, 'reject', token, { reason: 'x' }), 404);
    expectProblem(await bff().http().get(`/v1/families/${stranger.familyId}/chores`).auth(token, bearer), 404);
    // Another family's child named in a body is a bad field (the goals service's answer), not a 404.
    expectInvalidField(
      await bff().http().post(chores()).auth(token, bearer).send({ title: 'x', assigneeMemberId: kid.body.id }),
      'assigneeMemberId',
    );
    expectProblem(await bff().http().get(`${chores()}/${NO_SUCH_ID}`).auth(token, bearer), 404);
  });

  it('refuses every chore route without a token with 401', async () => {
    const one = `${chores()}/${NO_SUCH_ID}`;
    for (const r of [
      await bff().http().get(chores()),
      await bff().http().post(chores()).send({ title: 'x', assigneeMemberId: NO_SUCH_ID }),
      await bff().http().get(one),
      await bff().http().patch(one).set('If-Match', '"1"').send({ points: 1 }),
      await bff().http().delete(one),
      await bff().http().post(`${one}/submit`),
      await bff().http().post(`${one}/approve`),
      await bff().http().post(`${one}/reject`).send({ reason: 'x' }),
    ]) {
      expectProblem(r, 401);
      expect(r.headers['www-authenticate']).to.match(/^Bearer/);
    }
  });

  it('names each bad field of a chore, a rejection and the list', async () => {
    const token = home.owner.accessToken;
    const post = (body: object) => bff().http().post(chores()).auth(token, bearer).send(body);
    const ok = { title: 'Fine', assigneeMemberId: home.child.memberId };
    expectInvalidField(await post({ assigneeMemberId: home.child.memberId }), 'title');
    expectInvalidField(await post({ title: 'x' }), 'assigneeMemberId');
    expectInvalidField(await post({ ...ok, assigneeMemberId: 'kid' }), 'assigneeMemberId');
    expectInvalidField(await post({ ...ok, rewardMinor: 0.5 }), 'rewardMinor');
    expectInvalidField(await post({ ...ok, points: -1 }), 'points');
    expectInvalidField(await post({ ...ok, dueOn: 'tomorrow' }), 'dueOn');
    expectInvalidField(await post({ ...ok, recurrence: { frequency: 'MONTHLY' } }), 'recurrence.frequency');
    expectInvalidField(
      await post({ ...ok, recurrence: { frequency: 'WEEKLY', daysOfWeek: ['MON'] } }),
      'recurrence.daysOfWeek.0',
    );
    // The service's rules.
    expectInvalidField(
      await post({ ...ok, recurrence: { frequency: 'WEEKLY', daysOfWeek: [] } }),
      'recurrence.daysOfWeek',
    );
    expectInvalidField(await post({ ...ok, dueOn: '2000-01-01' }), 'dueOn');
    expectInvalidField(await post({ ...ok, title: '   ' }), 'title');
    const chore = await createChore();
    await act(chore.id, 'submit', home.child.accessToken);
    expectInvalidField(await act(chore.id, 'reject', token, {}), 'reason');
    expectInvalidField(await act(chore.id, 'submit', home.child.accessToken, { note: 'x'.repeat(501) }), 'note');
    expectInvalidField(await bff().http().get(chores()).query({ status: 'DONE' }).auth(token, bearer), 'status');
    expectInvalidField(await bff().http().get(chores()).query({ dueFrom: '2025-1-1' }).auth(token, bearer), 'dueFrom');
    expectInvalidField(await bff().http().post(`${chores()}/nope/approve`).auth(token, bearer), 'choreId');
  });

  it('documents every chore route in OpenAPI', async () => {
    const doc = (await bff().http().get('/openapi.json')).body;
    const base = '/v1/families/{familyId}/chores';
    expect(Object.keys(doc.paths[base])).to.have.members(['get', 'post']);
    expect(Object.keys(doc.paths[`${base}/{choreId}`])).to.have.members(['get', 'patch', 'delete']);
    for (const action of ['submit', 'approve', 'reject']) {
      expect(Object.keys(doc.paths[`${base}/{choreId}/${action}`])).to.deep.equal(['post']);
    }
    expect(doc.components.schemas.Chore.required).to.include.members([
      'id',
      'title',
      'assigneeMemberId',
      'rewardMinor',
      'points',
      'status',
      'version',
    ]);
    expect(doc.components.schemas.ChoreStatus.enum).to.deep.equal(['TODO', 'SUBMITTED', 'APPROVED', 'REJECTED']);
  });
});
