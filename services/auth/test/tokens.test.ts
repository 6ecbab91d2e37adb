import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Status } from 'nice-grpc';
import { SocialProvider } from '@family/contracts/auth/v1/auth';
import { expectGrpcError, forgedTokens, signWith } from '@family/testing';
import { Scopes } from '@family/service-kit';
import { SecretCipher } from '@family/config';
import { bearer, email, PASSWORD, startTestAuth, type AuthHarness } from './auth.harness.js';

/** The signing private key as the service stores it: sealed under SIGNING_KEY_ENCRYPTION_KEYS. */
async function privateKeyRow(h: AuthHarness, kid: string): Promise<JWK> {
  if (h.sql.kind !== 'pg') throw new Error('tests run on Postgres');
  const r = await h.sql.pool.query(
    `select private_key_id, private_sealed from ${h.schema}.signing_keys where kid = $1`,
    [kid],
  );
  const cipher = new SecretCipher(h.config.SIGNING_KEY_ENCRYPTION_KEYS);
  const sealed = { keyId: r.rows[0].private_key_id as string, data: r.rows[0].private_sealed as Buffer };
  return JSON.parse(cipher.open(sealed, kid)) as JWK;
}

describe('AuthService tokens and keys', () => {
  let h: AuthHarness;
  before(async () => {
    h = await startTestAuth({
      AUTH_SERVICE_CLIENTS: 'scheduler:scheduler-secret-1:auth:read,ops:ops-secret-1:auth:admin auth:read',
    });
  });
  after(() => h.stop());

  it('publishes the signing key as a JWKS entry with a key id and no private part', async () => {
    const { keys } = await h.client.getJwks({});
    expect(keys).to.have.length(1);
    expect(keys[0]).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys[0]!.kid).to.have.length.greaterThan(10);
    expect(keys[0]).to.not.have.property('d');
  });

  it('refuses forged, expired and misdirected tokens on a direct call', async () => {
    const r = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    await h.client.getMe({}, bearer(r.tokens!.accessToken));
    const [jwk] = (await h.client.getJwks({})).keys;
    const genuine = JSON.parse(Buffer.from(r.tokens!.accessToken.split('.')[1]!, 'base64url').toString());
    const forged = await forgedTokens({
      claims: genuine,
      publicJwk: jwk as JWK,
      issuer: h.config.JWT_ISSUER,
      audience: h.config.JWT_AUDIENCE,
    });
    const privateJwk = await privateKeyRow(h, jwk!.kid);
    const expired = await signWith(privateJwk, jwk!.kid, forged.expired.claims);
    const wrongAudience = await signWith(privateJwk, jwk!.kid, forged.wrongAudience.claims);
    for (const token of [forged.algNone, forged.hs256WithPublicKey, forged.unknownKey, wrongAudience]) {
      await expectGrpcError(h.client.getMe({}, bearer(token)), Status.UNAUTHENTICATED, 'INVALID_TOKEN');
    }
    await expectGrpcError(h.client.getMe({}, bearer(expired)), Status.UNAUTHENTICATED, 'TOKEN_EXPIRED');
    await expectGrpcError(h.client.getMe({}, bearer('not.a.jwt')), Status.UNAUTHENTICATED, 'INVALID_TOKEN');
  });

  describe('service tokens (client credentials)', () => {
    it('issues a token with the allowed scopes and lets it read users in batch', async () => {
      const r = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
      const token = await h.client.issueServiceToken({
        clientId: 'scheduler',
        clientSecret: 'scheduler-secret-1',
        scopes: [],
      });
      expect(token.scopes).to.deep.equal([Scopes.AUTH_READ]);
      const users = await h.client.batchGetUsers({ userIds: [r.user!.id] }, bearer(token.accessToken));
      expect(users.users.map((u) => u.displayName)).to.deep.equal(['Pat']);
    });

    it('refuses a wrong secret, an unknown client and a scope the client does not have', async () => {
      await expectGrpcError(
        h.client.issueServiceToken({ clientId: 'scheduler', clientSecret: 'guess', scopes: [] }),
        Status.UNAUTHENTICATED,
        'INVALID_CLIENT',
      );
      await expectGrpcError(
        h.client.issueServiceToken({ clientId: 'nobody', clientSecret: 'x', scopes: [] }),
        Status.UNAUTHENTICATED,
        'INVALID_CLIENT',
      );
      await expectGrpcError(
        h.client.issueServiceToken({
          clientId: 'scheduler',
          clientSecret: 'scheduler-secret-1',
          scopes: [Scopes.AUTH_ADMIN],
        }),
        Status.PERMISSION_DENIED,
        'SCOPE_NOT_ALLOWED',
      );
    });

    it('keeps internal calls away from user tokens', async () => {
      const r = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
      await expectGrpcError(
        h.client.batchGetUsers({ userIds: [r.user!.id] }, bearer(r.tokens!.accessToken)),
        Status.PERMISSION_DENIED,
        'SCOPE_REQUIRED',
      );
      await expectGrpcError(
        h.client.rotateSigningKey({}, bearer(r.tokens!.accessToken)),
        Status.PERMISSION_DENIED,
        'SCOPE_REQUIRED',
      );
    });

    it('keeps user calls away from service tokens', async () => {
      const token = await h.client.issueServiceToken({
        clientId: 'scheduler',
        clientSecret: 'scheduler-secret-1',
        scopes: [],
      });
      await expectGrpcError(
        h.client.getMe({}, bearer(token.accessToken)),
        Status.PERMISSION_DENIED,
        'USER_TOKEN_REQUIRED',
      );
    });
  });

  it('rotates the signing key while tokens signed by the old key keep working', async () => {
    const r = await h.client.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
    const before = (await h.client.getJwks({})).keys.map((k) => k.kid);
    const ops = await h.client.issueServiceToken({
      clientId: 'ops',
      clientSecret: 'ops-secret-1',
      scopes: [Scopes.AUTH_ADMIN],
    });
    const { kid } = await h.client.rotateSigningKey({}, bearer(ops.accessToken));
    const after = (await h.client.getJwks({})).keys.map((k) => k.kid);
    expect(after).to.include(kid).and.include.members(before);
    await h.client.getMe({}, bearer(r.tokens!.accessToken));
    const fresh = await h.client.login({ login: r.user!.email, password: PASSWORD });
    const header = JSON.parse(Buffer.from(fresh.tokens!.accessToken.split('.')[0]!, 'base64url').toString());
    expect(header).to.include({ alg: 'EdDSA', kid, typ: 'at+jwt' });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the verifier's refetch cooldown
    await h.client.getMe({}, bearer(fresh.tokens!.accessToken));
  });
});

