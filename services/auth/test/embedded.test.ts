// The local mode: every service shares one embedded PGlite database in one process. A transaction
// there holds the only connection, so any query issued outside the transaction while it is open
// would wait forever; this suite drives every write path on PGlite to prove none does.
import { expect } from 'chai';
import { Role } from '@family/contracts/common/v1/common';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { openSql, type SqlHandle } from '@family/db';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { authConfigSchema, startAuthService, type RunningAuthService } from '../src/index.js';
import { bearer, email, PASSWORD } from './auth.harness.js';
import { testCipherKeys } from '@family/testing';

describe('auth service on embedded PGlite', () => {
  let sql: SqlHandle;
  let service: RunningAuthService;
  let client: ReturnType<typeof createGrpcClient<typeof AuthServiceDefinition>>;

  before(async () => {
    sql = await openSql({});
    const config = authConfigSchema.parse({
      SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
      AUTH_GRPC_HOST: '127.0.0.1',
      AUTH_GRPC_PORT: '0',
    });
    service = await startAuthService({ config, sql, logger: silentLogger() });
    client = createGrpcClient(AuthServiceDefinition, service.address, { defaultDeadlineMs: 5000 });
  });
  after(async () => {
    await service.stop();
    await sql.close();
  });

  it('runs the whole family flow, with concurrent requests, without waiting on itself', async () => {
    const parents = await Promise.all(
      [1, 2, 3].map(() => client.register({ email: email(), password: PASSWORD, displayName: 'Pat' })),
    );
    const [pat, alex] = parents;
    const created = await client.createFamily(
      { name: 'Smiths', currency: 'EUR', timezone: 'Europe/Berlin' },
      bearer(pat!.tokens!.accessToken),
    );
    const familyId = created.family!.id;
    await Promise.all(
      ['ann', 'ben'].map((n) =>
        client.createChild(
          { familyId, displayName: n, username: `${n}${Date.now().toString(36)}`, password: 'kids secret pw' },
          bearer(created.accessToken),
        ),
      ),
    );
    const invite = await client.createInvite(
      { familyId, role: Role.ROLE_PARENT, ttlSeconds: 0 },
      bearer(created.accessToken),
    );
    const joined = await client.acceptInvite({ code: invite.invite!.code }, bearer(alex!.tokens!.accessToken));
    const members = await client.listMembers({ familyId }, bearer(joined.accessToken));
    expect(members.members.map((m) => m.role)).to.have.members([
      Role.ROLE_OWNER,
      Role.ROLE_CHILD,
      Role.ROLE_CHILD,
      Role.ROLE_PARENT,
    ]);

    const refreshed = await client.refresh({ refreshToken: pat!.tokens!.refreshToken });
    await client.updateMember(
      { familyId, memberId: joined.member!.id, displayName: 'Alexandra' },
      bearer(refreshed.tokens!.accessToken),
    );
    const changed = await client.changePassword(
      { currentPassword: PASSWORD, newPassword: 'another long passphrase' },
      bearer(refreshed.tokens!.accessToken),
    );
    await client.logoutAll({}, bearer(changed.tokens!.accessToken));
    const logins = await Promise.all(
      [1, 2, 3].map(() => client.login({ login: pat!.user!.email, password: 'another long passphrase' })),
    );
    expect(logins.every((l) => l.tokens!.accessToken.length > 0)).to.equal(true);
  });
});
