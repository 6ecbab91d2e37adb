import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { forgedTokens, signWith } from '@family/testing';
import {
  email,
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  PASSWORD,
  register,
  signingKey,
  startTestAuth,
  startTestBff,
  type AuthStack,
  type TestBff,
} from './bff.harness.js';

const GOOGLE_CLIENT_ID = 'bff-test-client.apps.googleusercontent.com';

/** A stand-in for Google's JWKS endpoint, and ID tokens signed with its key. */
async function fakeGoogle() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'google-test-key', alg: 'ES256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    jwksUrl: `http://127.0.0.1:${port}/certs`,
    idToken: (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'google-test-key' })
        .setIssuer('https://accounts.google.com')
        .setAudience(GOOGLE_CLIENT_ID)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('BFF auth routes', () => {
  let google: Awaited<ReturnType<typeof fakeGoogle>>;
  let auth: AuthStack;
  let bff: TestBff;

  before(async () => {
    google = await fakeGoogle();
    auth = await startTestAuth({ GOOGLE_JWKS_URL: google.jwksUrl, GOOGLE_CLIENT_IDS: GOOGLE_CLIENT_ID });
    bff = await startTestBff(auth);
  });
  after(async () => {
    await bff?.stop();
    await auth?.stop();
    await google?.close();
  });

  describe('POST /v1/auth/register', () => {
    it('creates an account and answers 201 with the user and a token pair', async () => {
      const address = email();
      const r = await bff
        .http()
        .post('/v1/auth/register')
        .send({ email: address, password: PASSWORD, displayName: 'Pat' });
      expect(r.status).to.equal(201);
      expect(r.body.user).to.include({ email: address, displayName: 'Pat', emailVerified: false });
      expect(r.body.user.id).to.be.a('string');
      expect(r.body.user).not.to.have.property('username');
      expect(r.body.tokens).to.include({ tokenType: 'Bearer' });
      expect(r.body.tokens.accessToken).to.be.a('string');
      expect(r.body.tokens.refreshToken).to.be.a('string');
      expect(r.body.tokens.expiresIn).to.be.greaterThan(0);
    });

    it('names each missing or malformed field in a 400', async () => {
      expectInvalidField(
        await bff.http().post('/v1/auth/register').send({ password: PASSWORD, displayName: 'Pat' }),
        'email',
      );
      expectInvalidField(
        await bff
          .http()
          .post('/v1/auth/register')
          .send({ email: 'not-an-email', password: PASSWORD, displayName: 'Pat' }),
        'email',
      );
      expectInvalidField(
        await bff.http().post('/v1/auth/register').send({ email: email(), displayName: 'Pat' }),
        'password',
      );
      expectInvalidField(
        await bff.http().post('/v1/auth/register').send({ email: email(), password: PASSWORD }),
        'displayName',
      );
      expectInvalidField(
        await bff.http().post('/v1/auth/register').send({ email: email(), password: PASSWORD, displayName: 42 }),
        'displayName',
      );
    });

    it("passes on the auth service's own field violations (a too-short password)", async () => {
      const r = await bff
        .http()
        .post('/v1/auth/register')
        .send({ email: email(), password: 'short', displayName: 'Pat' });
      expectInvalidField(r, 'password');
    });

    it('answers 409 with a stable code for an email that is taken', async () => {
      const first = await register(bff);
      const r = await bff
        .http()
        .post('/v1/auth/register')
        .send({ email: first.email, password: PASSWORD, displayName: 'Pat' });
      const problem = expectProblem(r, 409);
      expect(problem.code).to.match(/^[A-Z_]+$/);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const r = await bff.http().post('/v1/auth/register').set('content-type', 'application/json').send('{"email":');
      expectProblem(r, 400, 'MALFORMED_JSON');
    });
  });

  describe('POST /v1/auth/login', () => {
    it('logs in by email and answers 200 with the user and tokens', async () => {
      const account = await register(bff);
      const r = await bff.http().post('/v1/auth/login').send({ login: account.email, password: PASSWORD });
      expect(r.status).to.equal(200);
      expect(r.body.user).to.include({ id: account.userId, email: account.email });
      expect(r.body.tokens.tokenType).to.equal('Bearer');
    });

    it('refuses a wrong password with 401 and WWW-Authenticate', async () => {
      const account = await register(bff);
      const r = await bff.http().post('/v1/auth/login').send({ login: account.email, password: 'wrong password!' });
      expectProblem(r, 401, 'INVALID_CREDENTIALS');
      expect(r.headers['www-authenticate']).to.match(/^Bearer/);
    });

    it('names the missing field in a 400', async () => {
      expectInvalidField(await bff.http().post('/v1/auth/login').send({ password: PASSWORD }), 'login');
      expectInvalidField(await bff.http().post('/v1/auth/login').send({ login: email() }), 'password');
      expectInvalidField(await bff.http().post('/v1/auth/login').send({ login: '', password: PASSWORD }), 'login');
    });
  });

  describe('POST /v1/auth/refresh', () => {
    it('rotates the refresh token, and reusing an old one ends the whole chain', async () => {
      const account = await register(bff);
      const first = await bff.http().post('/v1/auth/refresh').send({ refreshToken: account.refreshToken });
      expect(first.status).to.equal(200);
      expect(first.body.tokens.refreshToken).to.be.a('string').and.not.equal(account.refreshToken);
      const newer = first.body.tokens.refreshToken as string;

      const reused = await bff.http().post('/v1/auth/refresh').send({ refreshToken: account.refreshToken });
      expectProblem(reused, 401, 'REFRESH_TOKEN_REUSED');

      // The token issued by the rotation belongs to the same chain, so it stops working too.
      const afterReuse = await bff.http().post('/v1/auth/refresh').send({ refreshToken: newer });
      expectProblem(afterReuse, 401);
    });

    it('names refreshToken when it is missing', async () => {
      expectInvalidField(await bff.http().post('/v1/auth/refresh').send({}), 'refreshToken');
    });
  });

  describe('POST /v1/auth/logout and /logout-all', () => {
    it('ends the session of the refresh token with 204', async () => {
      const account = await register(bff);
      const r = await bff.http().post('/v1/auth/logout').send({ refreshToken: account.refreshToken });
      expect(r.status).to.equal(204);
      expect(r.text).to.equal('');
      expectProblem(await bff.http().post('/v1/auth/refresh').send({ refreshToken: account.refreshToken }), 401);
    });

    it("ends every one of the caller's sessions with 204", async () => {
      const account = await register(bff);
      const other = await bff.http().post('/v1/auth/login').send({ login: account.email, password: PASSWORD });
      const r = await bff.http().post('/v1/auth/logout-all').auth(account.accessToken, { type: 'bearer' });
      expect(r.status).to.equal(204);
      expectProblem(
        await bff.http().post('/v1/auth/refresh').send({ refreshToken: other.body.tokens.refreshToken }),
        401,
      );
      expectProblem(await bff.http().post('/v1/auth/refresh').send({ refreshToken: account.refreshToken }), 401);
    });

    it('refuses /logout-all without a token', async () => {
      const r = await bff.http().post('/v1/auth/logout-all');
      expectProblem(r, 401, 'TOKEN_MISSING');
    });
  });

  describe('POST /v1/auth/password', () => {
    it('changes the password and answers with the tokens of a new session', async () => {
      const account = await register(bff);
      const newPassword = 'a brand new passphrase';
      const r = await bff
        .http()
        .post('/v1/auth/password')
        .auth(account.accessToken, { type: 'bearer' })
        .send({ currentPassword: PASSWORD, newPassword });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.tokens.accessToken).to.be.a('string');
      expect(
        (await bff.http().post('/v1/auth/login').send({ login: account.email, password: newPassword })).status,
      ).to.equal(200);
      expectProblem(await bff.http().post('/v1/auth/login').send({ login: account.email, password: PASSWORD }), 401);
    });

    it('names newPassword when it is missing', async () => {
      const account = await register(bff);
      const r = await bff
        .http()
        .post('/v1/auth/password')
        .auth(account.accessToken, { type: 'bearer' })
        .send({ currentPassword: PASSWORD });
      expectInvalidField(r, 'newPassword');
    });
  });

  describe('POST /v1/auth/social/:provider', () => {
    it('signs up with a Google ID token (created: true), then logs in with it (created: false)', async () => {
      const address = email('social');
      const idToken = await google.idToken({
        sub: `g-${address}`,
        email: address,
        email_verified: true,
        name: 'Sam Social',
      });
      const first = await bff.http().post('/v1/auth/social/google').send({ idToken });
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body.created).to.equal(true);
      expect(first.body.user).to.include({ email: address, displayName: 'Sam Social', emailVerified: true });
      expect(first.body.tokens.tokenType).to.equal('Bearer');

      const again = await bff.http().post('/v1/auth/social/google').send({ idToken });
      expect(again.status).to.equal(200);
      expect(again.body.created).to.equal(false);
      expect(again.body.user.id).to.equal(first.body.user.id);
    });

    it('refuses an ID token not signed by the provider with 401', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const idToken = await new SignJWT({ sub: 'x', email: email() })
        .setProtectedHeader({ alg: 'ES256', kid: 'google-test-key' })
        .setIssuer('https://accounts.google.com')
        .setAudience(GOOGLE_CLIENT_ID)
        .setExpirationTime('5m')
        .sign(privateKey);
      expectProblem(await bff.http().post('/v1/auth/social/google').send({ idToken }), 401);
    });

    it('names the provider when it is not google or apple, and idToken when it is missing', async () => {
      expectInvalidField(await bff.http().post('/v1/auth/social/facebook').send({ idToken: 'x' }), 'provider');
      expectInvalidField(await bff.http().post('/v1/auth/social/apple').send({}), 'idToken');
    });
  });

  describe('GET /v1/me', () => {
    it('answers with the caller and their memberships', async () => {
      const owner = await familyWithOwner(bff, 'Me Family');
      const r = await bff.http().get('/v1/me').auth(owner.accessToken, { type: 'bearer' });
      expect(r.status).to.equal(200);
      expect(r.body.user).to.include({ id: owner.userId, email: owner.email });
      expect(r.body.memberships).to.have.length(1);
      expect(r.body.memberships[0].family).to.deep.equal({
        id: owner.familyId,
        name: 'Me Family',
        currency: 'EUR',
        timezone: 'Europe/Berlin',
      });
      expect(r.body.memberships[0].member).to.include({ id: owner.memberId, userId: owner.userId, role: 'OWNER' });
    });

    it('refuses a request without a token with 401 and WWW-Authenticate: Bearer', async () => {
      const r = await bff.http().get('/v1/me');
      expectProblem(r, 401, 'TOKEN_MISSING');
      expect(r.headers['www-authenticate']).to.equal('Bearer');
    });

    it('refuses a garbage token and a non-Bearer scheme with 401', async () => {
      const garbage = await bff.http().get('/v1/me').set('authorization', 'Bearer not.a.jwt');
      expectProblem(garbage, 401, 'INVALID_TOKEN');
      expect(garbage.headers['www-authenticate']).to.match(/^Bearer error="invalid_token"/);
      expectProblem(await bff.http().get('/v1/me').set('authorization', 'Basic dXNlcjpwYXNz'), 401, 'INVALID_TOKEN');
    });

    it('refuses forged tokens: alg none, HS256 keyed with the public key, unknown kid, expired, wrong audience', async () => {
      const account = await register(bff);
      const jwks = await bff.http().get('/.well-known/jwks.json');
      const publicJwk = jwks.body.keys[0] as JWK;
      const genuine = JSON.parse(Buffer.from(account.accessToken.split('.')[1]!, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = await forgedTokens({
        claims: genuine,
        publicJwk,
        issuer: bff.config.JWT_ISSUER,
        audience: bff.config.JWT_AUDIENCE,
      });
      const privateJwk = await signingKey(auth, publicJwk.kid!);

      // Control: the same claims re-signed with the real key are accepted, so the refusals below
      // are about what was changed and not about how the tokens were built.
      const now = Math.floor(Date.now() / 1000);
      const control = await signWith(privateJwk, publicJwk.kid!, { ...genuine, iat: now, exp: now + 300 });
      expect((await bff.http().get('/v1/me').auth(control, { type: 'bearer' })).status).to.equal(200);

      const refused: Record<string, string> = {
        algNone: forged.algNone,
        hs256WithPublicKey: forged.hs256WithPublicKey,
        unknownKey: forged.unknownKey,
        expired: await signWith(privateJwk, publicJwk.kid!, forged.expired.claims),
        wrongAudience: await signWith(privateJwk, publicJwk.kid!, forged.wrongAudience.claims),
      };
      for (const [name, token] of Object.entries(refused)) {
        const r = await bff.http().get('/v1/me').auth(token, { type: 'bearer' });
        expect(r.status, `${name}: ${JSON.stringify(r.body)}`).to.equal(401);
        expect(r.body.code, name).to.equal(name === 'expired' ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN');
      }
    });
  });

  describe('PATCH /v1/me', () => {
    it('changes the display name, phone and locale, answers with the user, and GET /v1/me shows them', async () => {
      const account = await register(bff);
      const r = await bff
        .http()
        .patch('/v1/me')
        .auth(account.accessToken, { type: 'bearer' })
        .send({ displayName: 'Patricia', phone: '+49 151 2345 6789', locale: 'de-de' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body).to.deep.equal({
        id: account.userId,
        email: account.email,
        displayName: 'Patricia',
        emailVerified: false,
        phone: '+4915123456789',
        locale: 'de-DE',
      });
      const me = await bff.http().get('/v1/me').auth(account.accessToken, { type: 'bearer' });
      expect(me.body.user).to.include({ displayName: 'Patricia', phone: '+4915123456789', locale: 'de-DE' });
    });

    it('leaves fields that are not sent, and removes phone and locale given as "" or null', async () => {
      const account = await register(bff);
      const patch = (body: object) =>
        bff.http().patch('/v1/me').auth(account.accessToken, { type: 'bearer' }).send(body);
      await patch({ phone: '+15555550100', locale: 'en-US' });
      const renamed = await patch({ displayName: 'Pat S.' });
      expect(renamed.body).to.include({ displayName: 'Pat S.', phone: '+15555550100', locale: 'en-US' });
      const cleared = await patch({ phone: '', locale: null });
      expect(cleared.status).to.equal(200);
      expect(cleared.body.displayName).to.equal('Pat S.');
      expect(cleared.body).not.to.have.property('phone');
      expect(cleared.body).not.to.have.property('locale');
    });

    it("names phone in a 400 for a number that is not E.164 (the auth service's violation)", async () => {
      const account = await register(bff);
      const r = await bff
        .http()
        .patch('/v1/me')
        .auth(account.accessToken, { type: 'bearer' })
        .send({ phone: '0151 2345678' });
      expectInvalidField(r, 'phone');
      expectInvalidField(
        await bff.http().patch('/v1/me').auth(account.accessToken, { type: 'bearer' }).send({ locale: 'en_US' }),
        'locale',
      );
    });

    it('answers 400 for a body with no field it knows', async () => {
      const account = await register(bff);
      const r = await bff
        .http()
        .patch('/v1/me')
        .auth(account.accessToken, { type: 'bearer' })
        .send({ nickname: 'Pat' });
      expectInvalidField(r, 'body');
    });

    it('refuses a request without a token with 401', async () => {
      expectProblem(await bff.http().patch('/v1/me').send({ displayName: 'Nobody' }), 401, 'TOKEN_MISSING');
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    it('publishes the signing keys without empty members', async () => {
      const r = await bff.http().get('/.well-known/jwks.json');
      expect(r.status).to.equal(200);
      expect(r.body.keys).to.have.length.greaterThan(0);
      const [key] = r.body.keys;
      expect(key).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key.kid).to.be.a('string');
      expect(key).not.to.have.property('y');
      expect(key).not.to.have.property('d');
    });
  });

  describe('upstream throttling', () => {
    it("maps the auth service's RESOURCE_EXHAUSTED to 429 with its Retry-After", async () => {
      const account = await register(bff);
      let last;
      // The auth service allows a handful of failures per account and address, then refuses.
      for (let i = 0; i < 8; i++) {
        last = await bff
          .http()
          .post('/v1/auth/login')
          .send({ login: account.email, password: `wrong password ${i}` });
        if (last.status === 429) break;
      }
      expectProblem(last!, 429);
      expect(Number(last!.headers['retry-after'])).to.be.greaterThan(0);
    });
  });
});