describe('AuthService social login', () => {
  let h: AuthHarness;
  let jwksServer: Server;
  let googleKey: CryptoKey;
  const audience = 'web-client.apps.example';

  before(async () => {
    const pair = await generateKeyPair('RS256');
    googleKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'google-test-key', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    h = await startTestAuth({ GOOGLE_JWKS_URL: `http://127.0.0.1:${port}/certs`, GOOGLE_CLIENT_IDS: audience });
  });
  after(async () => {
    await h.stop();
    jwksServer.close();
  });

  const idToken = (claims: Record<string, unknown>, aud = audience) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'google-test-key' })
      .setIssuer('https://accounts.google.com')
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(googleKey);

  const google = (token: string) =>
    h.client.socialLogin({ provider: SocialProvider.SOCIAL_PROVIDER_GOOGLE, idToken: token, displayName: '' });

  it('creates the account on first sign-in and finds it afterwards', async () => {
    const mail = email('google');
    const token = await idToken({ sub: `g-${mail}`, email: mail, email_verified: true, name: 'Gina' });
    const first = await google(token);
    expect(first.created).to.equal(true);
    expect(first.user).to.include({ email: mail, displayName: 'Gina', emailVerified: true });
    const second = await google(token);
    expect(second.created).to.equal(false);
    expect(second.user?.id).to.equal(first.user?.id);
  });

  it('links to an existing account by verified email only', async () => {
    const mail = email('linked');
    const existing = await h.client.register({ email: mail, password: PASSWORD, displayName: 'Lin' });
    const unverified = await google(await idToken({ sub: `u-${mail}`, email: mail, email_verified: false }));
    expect(unverified.user?.id).to.not.equal(existing.user?.id);
    const verified = await google(await idToken({ sub: `v-${mail}`, email: mail, email_verified: true }));
    expect(verified.created).to.equal(false);
    expect(verified.user?.id).to.equal(existing.user?.id);
  });

  it('refuses a token for another audience, and a provider that is not configured', async () => {
    const token = await idToken({ sub: 'x', email: email(), email_verified: true }, 'someone-else');
    await expectGrpcError(google(token), Status.UNAUTHENTICATED, 'INVALID_ID_TOKEN');
    await expectGrpcError(
      h.client.socialLogin({ provider: SocialProvider.SOCIAL_PROVIDER_APPLE, idToken: token, displayName: '' }),
      Status.FAILED_PRECONDITION,
      'PROVIDER_NOT_CONFIGURED',
    );
    await expectGrpcError(
      h.client.socialLogin({ provider: SocialProvider.SOCIAL_PROVIDER_UNSPECIFIED, idToken: token, displayName: '' }),
      Status.INVALID_ARGUMENT,
    );
  });
});
