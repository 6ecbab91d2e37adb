import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { Scopes } from '@family/service-kit';
import { bearer, email, PASSWORD, startTestAuth, type AuthHarness } from './auth.harness.js';

describe('AuthService UpdateMe', () => {
  let h: AuthHarness;
  before(async () => {
    h = await startTestAuth({ AUTH_SERVICE_CLIENTS: 'notification:notification-secret-1:auth:read' });
  });
  after(() => h.stop());

  const register = async () => {
    const r = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    return { userId: r.user!.id, auth: bearer(r.tokens!.accessToken) };
  };

  it('changes the display name, trimmed, and GetMe shows it', async () => {
    const { auth } = await register();
    const r = await h.client.updateMe({ displayName: '  Patricia  ' }, auth);
    expect(r.user?.displayName).to.equal('Patricia');
    expect((await h.client.getMe({}, auth)).user?.displayName).to.equal('Patricia');
  });

  it('stores a phone number in E.164 form without spaces, dashes and parentheses', async () => {
    const { auth } = await register();
    const r = await h.client.updateMe({ phone: '+49 (151) 234-567 89' }, auth);
    expect(r.user?.phone).to.equal('+4915123456789');
  });

  it('stores the canonical form of a locale', async () => {
    const { auth } = await register();
    expect((await h.client.updateMe({ locale: 'DE-de' }, auth)).user?.locale).to.equal('de-DE');
    expect((await h.client.updateMe({ locale: 'zh-hant-tw' }, auth)).user?.locale).to.equal('zh-Hant-TW');
  });

  it('leaves the fields it is not given as they are', async () => {
    const { auth } = await register();
    await h.client.updateMe({ displayName: 'Pat Smith', phone: '+441632960961', locale: 'en-GB' }, auth);
    const r = await h.client.updateMe({ locale: 'fr' }, auth);
    expect(r.user).to.include({ displayName: 'Pat Smith', phone: '+441632960961', locale: 'fr' });
    const nothing = await h.client.updateMe({}, auth);
    expect(nothing.user).to.include({ displayName: 'Pat Smith', phone: '+441632960961', locale: 'fr' });
  });

  it('clears the phone and the locale when given an empty string', async () => {
    const { auth } = await register();
    await h.client.updateMe({ phone: '+15555550100', locale: 'es-MX' }, auth);
    const r = await h.client.updateMe({ phone: '', locale: '' }, auth);
    expect(r.user).to.include({ displayName: 'Pat', phone: '', locale: '' });
    expect((await h.client.getMe({}, auth)).user).to.include({ phone: '', locale: '' });
  });

  it('names each invalid field and changes nothing', async () => {
    const { auth } = await register();
    await h.client.updateMe({ phone: '+15555550100', locale: 'en-US' }, auth);
    const cases: [Parameters<typeof h.client.updateMe>[0], string][] = [
      [{ displayName: '   ' }, 'displayName'],
      [{ displayName: 'x'.repeat(81) }, 'displayName'],
      [{ phone: '015123456789' }, 'phone'],
      [{ phone: '+0151234567' }, 'phone'],
      [{ phone: '+1234567' }, 'phone'],
      [{ phone: '+1234567890123456' }, 'phone'],
      [{ phone: '+49 151 CALL ME' }, 'phone'],
      [{ locale: 'en_US' }, 'locale'],
      [{ locale: 'not a locale' }, 'locale'],
      [{ locale: 'en-u-ca-gregory-nu-latn-co-phonebk-kf-upper' }, 'locale'],
    ];
    for (const [input, field] of cases) {
      const failure = await expectGrpcError(
        h.client.updateMe(input, auth),
        Status.INVALID_ARGUMENT,
        'VALIDATION_FAILED',
      );
      expect(
        failure.violations.map((v) => v.field),
        JSON.stringify(input),
      ).to.deep.equal([field]);
    }
    const all = await expectGrpcError(
      h.client.updateMe({ displayName: '', phone: '12', locale: '?' }, auth),
      Status.INVALID_ARGUMENT,
    );
    expect(all.violations.map((v) => v.field)).to.deep.equal(['displayName', 'phone', 'locale']);
    expect((await h.client.getMe({}, auth)).user).to.include({
      displayName: 'Pat',
      phone: '+15555550100',
      locale: 'en-US',
    });
  });

  it('lets a child change their own profile', async () => {
    const parent = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    const family = await h.client.createFamily(
      { name: 'Smiths', currency: 'EUR', timezone: 'Europe/Berlin' },
      bearer(parent.tokens!.accessToken),
    );
    const username = `kid${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    await h.client.createChild(
      { familyId: family.family!.id, displayName: 'Sam', username, password: 'sams secret pw' },
      bearer(family.accessToken),
    );
    const child = await h.client.login({ login: username, password: 'sams secret pw' });
    const r = await h.client.updateMe({ displayName: 'Sammy', locale: 'de' }, bearer(child.tokens!.accessToken));
    expect(r.user).to.include({ id: child.user!.id, username, displayName: 'Sammy', locale: 'de' });
  });

  it('needs a bearer token', async () => {
    await expectGrpcError(h.client.updateMe({ displayName: 'Nobody' }), Status.UNAUTHENTICATED, 'TOKEN_MISSING');
  });

  it('refuses a service token, which is not a user', async () => {
    const token = await h.client.issueServiceToken({
      clientId: 'notification',
      clientSecret: 'notification-secret-1',
      scopes: [],
    });
    await expectGrpcError(
      h.client.updateMe({ displayName: 'Robot' }, bearer(token.accessToken)),
      Status.PERMISSION_DENIED,
      'USER_TOKEN_REQUIRED',
    );
  });

  it('hands the new phone and locale to services reading users in batch', async () => {
    const { userId, auth } = await register();
    await h.client.updateMe({ phone: '+1 (555) 555-0199', locale: 'pt-br' }, auth);
    const token = await h.client.issueServiceToken({
      clientId: 'notification',
      clientSecret: 'notification-secret-1',
      scopes: [Scopes.AUTH_READ],
    });
    const { users } = await h.client.batchGetUsers({ userIds: [userId] }, bearer(token.accessToken));
    expect(users).to.have.length(1);
    expect(users[0]).to.include({ id: userId, phone: '+15555550199', locale: 'pt-BR' });
  });
});
