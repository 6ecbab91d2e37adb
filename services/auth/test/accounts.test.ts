import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { PasswordHasher } from '../src/app/password.hasher.js';
import { bearer, email, PASSWORD, startTestAuth, type AuthHarness } from './auth.harness.js';

describe('AuthService accounts and sessions', () => {
  let h: AuthHarness;
  before(async () => {
    h = await startTestAuth({ LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: '3', LOGIN_MAX_FAILURES_PER_ACCOUNT: '6' });
  });
  after(() => h.stop());

  const register = (address = '10.0.0.1') => {
    const mail = email();
    return h.client
      .register({ email: mail, password: PASSWORD, displayName: 'Pat', client: { address, userAgent: 'test' } })
      .then((r) => ({ ...r, mail }));
  };

  describe('Register', () => {
    it('creates an account and returns a token pair', async () => {
      const r = await register();
      expect(r.user?.email).to.equal(r.mail);
      expect(r.tokens?.tokenType).to.equal('Bearer');
      expect(r.tokens?.expiresIn).to.equal(600);
      expect(r.tokens?.refreshToken).to.have.length.greaterThan(30);
    });

    it('refuses a second account with the same email, in any letter case', async () => {
      const r = await register();
      await expectGrpcError(
        h.client.register({ email: r.mail.toUpperCase(), password: PASSWORD, displayName: 'Twin' }),
        Status.ALREADY_EXISTS,
        'EMAIL_TAKEN',
      );
    });

    it('names every invalid field', async () => {
      const failure = await expectGrpcError(
        h.client.register({ email: 'nope', password: 'short', displayName: '' }),
        Status.INVALID_ARGUMENT,
        'VALIDATION_FAILED',
      );
      expect(failure.violations.map((v) => v.field)).to.deep.equal(['email', 'password', 'displayName']);
    });
  });

  describe('Login', () => {
    it('logs in by email', async () => {
      const r = await register();
      const login = await h.client.login({
        login: r.mail,
        password: PASSWORD,
        client: { address: '10.0.0.1', userAgent: '' },
      });
      expect(login.user?.id).to.equal(r.user?.id);
      expect(login.tokens?.accessToken).to.be.a('string');
    });

    it('refuses a wrong password and an unknown login alike', async () => {
      const r = await register();
      await expectGrpcError(
        h.client.login({ login: r.mail, password: 'wrong password!' }),
        Status.UNAUTHENTICATED,
        'INVALID_CREDENTIALS',
      );
      await expectGrpcError(
        h.client.login({ login: 'nobody@example.test', password: PASSWORD }),
        Status.UNAUTHENTICATED,
        'INVALID_CREDENTIALS',
      );
    });

    it('requires login and password', async () => {
      const failure = await expectGrpcError(h.client.login({ login: '', password: '' }), Status.INVALID_ARGUMENT);
      expect(failure.violations.map((v) => v.field)).to.deep.equal(['login', 'password']);
    });

    it('throttles an address guessing a password without locking the owner out elsewhere', async () => {
      const r = await register('10.9.9.9');
      const attacker = { address: '203.0.113.7', userAgent: 'bot' };
      for (let i = 0; i < 3; i++) {
        await expectGrpcError(
          h.client.login({ login: r.mail, password: `guess number ${i}`, client: attacker }),
          Status.UNAUTHENTICATED,
        );
      }
      const throttled = await expectGrpcError(
        h.client.login({ login: r.mail, password: PASSWORD, client: attacker }),
        Status.RESOURCE_EXHAUSTED,
        'TOO_MANY_ATTEMPTS',
      );
      expect(throttled.retryAfterSeconds).to.be.greaterThan(0);
      const owner = await h.client.login({
        login: r.mail,
        password: PASSWORD,
        client: { address: '198.51.100.1', userAgent: 'phone' },
      });
      expect(owner.user?.id).to.equal(r.user?.id);
    });

    it('under a distributed attack, refuses new addresses but admits addresses that signed in before', async () => {
      const r = await register();
      const home = { address: '192.0.2.10', userAgent: 'laptop' };
      await h.client.login({ login: r.mail, password: PASSWORD, client: home });
      for (let i = 0; i < 6; i++) {
        await expectGrpcError(
          h.client.login({
            login: r.mail,
            password: 'wrong guess!!',
            client: { address: `203.0.113.${100 + i}`, userAgent: '' },
          }),
          Status.UNAUTHENTICATED,
        );
      }
      await expectGrpcError(
        h.client.login({ login: r.mail, password: PASSWORD, client: { address: '203.0.113.250', userAgent: '' } }),
        Status.RESOURCE_EXHAUSTED,
        'ACCOUNT_PROTECTED',
      );
      const again = await h.client.login({ login: r.mail, password: PASSWORD, client: home });
      expect(again.user?.id).to.equal(r.user?.id);
    });
  });

  describe('Refresh', () => {
    it('rotates the refresh token on every use', async () => {
      const r = await register();
      const first = await h.client.refresh({ refreshToken: r.tokens!.refreshToken });
      expect(first.tokens?.refreshToken).to.not.equal(r.tokens!.refreshToken);
      const second = await h.client.refresh({ refreshToken: first.tokens!.refreshToken });
      expect(second.tokens?.accessToken).to.be.a('string');
    });

    it('treats a reused refresh token as theft and ends the whole chain', async () => {
      const r = await register();
      const rotated = await h.client.refresh({ refreshToken: r.tokens!.refreshToken });
      await expectGrpcError(
        h.client.refresh({ refreshToken: r.tokens!.refreshToken }),
        Status.UNAUTHENTICATED,
        'REFRESH_TOKEN_REUSED',
      );
      await expectGrpcError(
        h.client.refresh({ refreshToken: rotated.tokens!.refreshToken }),
        Status.UNAUTHENTICATED,
        'SESSION_REVOKED',
      );
      await expectGrpcError(
        h.client.getMe({}, bearer(rotated.tokens!.accessToken)),
        Status.UNAUTHENTICATED,
        'SESSION_REVOKED',
      );
    });

    it('lets only one of two simultaneous uses of a token win, and ends the chain', async () => {
      const r = await register();
      const results = await Promise.allSettled(
        [1, 2].map(() => h.client.refresh({ refreshToken: r.tokens!.refreshToken })),
      );
      expect(results.filter((x) => x.status === 'fulfilled')).to.have.length.at.most(1);
      expect(results.filter((x) => x.status === 'rejected')).to.have.length.at.least(1);
    });

    it('refuses an unknown token', async () => {
      await expectGrpcError(
        h.client.refresh({ refreshToken: 'made-up' }),
        Status.UNAUTHENTICATED,
        'INVALID_REFRESH_TOKEN',
      );
      await expectGrpcError(h.client.refresh({ refreshToken: '' }), Status.INVALID_ARGUMENT);
    });
  });

  describe('Logout, LogoutAll and ChangePassword', () => {
    it('ends the session of the given refresh token', async () => {
      const r = await register();
      await h.client.logout({ refreshToken: r.tokens!.refreshToken });
      await expectGrpcError(
        h.client.refresh({ refreshToken: r.tokens!.refreshToken }),
        Status.UNAUTHENTICATED,
        'SESSION_REVOKED',
      );
    });

    it('logout everywhere ends every session of the user', async () => {
      const r = await register();
      const other = await h.client.login({ login: r.mail, password: PASSWORD });
      await h.client.logoutAll({}, bearer(r.tokens!.accessToken));
      await expectGrpcError(
        h.client.refresh({ refreshToken: r.tokens!.refreshToken }),
        Status.UNAUTHENTICATED,
        'SESSION_REVOKED',
      );
      await expectGrpcError(
        h.client.refresh({ refreshToken: other.tokens!.refreshToken }),
        Status.UNAUTHENTICATED,
        'SESSION_REVOKED',
      );
    });

    it('changing the password ends every session and starts a new one', async () => {
      const r = await register();
      const changed = await h.client.changePassword(
        { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
        bearer(r.tokens!.accessToken),
      );
      await expectGrpcError(
        h.client.refresh({ refreshToken: r.tokens!.refreshToken }),
        Status.UNAUTHENTICATED,
        'SESSION_REVOKED',
      );
      const me = await h.client.getMe({}, bearer(changed.tokens!.accessToken));
      expect(me.user?.email).to.equal(r.mail);
      await expectGrpcError(h.client.login({ login: r.mail, password: PASSWORD }), Status.UNAUTHENTICATED);
      await h.client.login({ login: r.mail, password: 'a brand new passphrase' });
    });

    it('refuses a wrong current password and a weak new one', async () => {
      const r = await register();
      const wrong = await expectGrpcError(
        h.client.changePassword(
          { currentPassword: 'not my password', newPassword: 'another good passphrase' },
          bearer(r.tokens!.accessToken),
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(wrong.violations[0]?.field).to.equal('currentPassword');
      const weak = await expectGrpcError(
        h.client.changePassword({ currentPassword: PASSWORD, newPassword: 'short' }, bearer(r.tokens!.accessToken)),
        Status.INVALID_ARGUMENT,
      );
      expect(weak.violations[0]?.field).to.equal('newPassword');
    });

    it('needs a bearer token for GetMe', async () => {
      await expectGrpcError(h.client.getMe({}), Status.UNAUTHENTICATED, 'TOKEN_MISSING');
    });
  });
});

describe('password hashing', () => {
  it('bounds concurrent hashes and refuses work beyond the queue', async () => {
    const hasher = new PasswordHasher(1, 1);
    const results = await Promise.allSettled([
      hasher.hash('password one!'),
      hasher.hash('password two!'),
      hasher.hash('password three'),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled', 'rejected']);
    const hash = (results[0] as PromiseFulfilledResult<string>).value;
    expect(hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'password one!')).to.equal(true);
  });
});
