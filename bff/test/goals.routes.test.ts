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

interface GoalBody {
  id: string;
  ownerMemberId: string;
  name: string;
  targetMinor: number;
  savedMinor: number;
  status: string;
  version: number;
}

describe('BFF goal routes', () => {
  let stack: TestStack;
  let home: Siblings;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;
  const goals = () => `${home.base}/goals`;

  before(async () => {
    stack = await startTestStack({ goals: true });
    home = await siblings(stack.bff);
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  async function createGoal(token: string, body: Record<string, unknown>): Promise<GoalBody> {
    const r = await bff().http().post(goals()).auth(token, bearer).send(body);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body as GoalBody;
  }

  it('lets a child create a goal for themselves with 201, its Location and ETag, in the shape of ARCHITECTURE §5', async () => {
    const r = await bff()
      .http()
      .post(goals())
      .auth(home.child.accessToken, bearer)
      .send({ name: 'Bike', targetMinor: 20000, deadline: '2099-06-01', icon: 'bike' });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.headers.location).to.equal(`${goals()}/${r.body.id}`);
    expect(r.headers.etag).to.equal('"1"');
    expect(r.body).to.include({
      ownerMemberId: home.child.memberId,
      name: 'Bike',
      targetMinor: 20000,
      savedMinor: 0,
      currency: 'EUR',
      deadline: '2099-06-01',
      status: 'ACTIVE',
      icon: 'bike',
      version: 1,
    });
    expect(r.body).not.to.have.any.keys('projectedOn', 'matching', 'description', 'achievedAt');
  });

  it('saves toward a matched goal from SAVE, with the match, the contribution, the balance and a projection', async () => {
    const goal = await createGoal(home.owner.accessToken, {
      ownerMemberId: home.child.memberId,
      name: 'Lego',
      targetMinor: 6000,
      matching: { percent: 50 },
    });
    expect((goal as unknown as { matching: object }).matching).to.deep.equal({ percent: 50, monthlyCapMinor: 0 });
    await deposit(bff(), home, home.child.memberId, 'SAVE', 3000);
    const r = await bff()
      .http()
      .post(`${goals()}/${goal.id}/contributions`)
      .auth(home.child.accessToken, bearer)
      .send({ amountMinor: 2000, memo: 'first' });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.contribution).to.include({
      goalId: goal.id,
      source: 'SAVE_JAR',
      amountMinor: 2000,
      matchedMinor: 1000,
      memo: 'first',
      contributorMemberId: home.child.memberId,
    });
    expect(r.body.goal).to.include({ savedMinor: 3000, status: 'ACTIVE', version: 1 });
    expect(r.body.goal.projectedOn).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.body.balance).to.include({ saveMinor: 1000, goalsMinor: 3000 });

    const list = await bff().http().get(`${goals()}/${goal.id}/contributions`).auth(home.child.accessToken, bearer);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((c: { amountMinor: number }) => c.amountMinor)).to.deep.equal([2000]);
    expect(list.body.nextCursor).to.equal(null);

    // A parent's gift is not matched; it completes the goal.
    const gift = await bff()
      .http()
      .post(`${goals()}/${goal.id}/contributions`)
      .auth(home.owner.accessToken, bearer)
      .send({ source: 'PARENT_GIFT', amountMinor: 3000 });
    expect(gift.status, JSON.stringify(gift.body)).to.equal(201);
    expect(gift.body.contribution.matchedMinor).to.equal(0);
    expect(gift.body.goal).to.include({ savedMinor: 6000, status: 'ACHIEVED' });
    expect(gift.body.goal.achievedAt).to.be.a('string');
  });

  it('refuses a contribution beyond the SAVE jar with 409 INSUFFICIENT_FUNDS and the balance in metadata', async () => {
    const goal = await createGoal(home.sibling.accessToken, { name: 'Skates', targetMinor: 5000 });
    const r = await bff()
      .http()
      .post(`${goals()}/${goal.id}/contributions`)
      .auth(home.sibling.accessToken, bearer)
      .send({ amountMinor: 100 });
    const problem = expectProblem(r, 409, 'INSUFFICIENT_FUNDS') as { metadata?: Record<string, string> };
    expect(problem.metadata).to.include({ balanceMinor: '0', requestedMinor: '100' });
  });

  it('withdraws from a goal and cancels it, every cent going back to SAVE', async () => {
    const goal = await createGoal(home.owner.accessToken, {
      ownerMemberId: home.sibling.memberId,
      name: 'Headphones',
      targetMinor: 4000,
    });
    await deposit(bff(), home, home.sibling.memberId, 'SAVE', 1500);
    const contributed = await bff()
      .http()
      .post(`${goals()}/${goal.id}/contributions`)
      .auth(home.sibling.accessToken, bearer)
      .send({ amountMinor: 1500 });
    expect(contributed.status).to.equal(201);
    const withdrawn = await bff()
      .http()
      .post(`${goals()}/${goal.id}/withdraw`)
      .auth(home.sibling.accessToken, bearer)
      .send({ amountMinor: 500, memo: 'need it' });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).to.equal(200);
    expect(withdrawn.body.goal.savedMinor).to.equal(1000);
    expect(withdrawn.body.balance).to.include({ saveMinor: 500, goalsMinor: 1000 });
    expectProblem(
      await bff()
        .http()
        .post(`${goals()}/${goal.id}/withdraw`)
        .auth(home.sibling.accessToken, bearer)
        .send({ amountMinor: 5000 }),
      409,
      'INSUFFICIENT_FUNDS',
    );

    expectProblem(
      await bff()
        .http()
        .post(`${goals()}/${goal.id}/cancel`)
        .set('If-Match', '"9"')
        .auth(home.sibling.accessToken, bearer),
      412,
      'VERSION_MISMATCH',
    );
    const cancelled = await bff().http().post(`${goals()}/${goal.id}/cancel`).auth(home.sibling.accessToken, bearer);
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    expect(cancelled.body.goal).to.include({ status: 'CANCELLED', savedMinor: 0 });
    expect(cancelled.headers.etag).to.equal(`"${cancelled.body.goal.version}"`);
    expect(cancelled.body.balance).to.include({ saveMinor: 1500, goalsMinor: 0 });
    expectProblem(
      await bff()
        .http()
        .post(`${goals()}/${goal.id}/contributions`)
        .auth(home.sibling.accessToken, bearer)
        .send({ amountMinor: 1 }),
      409,
      'GOAL_NOT_ACTIVE',
    );
  });

  it('reads a goal with its ETag and changes it with If-Match; 428 without, 412 when stale; null clears', async () => {
    const goal = await createGoal(home.owner.accessToken, {
      ownerMemberId: home.child.memberId,
      name: 'Camera',
      targetMinor: 9000,
      description: 'instant camera',
      deadline: '2099-01-01',
      matching: { percent: 100, monthlyCapMinor: 1000 },
    });
    const read = await bff().http().get(`${goals()}/${goal.id}`).auth(home.child.accessToken, bearer);
    expect(read.status).to.equal(200);
    expect(read.headers.etag).to.equal('"1"');
    expect(read.body).to.deep.equal(goal);

    const patch = (ifMatch: string | undefined, body: object, token = home.owner.accessToken) => {
      const req = bff().http().patch(`${goals()}/${goal.id}`).auth(token, bearer);
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send(body);
    };
    expectProblem(await patch(undefined, { name: 'Camera!' }), 428, 'PRECONDITION_REQUIRED');
    const changed = await patch('"1"', { name: 'Better camera', description: null, deadline: null, matching: null });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect(changed.headers.etag).to.equal('"2"');
    expect(changed.body).to.include({ name: 'Better camera', version: 2 });
    expect(changed.body).not.to.have.any.keys('description', 'deadline', 'matching');
    const stale = expectProblem(await patch('"1"', { targetMinor: 8000 }), 412, 'VERSION_MISMATCH') as {
      metadata?: Record<string, string>;
    };
    expect(stale.metadata).to.deep.equal({ currentVersion: '2' });
    // A child may rename their own goal but not set matching.
    expectProblem(await patch('"2"', { matching: { percent: 10 } }, home.child.accessToken), 403);
    const renamed = await patch('"2"', { name: 'My camera' }, home.child.accessToken);
    expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
  });

  it('deletes a goal with 204, returning its money to SAVE; then it answers 404', async () => {
    const goal = await createGoal(home.sibling.accessToken, { name: 'Book', targetMinor: 1200 });
    const before = await balanceOf(bff(), home, home.sibling.memberId, home.sibling.accessToken);
    await deposit(bff(), home, home.sibling.memberId, 'SAVE', 700);
    await bff()
      .http()
      .post(`${goals()}/${goal.id}/contributions`)
      .auth(home.sibling.accessToken, bearer)
      .send({ amountMinor: 700 });
    const r = await bff().http().delete(`${goals()}/${goal.id}`).auth(home.sibling.accessToken, bearer);
    expect(r.status).to.equal(204);
    expectProblem(await bff().http().get(`${goals()}/${goal.id}`).auth(home.sibling.accessToken, bearer), 404);
    const after = await balanceOf(bff(), home, home.sibling.memberId, home.sibling.accessToken);
    expect(after.saveMinor).to.equal(before.saveMinor + 700);
  });

  it('lists goals filtered by owner and status; a child sees only their own', async () => {
    const token = home.owner.accessToken;
    const all = await bff().http().get(goals()).query({ limit: '200' }).auth(token, bearer);
    expect(all.status).to.equal(200);
    const owners = new Set(all.body.items.map((g: GoalBody) => g.ownerMemberId));
    expect(owners).to.include(home.child.memberId).and.include(home.sibling.memberId);
    const achieved = await bff().http().get(goals()).query({ status: 'ACHIEVED' }).auth(token, bearer);
    expect(achieved.body.items.map((g: GoalBody) => g.name)).to.deep.equal(['Lego']);
    const childs = await bff().http().get(goals()).query({ limit: '200' }).auth(home.child.accessToken, bearer);
    expect(childs.body.items.every((g: GoalBody) => g.ownerMemberId === home.child.memberId)).to.equal(true);
    const paged = await bff().http().get(goals()).query({ limit: '1' }).auth(token, bearer);
    expect(paged.body.items).to.have.length(1);
    expect(paged.body.nextCursor).to.be.a('string');
  });

  it('refuses a child creating a goal for a sibling, setting matching or giving, with 403', async () => {
    const child = home.child.accessToken;
    expectProblem(
      await bff()
        .http()
        .post(goals())
        .auth(child, bearer)
        .send({ ownerMemberId: home.sibling.memberId, name: 'For you', targetMinor: 100 }),
      403,
    );
    expectProblem(
      await bff()
        .http()
        .post(goals())
        .auth(child, bearer)
        .send({ name: 'Match me', targetMinor: 100, matching: { percent: 100 } }),
      403,
    );
    const own = await createGoal(child, { name: 'Gift me', targetMinor: 100 });
    expectProblem(
      await bff()
        .http()
        .post(`${goals()}/${own.id}/contributions`)
        .auth(child, bearer)
        .send({ source: 'PARENT_GIFT', amountMinor: 10 }),
      403,
    );
  });

  it('answers 404 for a sibling’s goal (to a child) and for another family’s goals', async () => {
    const siblingsGoal = await createGoal(home.sibling.accessToken, { name: 'Secret', targetMinor: 100 });
    const child = home.child.accessToken;
    expectProblem(await bff().http().get(`${goals()}/${siblingsGoal.id}`).auth(child, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .post(`${goals()}/${siblingsGoal.id}/contributions`)
        .auth(child, bearer)
        .send({ amountMinor: 1 }),
      404,
    );
    const theirs = await bff()
      .http()
      .post(`/v1/families/${stranger.familyId}/goals`)
      .auth(stranger.accessToken, bearer)
      .send({ name: 'Theirs', targetMinor: 100 });
    expect(theirs.status).to.equal(201);
    const token = home.owner.accessToken;
    expectProblem(await bff().http().get(`${goals()}/${theirs.body.id}`).auth(token, bearer), 404);
    expectProblem(
      await bff()
        .http()
        .patch(`${goals()}/${theirs.body.id}`)
        .set('If-Match', '"1"')
        .auth(token, bearer)
        .send({ name: 'x' }),
      404,
    );
    expectProblem(await bff().http().delete(`${goals()}/${theirs.body.id}`).auth(token, bearer), 404);
    expectProblem(await bff().http().post(`${goals()}/${theirs.body.id}/cancel`).auth(token, bearer), 404);
    expectProblem(await bff().http().get(`${goals()}/${theirs.body.id}/contributions`).auth(token, bearer), 404);
    expectProblem(
      await bff().http().post(`${goals()}/${theirs.body.id}/withdraw`).auth(token, bearer).send({ amountMinor: 1 }),
      404,
    );
    expectProblem(await bff().http().get(`/v1/families/${stranger.familyId}/goals`).auth(token, bearer), 404);
    expectProblem(await bff().http().get(`${goals()}/${NO_SUCH_ID}`).auth(token, bearer), 404);
  });

  it('refuses every goal route without a token with 401', async () => {
    const one = `${goals()}/${NO_SUCH_ID}`;
    for (const r of [
      await bff().http().get(goals()),
      await bff().http().post(goals()).send({ name: 'x', targetMinor: 1 }),
      await bff().http().get(one),
      await bff().http().patch(one).set('If-Match', '"1"').send({ name: 'x' }),
      await bff().http().delete(one),
      await bff().http().get(`${one}/contributions`),
      await bff().http().post(`${one}/contributions`).send({ amountMinor: 1 }),
      await bff().http().post(`${one}/withdraw`).send({ amountMinor: 1 }),
      await bff().http().post(`${one}/cancel`),
    ]) {
      expectProblem(r, 401);
      expect(r.headers['www-authenticate']).to.match(/^Bearer/);
    }
  });

  it('names each bad field of a goal, a contribution, a withdrawal and the list', async () => {
    const token = home.owner.accessToken;
    const post = (body: object) => bff().http().post(goals()).auth(token, bearer).send(body);
    const ok = { name: 'Fine', targetMinor: 100 };
    expectInvalidField(await post({ name: 'No target' }), 'targetMinor');
    expectInvalidField(await post({ ...ok, name: '' }), 'name');
    expectInvalidField(await post({ ...ok, targetMinor: 1.5 }), 'targetMinor');
    expectInvalidField(await post({ ...ok, deadline: '01.06.2099' }), 'deadline');
    expectInvalidField(await post({ ...ok, ownerMemberId: 'kid' }), 'ownerMemberId');
    expectInvalidField(await post({ ...ok, matching: { percent: 0 } }), 'matching.percent');
    // The service's rules.
    expectInvalidField(await post({ ...ok, targetMinor: 0 }), 'targetMinor');
    expectInvalidField(await post({ ...ok, deadline: '2000-01-01' }), 'deadline');

    const goal = await createGoal(token, ok);
    const contribute = (body: object) =>
      bff().http().post(`${goals()}/${goal.id}/contributions`).auth(token, bearer).send(body);
    expectInvalidField(await contribute({}), 'amountMinor');
    expectInvalidField(await contribute({ amountMinor: 1, source: 'POCKET' }), 'source');
    expectInvalidField(await contribute({ amountMinor: -1, source: 'PARENT_GIFT' }), 'amountMinor');
    expectInvalidField(
      await bff().http().post(`${goals()}/${goal.id}/withdraw`).auth(token, bearer).send({ amountMinor: 'all' }),
      'amountMinor',
    );
    expectInvalidField(
      await bff().http().patch(`${goals()}/${goal.id}`).set('If-Match', '"1"').auth(token, bearer).send({}),
      'body',
    );
    expectInvalidField(await bff().http().get(`${goals()}/nope`).auth(token, bearer), 'goalId');
    expectInvalidField(await bff().http().get(goals()).query({ status: 'DONE' }).auth(token, bearer), 'status');
  });

  it('documents every goal route in OpenAPI', async () => {
    const doc = (await bff().http().get('/openapi.json')).body;
    const base = '/v1/families/{familyId}/goals';
    expect(Object.keys(doc.paths[base])).to.have.members(['get', 'post']);
    expect(Object.keys(doc.paths[`${base}/{goalId}`])).to.have.members(['get', 'patch', 'delete']);
    expect(Object.keys(doc.paths[`${base}/{goalId}/contributions`])).to.have.members(['get', 'post']);
    expect(Object.keys(doc.paths[`${base}/{goalId}/withdraw`])).to.deep.equal(['post']);
    expect(Object.keys(doc.paths[`${base}/{goalId}/cancel`])).to.deep.equal(['post']);
    expect(doc.paths[`${base}/{goalId}`].patch.responses).to.include.keys(['412', '428']);
    expect(doc.components.schemas.Goal.required).to.include.members([
      'id',
      'ownerMemberId',
      'name',
      'targetMinor',
      'savedMinor',
      'currency',
      'status',
      'version',
    ]);
    expect(doc.components.schemas.GoalStatus.enum).to.deep.equal(['ACTIVE', 'ACHIEVED', 'CANCELLED']);
  });
});
