import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AppError } from '@family/errors';
import { TokenVerifier } from '@family/grpc-kit';

describe('TokenVerifier: verified tokens are remembered until they expire', () => {
  let privateKey: CryptoKey;
  let jwk: JWK;
  let published: JWK[];

  const sign = (expiresAt: number | string) =>
    new SignJWT({ typ: 'user', sid: 's', fam: { f1: ['m1', 'OWNER'] } })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
      .setIssuer('iss')
      .setAudience('aud')
      .setSubject('user-1')
      .setExpirationTime(expiresAt)
      .sign(privateKey);

  const refusal = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof AppError) return err.code;
      throw err;
    }
    throw new Error('the token was accepted');
  };

  before(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' };
  });
  beforeEach(() => {
    published = [jwk];
  });
  const verifier = () =>
    new TokenVerifier({ keys: async () => published, issuer: 'iss', audience: 'aud', clockToleranceSec: 0 });

  it('accepts a remembered token again, and refuses it as expired once its time is up', async () => {
    const v = verifier();
    const token = await sign(Math.floor(Date.now() / 1000) + 2);
    expect((await v.verify(token)).kind).to.equal('user');
    expect((await v.verify(token)).kind).to.equal('user');
    await new Promise((r) => setTimeout(r, 2100));
    expect(await refusal(v.verify(token))).to.equal('TOKEN_EXPIRED');
  });

  it('forgets what it proved when the keys are fetched again: a withdrawn key no longer vouches', async () => {
    const v = verifier();
    const token = await sign('5m');
    await v.verify(token);
    published = [];
    v.invalidate();
    expect(await refusal(v.verify(token))).to.be.oneOf(['INVALID_TOKEN', 'JWKS_UNAVAILABLE']);
  });

  it('decides the caller afresh each time: a tampered copy of a remembered token is refused', async () => {
    const v = verifier();
    const token = await sign('5m');
    await v.verify(token);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'user-2' })).toString('base64url')}.${s}`;
    expect(await refusal(v.verify(forged))).to.equal('INVALID_TOKEN');
  });

  it('verifies every time when the cache is off', async () => {
    const v = new TokenVerifier({ keys: async () => published, issuer: 'iss', audience: 'aud', verifiedCacheSize: 0 });
    const token = await sign('5m');
    await v.verify(token);
    published = [];
    // The key set is only re-read after invalidation; with no memory the signature is checked again
    // against the keys held, which still include k1.
    expect((await v.verify(token)).kind).to.equal('user');
  });
});
