import { expect } from 'chai';
import {
  email,
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  PASSWORD,
  startTestAuth,
  startTestBff,
  type AuthStack,
  type FamilyOwner,
  type TestBff,
} from './bff.harness.js';

let keyCounter = 0;
const newKey = () => `test-key-${Date.now()}-${keyCounter++}`;

describe('BFF Idempotency-Key on POST', () => {
  let auth: AuthStack;
  let bff: TestBff;
  let owner: FamilyOwner;

  before(async () => {
    auth = await startTestAuth();
    bff = await startTestBff(auth);
    owner = await familyWithOwner(bff);
  });
  after(async () => {
    await bff?.stop();
    await auth?.stop();
  });

  const createFamily = (key: string, name: string, token = owner.accessToken) =>
    bff
      .http()
      .post('/v1/families')
      .auth(token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send({ name, currency: 'EUR', timezone: 'Europe/Berlin' });

  it('replays the stored response for the same key and body, without doing the work twice', async () => {
    const key = newKey();
    const first = await createFamily(key, 'Once Only');
    expect(first.status).to.equal(201);
    expect(first.headers).not.to.have.property('idempotent-replayed');

    const second = await createFamily(key, 'Once Only');
    expect(second.status).to.equal(201);
    expect(second.headers['idempotent-replayed']).to.equal('true');
    expect(second.body).to.deep.equal(first.body);
    expect(second.headers.location).to.equal(first.headers.location);
    expect(second.headers['content-type']).to.equal(first.headers['content-type']);

    const me = await bff.http().get('/v1/me').auth(owner.accessToken, { type: 'bearer' });
    const named = me.body.memberships.filter((m: { family: { name: string } }) => m.family.name === 'Once Only');
    expect(named).to.have.length(1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const key = newKey();
    const body = { name: 'Ordered', currency: 'EUR', timezone: 'Europe/Berlin' };
    const first = await bff
      .http()
      .post('/v1/families')
      .auth(owner.accessToken, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send(body);
    const reordered = await bff
      .http()
      .post('/v1/families')
      .auth(owner.accessToken, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ timezone: 'Europe/Berlin', currency: 'EUR', name: 'Ordered' }));
    expect(reordered.status).to.equal(first.status);
    expect(reordered.headers['idempotent-replayed']).to.equal('true');
  });

  it('refuses the same key with a different body with 422', async () => {
    const key = newKey();
    expect((await createFamily(key, 'First Body')).status).to.equal(201);
    const r = await createFamily(key, 'Second Body');
    expectProblem(r, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('answers exactly one of two concurrent requests with one key with 409', async () => {
    const key = newKey();
    // Registration hashes a password (argon2), so the first is still running when the second lands.
    const body = { email: email('concurrent'), password: PASSWORD, displayName: 'Twin' };
    const send = () => bff.http().post('/v1/auth/register').set('Idempotency-Key', key).send(body);
    const results = await Promise.all([send(), send()]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([201, 409]);
    const conflict = results.find((r) => r.status === 409)!;
    expectProblem(conflict, 409, 'IDEMPOTENCY_IN_PROGRESS');

    // Once the first has finished, the same request replays it.
    const later = await send();
    expect(later.status).to.equal(201);
    expect(later.headers['idempotent-replayed']).to.equal('true');
  });

  it('stores 4xx outcomes of the endpoint and replays them too', async () => {
    const key = newKey();
    const taken = { email: email('taken'), password: PASSWORD, displayName: 'Pat' };
    expect((await bff.http().post('/v1/auth/register').send(taken)).status).to.equal(201);
    const first = await bff.http().post('/v1/auth/register').set('Idempotency-Key', key).send(taken);
    expectProblem(first, 409);
    const again = await bff.http().post('/v1/auth/register').set('Idempotency-Key', key).send(taken);
    expect(again.status).to.equal(409);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body.code).to.equal(first.body.code);
  });

  it('does not store a request refused by validation, so the fixed request may reuse the key', async () => {
    const key = newKey();
    expectInvalidField(await createFamily(key, ''), 'name');
    const fixed = await createFamily(key, 'Fixed Name');
    expect(fixed.status).to.equal(201);
    expect(fixed.headers).not.to.have.property('idempotent-replayed');
  });

  it("does not store a refusal by the service's own validation, so the corrected request may reuse the key", async () => {
    const key = newKey();
    const send = (timezone: string) =>
      bff
        .http()
        .post('/v1/families')
        .auth(owner.accessToken, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .send({ name: 'Corrected Zone', currency: 'EUR', timezone });
    expectInvalidField(await send('Mars/Olympus_Mons'), 'timezone');
    const fixed = await send('Europe/Berlin');
    expect(fixed.status, JSON.stringify(fixed.body)).to.equal(201);
    expect(fixed.headers).not.to.have.property('idempotent-replayed');
  });

  it('refuses a body nested deeper than 64 levels with 400 before the idempotency step, keeping the key free', async () => {
    const key = newKey();
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const post = (raw: string) =>
      bff
        .http()
        .post('/v1/families')
        .auth(owner.accessToken, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .set('content-type', 'application/json')
        .send(raw);
    const tooDeep = await post(`{"name":${deep(40_000)},"currency":"EUR","timezone":"Europe/Berlin"}`);
    expectProblem(tooDeep, 400, 'BODY_TOO_DEEP');
    expect(tooDeep.body.errors[0].field).to.equal('body');
    const justDeepEnough = await post(`{"name":${deep(63)},"currency":"EUR","timezone":"Europe/Berlin"}`);
    expectInvalidField(justDeepEnough, 'name');
    const fixed = await createFamily(key, 'Shallow Again');
    expect(fixed.status, JSON.stringify(fixed.body)).to.equal(201);
  });

  it("keeps each caller's keys apart", async () => {
    const key = newKey();
    const other = await familyWithOwner(bff, 'Other Owner');
    expect((await createFamily(key, 'Same Key A')).status).to.equal(201);
    const r = await createFamily(key, 'Same Key B', other.accessToken);
    expect(r.status).to.equal(201);
    expect(r.headers).not.to.have.property('idempotent-replayed');
  });

  it('refuses a key longer than 255 characters with 400', async () => {
    const r = await createFamily('k'.repeat(256), 'Too Long Key');
    expectProblem(r, 400, 'IDEMPOTENCY_KEY_INVALID');
    expect(r.body.errors[0].field).to.equal('Idempotency-Key');
    expect((await createFamily('k'.repeat(255), 'Longest Key')).status).to.equal(201);
  });

  it('does not store a 5xx, so the client can retry with the same key', async () => {
    const key = newKey();
    const body = { email: email('retry'), password: PASSWORD, displayName: 'Retry' };
    await auth.stop();
    try {
      const down = await bff.http().post('/v1/auth/register').set('Idempotency-Key', key).send(body);
      expectProblem(down, 503);
    } finally {
      auth = await startTestAuth();
    }
    // A BFF in front of the new auth service, sharing the first one's Redis prefix.
    const retryBff = await startTestBff(auth, { REDIS_KEY_PREFIX: bff.config.REDIS_KEY_PREFIX });
    try {
      const r = await retryBff.http().post('/v1/auth/register').set('Idempotency-Key', key).send(body);
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.headers).not.to.have.property('idempotent-replayed');
    } finally {
      await retryBff.stop();
    }
  });
});
