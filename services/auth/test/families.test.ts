import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { Status } from 'nice-grpc';
import { Role } from '@family/contracts/common/v1/common';
import { expectGrpcError } from '@family/testing';
import { bearer, email, PASSWORD, startTestAuth, type AuthHarness } from './auth.harness.js';

describe('AuthService families, members and invites', () => {
  let h: AuthHarness;
  before(async () => {
    h = await startTestAuth({
      AUTH_SERVICE_CLIENTS: 'notification:ntf-secret-1:auth:read,relay:relay-secret-1:events:write',
    });
  });
  after(() => h.stop());

  /** A parent with a family, plus their child logged in. */
  async function household(name = 'Smiths') {
    const mail = email();
    const parent = await h.client.register({ email: mail, password: PASSWORD, displayName: 'Pat' });
    const created = await h.client.createFamily(
      { name, currency: 'EUR', timezone: 'Europe/Berlin' },
      bearer(parent.tokens!.accessToken),
    );
    const familyId = created.family!.id;
    const username = `kid${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    const child = await h.client.createChild(
      { familyId, displayName: 'Sam', username, password: 'sams secret pw' },
      bearer(created.accessToken),
    );
    const childLogin = await h.client.login({ login: username, password: 'sams secret pw' });
    return {
      mail,
      familyId,
      parentToken: created.accessToken,
      parentUser: parent.user!,
      child: child.member!,
      childToken: childLogin.tokens!.accessToken,
      username,
    };
  }

  it('creates a family owned by its creator, with a token that carries the membership', async () => {
    const parent = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    const created = await h.client.createFamily(
      { name: ' Smiths ', currency: 'EUR', timezone: 'Europe/Berlin' },
      bearer(parent.tokens!.accessToken),
    );
    expect(created.family).to.include({
      name: 'Smiths',
      currency: 'EUR',
      timezone: 'Europe/Berlin',
      ownerUserId: parent.user!.id,
    });
    expect(created.member?.role).to.equal(Role.ROLE_OWNER);
    const claims = decodeJwt(created.accessToken) as { fam: Record<string, [string, string]> };
    expect(claims.fam[created.family!.id]).to.deep.equal([created.member!.id, 'OWNER']);
    const me = await h.client.getMe({}, bearer(created.accessToken));
    expect(me.memberships.map((m) => m.family?.id)).to.deep.equal([created.family!.id]);
  });

  it('names every invalid family field', async () => {
    const parent = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    const failure = await expectGrpcError(
      h.client.createFamily(
        { name: '', currency: 'XXXX', timezone: 'Nowhere/City' },
        bearer(parent.tokens!.accessToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['name', 'currency', 'timezone']);
  });

  it('lets a parent add a child who then logs in by username and lists the members', async () => {
    const f = await household();
    expect(f.child.role).to.equal(Role.ROLE_CHILD);
    expect(f.child.username).to.equal(f.username);
    const members = await h.client.listMembers({ familyId: f.familyId }, bearer(f.childToken));
    expect(members.members.map((m) => m.role)).to.deep.equal([Role.ROLE_OWNER, Role.ROLE_CHILD]);
    const family = await h.client.getFamily({ familyId: f.familyId }, bearer(f.childToken));
    expect(family.family?.name).to.equal('Smiths');
  });

  it('refuses a child adding a child', async () => {
    const f = await household();
    await expectGrpcError(
      h.client.createChild(
        { familyId: f.familyId, displayName: 'X', username: 'sneaky_kid', password: 'long enough pw' },
        bearer(f.childToken),
      ),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
  });

  it('refuses a taken username and names bad child fields', async () => {
    const f = await household();
    await expectGrpcError(
      h.client.createChild(
        { familyId: f.familyId, displayName: 'Twin', username: f.username, password: 'long enough pw' },
        bearer(f.parentToken),
      ),
      Status.ALREADY_EXISTS,
      'USERNAME_TAKEN',
    );
    const failure = await expectGrpcError(
      h.client.createChild(
        { familyId: f.familyId, displayName: '', username: 'a', password: 'x' },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['displayName', 'username', 'password']);
  });

  it("answers NOT_FOUND for another family's data, never PERMISSION_DENIED", async () => {
    const a = await household('A');
    const b = await household('B');
    await expectGrpcError(h.client.getFamily({ familyId: b.familyId }, bearer(a.parentToken)), Status.NOT_FOUND);
    await expectGrpcError(h.client.listMembers({ familyId: b.familyId }, bearer(a.parentToken)), Status.NOT_FOUND);
    await expectGrpcError(
      h.client.removeMember({ familyId: b.familyId, memberId: b.child.id }, bearer(a.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.removeMember({ familyId: a.familyId, memberId: b.child.id }, bearer(a.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.getFamily({ familyId: 'not-a-uuid' }, bearer(a.parentToken)),
      Status.INVALID_ARGUMENT,
    );
  });

  it('lists the members of several families for a service with auth:read, and only for it', async () => {
    const a = await household('A');
    const b = await household('B');
    const service = async (clientId: string, clientSecret: string) =>
      (await h.client.issueServiceToken({ clientId, clientSecret, scopes: [] })).accessToken;
    const token = await service('notification', 'ntf-secret-1');
    const unknown = '0190a1b2-c3d4-7e5f-a000-00000000dead';
    const { members } = await h.client.batchGetFamilyMembers(
      { familyIds: [a.familyId, b.familyId, a.familyId, unknown] },
      bearer(token),
    );
    expect(members).to.have.length(4);
    const ofA = members.filter((m) => m.familyId === a.familyId);
    expect(ofA.map((m) => [m.userId, m.role, m.displayName])).to.deep.equal([
      [a.parentUser.id, Role.ROLE_OWNER, 'Pat'],
      [a.child.userId, Role.ROLE_CHILD, 'Sam'],
    ]);
    expect(ofA[1]!.id).to.equal(a.child.id);

    await expectGrpcError(
      h.client.batchGetFamilyMembers({ familyIds: [a.familyId] }, bearer(await service('relay', 'relay-secret-1'))),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.batchGetFamilyMembers({ familyIds: [a.familyId] }, bearer(a.parentToken)),
      Status.PERMISSION_DENIED,
    );
    const bad = await expectGrpcError(
      h.client.batchGetFamilyMembers({ familyIds: [a.familyId, 'nope'] }, bearer(token)),
      Status.INVALID_ARGUMENT,
    );
    expect(bad.violations.map((v) => v.field)).to.deep.equal(['familyIds.1']);
    const many = await expectGrpcError(
      h.client.batchGetFamilyMembers({ familyIds: Array.from({ length: 101 }, () => a.familyId) }, bearer(token)),
      Status.INVALID_ARGUMENT,
    );
    expect(many.violations.map((v) => v.field)).to.deep.equal(['familyIds']);
  });

  it('pages through members with a cursor', async () => {
    const f = await household();
    const first = await h.client.listMembers(
      { familyId: f.familyId, page: { limit: 1, cursor: '' } },
      bearer(f.parentToken),
    );
    expect(first.members).to.have.length(1);
    expect(first.page?.nextCursor).to.not.equal('');
    const second = await h.client.listMembers(
      { familyId: f.familyId, page: { limit: 1, cursor: first.page!.nextCursor } },
      bearer(f.parentToken),
    );
    expect(second.members[0]?.id).to.equal(f.child.id);
    expect(second.page?.nextCursor).to.equal('');
    await expectGrpcError(
      h.client.listMembers({ familyId: f.familyId, page: { limit: 1, cursor: 'garbage' } }, bearer(f.parentToken)),
      Status.INVALID_ARGUMENT,
    );
  });

  it('changes roles and names, but never demotes or removes the owner', async () => {
    const f = await household();
    const promoted = await h.client.updateMember(
      { familyId: f.familyId, memberId: f.child.id, role: Role.ROLE_PARENT },
      bearer(f.parentToken),
    );
    expect(promoted.member?.role).to.equal(Role.ROLE_PARENT);
    const renamed = await h.client.updateMember(
      { familyId: f.familyId, memberId: f.child.id, displayName: 'Samantha' },
      bearer(f.parentToken),
    );
    expect(renamed.member?.displayName).to.equal('Samantha');
    const owner = (await h.client.listMembers({ familyId: f.familyId }, bearer(f.parentToken))).members[0]!;
    // The promoted member is a parent now (checked live), yet cannot demote or remove the owner.
    await expectGrpcError(
      h.client.updateMember({ familyId: f.familyId, memberId: owner.id, role: Role.ROLE_CHILD }, bearer(f.childToken)),
      Status.PERMISSION_DENIED,
      'OWNER_PROTECTED',
    );
    await expectGrpcError(
      h.client.removeMember({ familyId: f.familyId, memberId: owner.id }, bearer(f.childToken)),
      Status.PERMISSION_DENIED,
      'OWNER_PROTECTED',
    );
    await expectGrpcError(
      h.client.updateMember(
        { familyId: f.familyId, memberId: f.child.id, role: Role.ROLE_OWNER },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
  });

  it('refuses a child changing roles', async () => {
    const f = await household();
    await expectGrpcError(
      h.client.updateMember(
        { familyId: f.familyId, memberId: f.child.id, role: Role.ROLE_PARENT },
        bearer(f.childToken),
      ),
      Status.PERMISSION_DENIED,
    );
  });

  it('removes a member, who then no longer sees the family', async () => {
    const f = await household();
    await h.client.removeMember({ familyId: f.familyId, memberId: f.child.id }, bearer(f.parentToken));
    await expectGrpcError(h.client.getFamily({ familyId: f.familyId }, bearer(f.childToken)), Status.NOT_FOUND);
    const members = await h.client.listMembers({ familyId: f.familyId }, bearer(f.parentToken));
    expect(members.members).to.have.length(1);
  });

  describe('invites', () => {
    it('lets a parent invite another parent with a single-use code', async () => {
      const f = await household();
      const invite = await h.client.createInvite(
        { familyId: f.familyId, role: Role.ROLE_PARENT, ttlSeconds: 0 },
        bearer(f.parentToken),
      );
      expect(invite.invite?.code).to.match(/^[0-9A-Z]{12}$/);
      expect(invite.invite!.expiresAt!.getTime()).to.be.closeTo(Date.now() + 7 * 86400_000, 60_000);
      const other = await h.client.register({ email: email('coparent'), password: PASSWORD, displayName: 'Alex' });
      const accepted = await h.client.acceptInvite(
        { code: invite.invite!.code.toLowerCase() },
        bearer(other.tokens!.accessToken),
      );
      expect(accepted.member?.role).to.equal(Role.ROLE_PARENT);
      expect(accepted.family?.id).to.equal(f.familyId);
      const claims = decodeJwt(accepted.accessToken) as { fam: Record<string, [string, string]> };
      expect(claims.fam[f.familyId]?.[1]).to.equal('PARENT');
      const third = await h.client.register({ email: email('third'), password: PASSWORD, displayName: 'Lee' });
      await expectGrpcError(
        h.client.acceptInvite({ code: invite.invite!.code }, bearer(third.tokens!.accessToken)),
        Status.FAILED_PRECONDITION,
        'INVITE_USED',
      );
    });

    it('lets a user belong to several families', async () => {
      const f = await household('First');
      const g = await household('Second');
      const invite = await h.client.createInvite(
        { familyId: g.familyId, role: Role.ROLE_PARENT, ttlSeconds: 0 },
        bearer(g.parentToken),
      );
      const login = await h.client.login({ login: f.mail, password: PASSWORD });
      await h.client.acceptInvite({ code: invite.invite!.code }, bearer(login.tokens!.accessToken));
      const me = await h.client.getMe({}, bearer(login.tokens!.accessToken));
      expect(me.memberships.map((m) => m.family?.name).sort()).to.deep.equal(['First', 'Second']);
    });

    it('refuses unknown codes, owner invites, children inviting and members joining twice', async () => {
      const f = await household();
      await expectGrpcError(h.client.acceptInvite({ code: 'ZZZZZZZZZZZZ' }, bearer(f.childToken)), Status.NOT_FOUND);
      await expectGrpcError(
        h.client.createInvite({ familyId: f.familyId, role: Role.ROLE_OWNER, ttlSeconds: 0 }, bearer(f.parentToken)),
        Status.INVALID_ARGUMENT,
      );
      await expectGrpcError(
        h.client.createInvite(
          { familyId: f.familyId, role: Role.ROLE_UNSPECIFIED, ttlSeconds: 0 },
          bearer(f.parentToken),
        ),
        Status.INVALID_ARGUMENT,
      );
      await expectGrpcError(
        h.client.createInvite({ familyId: f.familyId, role: Role.ROLE_CHILD, ttlSeconds: 0 }, bearer(f.childToken)),
        Status.PERMISSION_DENIED,
      );
      const invite = await h.client.createInvite(
        { familyId: f.familyId, role: Role.ROLE_CHILD, ttlSeconds: 0 },
        bearer(f.parentToken),
      );
      await expectGrpcError(
        h.client.acceptInvite({ code: invite.invite!.code }, bearer(f.childToken)),
        Status.ALREADY_EXISTS,
        'ALREADY_MEMBER',
      );
    });

    it('refuses an expired code', async () => {
      const f = await household();
      const invite = await h.client.createInvite(
        { familyId: f.familyId, role: Role.ROLE_CHILD, ttlSeconds: 300 },
        bearer(f.parentToken),
      );
      if (h.sql.kind === 'pg')
        await h.sql.pool.query(`update ${h.schema}.invites set expires_at = now() - interval '1 second'`);
      const other = await h.client.register({ email: email('late'), password: PASSWORD, displayName: 'Late' });
      await expectGrpcError(
        h.client.acceptInvite({ code: invite.invite!.code }, bearer(other.tokens!.accessToken)),
        Status.FAILED_PRECONDITION,
        'INVITE_EXPIRED',
      );
    });
  });
});
