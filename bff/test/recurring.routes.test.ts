import { expect } from 'chai';
import {
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  startTestStack,
  type FamilyOwner,
  type TestStack,
} from './bff.harness.js';
import { bearer, category, household, NO_SUCH_ID, type Household } from './expense.fixtures.js';

describe('BFF recurring-expense routes', () => {
  let stack: TestStack;
  let home: Household;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;
  const recurring = () => `${home.base}/recurring-expenses`;

  before(async () => {
    stack = await startTestStack();
    home = await household(stack.bff, 'The Regulars');
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  const rent = (overrides: object = {}) => ({
    template: { amountMinor: 95000, description: 'Rent', merchant: 'Landlord', tags: ['home'] },
    frequency: 'MONTHLY',
    startOn: '2025-01-31',
    ...overrides,
  });

  it('schedules a monthly expense on the 31st, answering 201 with Location, ETag and the §5 shape', async () => {
    const rentCategory = await category(bff(), home, 'Rent', 'Housing');
    const r = await bff()
      .http()
      .post(recurring())
      .auth(home.owner.accessToken, bearer)
      .send(
        rent({
          template: { amountMinor: 95000, description: 'Rent', categoryId: rentCategory.id },
          endOn: '2030-12-31',
        }),
      );
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.headers.location).to.equal(`${recurring()}/${r.body.id}`);
    expect(r.headers.etag).to.equal('"1"');
    expect(r.body).to.include({
      frequency: 'MONTHLY',
      interval: 1,
      startOn: '2025-01-31',
      endOn: '2030-12-31',
      paused: false,
      version: 1,
    });
    expect(r.body.template).to.include({
      memberId: home.owner.memberId,
      amountMinor: 95000,
      currency: 'EUR',
      description: 'Rent',
      categoryId: rentCategory.id,
    });
    expect(r.body.nextOn).to.match(/^\d{4}-\d{2}-\d{2}$/);

    const read = await bff().http().get(`${recurring()}/${r.body.id}`).auth(home.owner.accessToken, bearer);
    expect(read.status).to.equal(200);
    expect(read.headers.etag).to.equal('"1"');
    expect(read.body).to.deep.equal(r.body);
  });

  it('previews month-end aware dates: the 31st falls on the last day of shorter months', async () => {
    const r = await bff().http().post(recurring()).auth(home.owner.accessToken, bearer).send(rent());
    const preview = await bff()
      .http()
      .get(`${recurring()}/${r.body.id}/preview`)
      .query({ count: '5', after: '2025-01-01' })
      .auth(home.owner.accessToken, bearer);
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body.dates).to.deep.equal(['2025-01-31', '2025-02-28', '2025-03-31', '2025-04-30', '2025-05-31']);

    const leap = await bff()
      .http()
      .post(recurring())
      .auth(home.owner.accessToken, bearer)
      .send(rent({ frequency: 'YEARLY', startOn: '2024-02-29', endOn: '2027-12-31' }));
    const years = await bff()
      .http()
      .get(`${recurring()}/${leap.body.id}/preview`)
      .query({ count: '10', after: '2024-01-01' })
      .auth(home.owner.accessToken, bearer);
    expect(years.body.dates).to.deep.equal(['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28']);

    const fortnightly = await bff()
      .http()
      .post(recurring())
      .auth(home.owner.accessToken, bearer)
      .send(rent({ frequency: 'WEEKLY', interval: 2, startOn: '2025-03-03' }));
    const weeks = await bff()
      .http()
      .get(`${recurring()}/${fortnightly.body.id}/preview`)
      .query({ count: '3', after: '2025-03-01' })
      .auth(home.owner.accessToken, bearer);
    expect(weeks.body.dates).to.deep.equal(['2025-03-03', '2025-03-17', '2025-03-31']);
  });

  it('pauses and resumes with If-Match (428 without, 412 when stale), removes the end with null, and deletes', async () => {
    const token = home.owner.accessToken;
    const r = await bff()
      .http()
      .post(recurring())
      .auth(token, bearer)
      .send(rent({ endOn: '2026-01-31' }));
    const url = `${recurring()}/${r.body.id}`;
    expectProblem(
      await bff().http().patch(url).auth(token, bearer).send({ paused: true }),
      428,
      'PRECONDITION_REQUIRED',
    );
    const paused = await bff().http().patch(url).set('If-Match', '"1"').auth(token, bearer).send({ paused: true });
    expect(paused.status, JSON.stringify(paused.body)).to.equal(200);
    expect(paused.headers.etag).to.equal('"2"');
    expect(paused.body).to.include({ paused: true, version: 2 });
    expectProblem(
      await bff().http().patch(url).set('If-Match', '"1"').auth(token, bearer).send({ paused: false }),
      412,
      'VERSION_MISMATCH',
    );
    const resumed = await bff()
      .http()
      .patch(url)
      .set('If-Match', '"2"')
      .auth(token, bearer)
      .send({ paused: false, endOn: null, interval: 2, template: { amountMinor: 99000, description: 'Rent (new)' } });
    expect(resumed.status, JSON.stringify(resumed.body)).to.equal(200);
    expect(resumed.body).to.include({ paused: false, interval: 2 });
    expect(resumed.body).not.to.have.property('endOn');
    expect(resumed.body.template).to.include({ amountMinor: 99000, description: 'Rent (new)' });

    expect((await bff().http().delete(url).auth(token, bearer)).status).to.equal(204);
    expectProblem(await bff().http().get(url).auth(token, bearer), 404);
  });

  it('lets a child schedule only their own, and shows them only their own', async () => {
    const child = home.child.accessToken;
    const own = await bff()
      .http()
      .post(recurring())
      .auth(child, bearer)
      .send({
        template: { amountMinor: 500, description: 'Comic subscription' },
        frequency: 'WEEKLY',
        startOn: '2025-01-06',
      });
    expect(own.status, JSON.stringify(own.body)).to.equal(201);
    expect(own.body.template.memberId).to.equal(home.child.memberId);
    expectProblem(
      await bff()
        .http()
        .post(recurring())
        .auth(child, bearer)
        .send({
          template: { amountMinor: 500, description: 'For mum', memberId: home.owner.memberId },
          frequency: 'WEEKLY',
          startOn: '2025-01-06',
        }),
      403,
    );
    const parents = await bff().http().post(recurring()).auth(home.owner.accessToken, bearer).send(rent());
    const listed = await bff().http().get(recurring()).auth(child, bearer);
    expect(listed.status).to.equal(200);
    expect(listed.body.items.map((r: { template: { memberId: string } }) => r.template.memberId)).to.satisfy(
      (ids: string[]) => ids.length > 0 && ids.every((id) => id === home.child.memberId),
    );
    expectProblem(await bff().http().get(`${recurring()}/${parents.body.id}`).auth(child, bearer), 404);

    const all = await bff().http().get(recurring()).query({ limit: '200' }).auth(home.owner.accessToken, bearer);
    expect(all.body.items.map((r: { id: string }) => r.id)).to.include.members([own.body.id, parents.body.id]);
    const childsOnly = await bff()
      .http()
      .get(recurring())
      .query({ memberId: home.child.memberId })
      .auth(home.owner.accessToken, bearer);
    expect(childsOnly.body.items.map((r: { id: string }) => r.id)).to.deep.equal([own.body.id]);
  });

  it('answers 404 for another family’s recurring expenses and 401 without a token', async () => {
    const ours = await bff().http().post(recurring()).auth(home.owner.accessToken, bearer).send(rent());
    const token = stranger.accessToken;
    expectProblem(await bff().http().get(recurring()).auth(token, bearer), 404);
    expectProblem(await bff().http().get(`${recurring()}/${ours.body.id}`).auth(token, bearer), 404);
    const theirPath = `/v1/families/${stranger.familyId}/recurring-expenses/${ours.body.id}`;
    expectProblem(await bff().http().get(theirPath).auth(token, bearer), 404);
    expectProblem(
      await bff().http().patch(theirPath).set('If-Match', '"1"').auth(token, bearer).send({ paused: true }),
      404,
    );
    expectProblem(await bff().http().delete(theirPath).auth(token, bearer), 404);
    expectProblem(await bff().http().get(`${theirPath}/preview`).auth(token, bearer), 404);
    for (const r of [
      await bff().http().get(recurring()),
      await bff().http().post(recurring()).send(rent()),
      await bff().http().get(`${recurring()}/${ours.body.id}`),
      await bff().http().patch(`${recurring()}/${ours.body.id}`).set('If-Match', '"1"').send({ paused: true }),
      await bff().http().delete(`${recurring()}/${ours.body.id}`),
      await bff().http().get(`${recurring()}/${ours.body.id}/preview`),
    ]) {
      expectProblem(r, 401);
    }
  });

  it('names the bad field', async () => {
    const token = home.owner.accessToken;
    const post = (overrides: object) => bff().http().post(recurring()).auth(token, bearer).send(rent(overrides));
    expectInvalidField(await post({ frequency: 'HOURLY' }), 'frequency');
    expectInvalidField(await post({ frequency: undefined }), 'frequency');
    expectInvalidField(await post({ interval: 0 }), 'interval');
    expectInvalidField(await post({ startOn: '31.01.2025' }), 'startOn');
    expectInvalidField(await post({ endOn: '2025-02-30' }), 'endOn');
    expectInvalidField(await post({ template: { amountMinor: 1.5, description: 'x' } }), 'template.amountMinor');
    expectInvalidField(await post({ template: { amountMinor: 100 } }), 'template.description');
    expectInvalidField(await post({ template: undefined }), 'template');
    // The service: the end before the start.
    expectInvalidField(await post({ endOn: '2024-01-01' }), 'endOn');

    const created = await post({});
    const url = `${recurring()}/${created.body.id}`;
    expectInvalidField(await bff().http().patch(url).set('If-Match', '"1"').auth(token, bearer).send({}), 'body');
    expectInvalidField(
      await bff().http().patch(url).set('If-Match', '"1"').auth(token, bearer).send({ paused: 'no' }),
      'paused',
    );
    expectInvalidField(await bff().http().get(`${url}/preview`).query({ count: '0' }).auth(token, bearer), 'count');
    expectInvalidField(await bff().http().get(`${url}/preview`).query({ count: '101' }).auth(token, bearer), 'count');
    expectInvalidField(await bff().http().get(`${url}/preview`).query({ after: 'soon' }).auth(token, bearer), 'after');
    expectInvalidField(await bff().http().get(`${recurring()}/rent`).auth(token, bearer), 'recurringExpenseId');
    expectInvalidField(await bff().http().get(recurring()).query({ memberId: 'me' }).auth(token, bearer), 'memberId');
    expectProblem(await bff().http().get(`${recurring()}/${NO_SUCH_ID}`).auth(token, bearer), 404);
  });
});
