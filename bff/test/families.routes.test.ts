import { expect } from 'chai';
import {
  childOf,
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  PASSWORD,
  register,
  startTestAuth,
  startTestBff,
  username,
  type AuthStack,
  type FamilyOwner,
  type TestBff,
} from './bff.harness.js';

const NO_SUCH_ID = '0190a5c4-0000-7000-8000-000000000000';

describe('BFF family routes', () => {
  let auth: AuthStack;
  let bff: TestBff;

  before(async () => {
    auth = await startTestAuth();
    bff = await startTestBff(auth);
  });
  after(async () => {
    await bff?.stop();
    await auth?.stop();
  });

  it('lets a parent register, create a family and add a child, who logs in by username and lists the members, but may not add a child', async () => {
    const parent = await register(bff, 'Alex');
    const created = await bff
      .http()
      .post('/v1/families')
      .auth(parent.accessToken, { type: 'bearer' })
      .send({ name: 'The Flows', currency: 'EUR', timezone: 'Europe/Berlin' });
    expect(created.status).to.equal(201);
    expect(created.headers.location).to.equal(`/v1/families/${created.body.family.id}`);
    expect(created.body.family).to.deep.equal({
      id: created.body.family.id,
      name: 'The Flows',
      currency: 'EUR',
      timezone: 'Europe/Berlin',
    });
    expect(created.body.member).to.include({ userId: parent.userId, displayName: 'Alex', role: 'OWNER' });
    expect(created.body.expiresIn).to.be.greaterThan(0);
    const familyId = created.body.family.id as string;

    // The token from registration predates the family; the one from creation carries it.
    const kidName = username('flow');
    const child = await bff
      .http()
      .post(`/v1/families/${familyId}/children`)
      .auth(created.body.accessToken, { type: 'bearer' })
      .send({ displayName: 'Robin', username: kidName, password: PASSWORD });
    expect(child.status, JSON.stringify(child.body)).to.equal(201);
    expect(child.body).to.include({ displayName: 'Robin', role: 'CHILD', username: kidName });
    expect(child.headers.location).to.equal(`/v1/families/${familyId}/members/${child.body.id}`);

    const login = await bff.http().post('/v1/auth/login').send({ login: kidName, password: PASSWORD });
    expect(login.status).to.equal(200);
    expect(login.body.user).to.include({ username: kidName, displayName: 'Robin' });
    expect(login.body.user).not.to.have.property('email');
    const childToken = login.body.tokens.accessToken as string;

    const members = await bff.http().get(`/v1/families/${familyId}/members`).auth(childToken, { type: 'bearer' });
    expect(members.status).to.equal(200);
    expect(members.body.items.map((m: { role: string }) => m.role).sort()).to.deep.equal(['CHILD', 'OWNER']);
    expect(members.body.nextCursor).to.equal(null);

    const refused = await bff
      .http()
      .post(`/v1/families/${familyId}/children`)
      .auth(childToken, { type: 'bearer' })
      .send({ displayName: 'Sib', username: username('sib'), password: PASSWORD });
    expectProblem(refused, 403);
  });

  describe('with a family', () => {
    let owner: FamilyOwner;
    before(async () => {
      owner = await familyWithOwner(bff, 'The Testers');
    });

    it('reads the family', async () => {
      const r = await bff.http().get(`/v1/families/${owner.familyId}`).auth(owner.accessToken, { type: 'bearer' });
      expect(r.status).to.equal(200);
      expect(r.body).to.deep.equal({
        id: owner.familyId,
        name: 'The Testers',
        currency: 'EUR',
        timezone: 'Europe/Berlin',
      });
    });

    it('pages through members with limit and cursor', async () => {
      await childOf(bff, owner);
      await childOf(bff, owner);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string> = { limit: '2', ...(cursor ? { cursor } : {}) };
        const r = await bff
          .http()
          .get(`/v1/families/${owner.familyId}/members`)
          .query(query)
          .auth(owner.accessToken, { type: 'bearer' });
        expect(r.status).to.equal(200);
        expect(r.body.items.length).to.be.at.most(2);
        seen.push(...r.body.items.map((m: { id: string }) => m.id));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).to.be.greaterThan(1);
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen).to.include(owner.memberId);
    });

    it('renames a member and changes their role', async () => {
      const child = await childOf(bff, owner);
      const renamed = await bff
        .http()
        .patch(`/v1/families/${owner.familyId}/members/${child.memberId}`)
        .auth(owner.accessToken, { type: 'bearer' })
        .send({ displayName: 'Kimberly' });
      expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
      expect(renamed.body).to.include({ id: child.memberId, displayName: 'Kimberly', role: 'CHILD' });

      const promoted = await bff
        .http()
        .patch(`/v1/families/${owner.familyId}/members/${child.memberId}`)
        .auth(owner.accessToken, { type: 'bearer' })
        .send({ role: 'PARENT' });
      expect(promoted.status).to.equal(200);
      expect(promoted.body.role).to.equal('PARENT');
    });

    it('removes a member with 204, after which they are gone from the list', async () => {
      const child = await childOf(bff, owner);
      const r = await bff
        .http()
        .delete(`/v1/families/${owner.familyId}/members/${child.memberId}`)
        .auth(owner.accessToken, { type: 'bearer' });
      expect(r.status).to.equal(204);
      const members = await bff
        .http()
        .get(`/v1/families/${owner.familyId}/members`)
        .auth(owner.accessToken, { type: 'bearer' });
      expect(members.body.items.map((m: { id: string }) => m.id)).not.to.include(child.memberId);
    });

    it('invites a parent who accepts and joins with a token that carries the membership', async () => {
      const invite = await bff
        .http()
        .post(`/v1/families/${owner.familyId}/invites`)
        .auth(owner.accessToken, { type: 'bearer' })
        .send({ role: 'PARENT', ttlSeconds: 3600 });
      expect(invite.status, JSON.stringify(invite.body)).to.equal(201);
      expect(invite.body).to.include({ role: 'PARENT', familyId: owner.familyId });
      expect(invite.body.code).to.be.a('string');
      const expiresAt = Date.parse(invite.body.expiresAt);
      expect(expiresAt).to.be.closeTo(Date.now() + 3600_000, 60_000);
      expect(invite.body.expiresAt).to.equal(new Date(expiresAt).toISOString());

      const partner = await register(bff, 'Partner');
      const accepted = await bff
        .http()
        .post(`/v1/invites/${invite.body.code}/accept`)
        .auth(partner.accessToken, { type: 'bearer' });
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
      expect(accepted.body.family.id).to.equal(owner.familyId);
      expect(accepted.body.member).to.include({ userId: partner.userId, role: 'PARENT' });

      const family = await bff
        .http()
        .get(`/v1/families/${owner.familyId}`)
        .auth(accepted.body.accessToken, { type: 'bearer' });
      expect(family.status).to.equal(200);
    });

    it('refuses a child creating an invite, adding a child or patching a member with 403', async () => {
      const child = await childOf(bff, owner);
      const token = { type: 'bearer' } as const;
      expectProblem(
        await bff
          .http()
          .post(`/v1/families/${owner.familyId}/invites`)
          .auth(child.accessToken, token)
          .send({ role: 'CHILD' }),
        403,
      );
      expectProblem(
        await bff
          .http()
          .post(`/v1/families/${owner.familyId}/children`)
          .auth(child.accessToken, token)
          .send({ displayName: 'Sib', username: username('sib'), password: PASSWORD }),
        403,
      );
      expectProblem(
        await bff
          .http()
          .patch(`/v1/families/${owner.familyId}/members/${owner.memberId}`)
          .auth(child.accessToken, token)
          .send({ role: 'CHILD' }),
        403,
      );
    });

    it('answers 404 to a member of another family reading this family or listing its members', async () => {
      const stranger = await familyWithOwner(bff, 'Strangers');
      expectProblem(
        await bff.http().get(`/v1/families/${owner.familyId}`).auth(stranger.accessToken, { type: 'bearer' }),
        404,
      );
      expectProblem(
        await bff.http().get(`/v1/families/${owner.familyId}/members`).auth(stranger.accessToken, { type: 'bearer' }),
        404,
      );
      expectProblem(
        await bff.http().get(`/v1/families/${NO_SUCH_ID}`).auth(owner.accessToken, { type: 'bearer' }),
        404,
      );
    });

    it('refuses every family route without a token with 401', async () => {
      expectProblem(await bff.http().post('/v1/families').send({ name: 'X', currency: 'EUR', timezone: 'UTC' }), 401);
      expectProblem(await bff.http().get(`/v1/families/${owner.familyId}`), 401);
      expectProblem(await bff.http().get(`/v1/families/${owner.familyId}/members`), 401);
      expectProblem(await bff.http().post(`/v1/families/${owner.familyId}/invites`).send({ role: 'CHILD' }), 401);
      expectProblem(await bff.http().post('/v1/invites/ABCDEF/accept'), 401);
    });

    describe('validation', () => {
      const bearer = { type: 'bearer' } as const;

      it('names the bad field when creating a family', async () => {
        const post = (body: object) => bff.http().post('/v1/families').auth(owner.accessToken, bearer).send(body);
        expectInvalidField(await post({ currency: 'EUR', timezone: 'Europe/Berlin' }), 'name');
        expectInvalidField(await post({ name: 'X', currency: 'euro', timezone: 'Europe/Berlin' }), 'currency');
        expectInvalidField(await post({ name: 'X', currency: 'EUR' }), 'timezone');
        // The auth service knows the real list of zones.
        expectInvalidField(await post({ name: 'X', currency: 'EUR', timezone: 'Mars/Olympus' }), 'timezone');
      });

      it('names a path id that is not a UUID before calling the service', async () => {
        const getFamilyCalls = async () => {
          const metrics = (await bff.metrics().get('/metrics')).text;
          const line = metrics
            .split('\n')
            .find((l) =>
              l.startsWith('grpc_client_handling_seconds_count{method="/family.auth.v1.AuthService/GetFamily"'),
            );
          return line ? Number(line.split(' ').pop()) : 0;
        };
        const before = await getFamilyCalls();
        expectInvalidField(await bff.http().get('/v1/families/not-a-uuid').auth(owner.accessToken, bearer), 'familyId');
        expectInvalidField(
          await bff.http().get('/v1/families/123/members').auth(owner.accessToken, bearer),
          'familyId',
        );
        expectInvalidField(
          await bff
            .http()
            .patch(`/v1/families/${owner.familyId}/members/nope`)
            .auth(owner.accessToken, bearer)
            .send({ displayName: 'X' }),
          'memberId',
        );
        expectInvalidField(
          await bff.http().delete(`/v1/families/${owner.familyId}/members/nope`).auth(owner.accessToken, bearer),
          'memberId',
        );
        expect(await getFamilyCalls()).to.equal(before);
      });

      it('names a bad page size', async () => {
        expectInvalidField(
          await bff
            .http()
            .get(`/v1/families/${owner.familyId}/members`)
            .query({ limit: 'lots' })
            .auth(owner.accessToken, bearer),
          'limit',
        );
        expectInvalidField(
          await bff
            .http()
            .get(`/v1/families/${owner.familyId}/members`)
            .query({ limit: '0' })
            .auth(owner.accessToken, bearer),
          'limit',
        );
      });

      it('names the bad field when adding a child', async () => {
        const post = (body: object) =>
          bff.http().post(`/v1/families/${owner.familyId}/children`).auth(owner.accessToken, bearer).send(body);
        expectInvalidField(await post({ username: username(), password: PASSWORD }), 'displayName');
        expectInvalidField(await post({ displayName: 'Kim', password: PASSWORD }), 'username');
        expectInvalidField(await post({ displayName: 'Kim', username: username() }), 'password');
        expectInvalidField(
          await post({ displayName: 'Kim', username: 'No Spaces Allowed', password: PASSWORD }),
          'username',
        );
      });

      it('names the bad field when creating an invite', async () => {
        const post = (body: object) =>
          bff.http().post(`/v1/families/${owner.familyId}/invites`).auth(owner.accessToken, bearer).send(body);
        expectInvalidField(await post({}), 'role');
        expectInvalidField(await post({ role: 'OWNER' }), 'role');
        expectInvalidField(await post({ role: 'CHILD', ttlSeconds: 'soon' }), 'ttlSeconds');
        expectInvalidField(await post({ role: 'CHILD', ttlSeconds: 10 }), 'ttlSeconds');
        // Beyond 30 days, and beyond what the contract's int32 carries (it was a 500).
        expectInvalidField(await post({ role: 'CHILD', ttlSeconds: 30 * 24 * 3600 + 1 }), 'ttlSeconds');
        expectInvalidField(await post({ role: 'PARENT', ttlSeconds: Number.MAX_SAFE_INTEGER }), 'ttlSeconds');
      });

      it('names the bad field when patching a member', async () => {
        const patch = (body: object) =>
          bff
            .http()
            .patch(`/v1/families/${owner.familyId}/members/${owner.memberId}`)
            .auth(owner.accessToken, bearer)
            .send(body);
        expectInvalidField(await patch({ role: 'BOSS' }), 'role');
        expectInvalidField(await patch({ displayName: '' }), 'displayName');
        expectInvalidField(await patch({}), 'role');
      });
    });
  });
});
