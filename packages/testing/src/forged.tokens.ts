// Access tokens an attacker might present, for tests that every verifier refuses them.
import { createPublicKey } from 'node:crypto';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';

function unsignedJwt(header: object, payload: object): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.`;
}

/**
 * Given a genuine token's claims and the issuer's published key, returns tokens that must all be
 * refused: alg none, HS256 keyed with the public key, an unknown key, expired, wrong audience.
 */
export async function forgedTokens(input: {
  claims: Record<string, unknown>;
  publicJwk: JWK;
  issuer: string;
  audience: string;
}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { ...input.claims, iss: input.issuer, aud: input.audience, iat: now, exp: now + 600 };
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicPem = createPublicKey({ key: input.publicJwk as never, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  });
  const hmacKey = new TextEncoder().encode(String(publicPem));
  const sign = (payload: object, header: object, key: Parameters<SignJWT['sign']>[0]) =>
    new SignJWT(payload as never).setProtectedHeader(header as never).sign(key);
  return {
    algNone: unsignedJwt({ alg: 'none', typ: 'at+jwt', kid: input.publicJwk.kid }, claims),
    hs256WithPublicKey: await sign(claims, { alg: 'HS256', typ: 'at+jwt', kid: input.publicJwk.kid }, hmacKey),
    unknownKey: await sign(claims, { alg: 'EdDSA', typ: 'at+jwt', kid: 'not-a-known-kid' }, privateKey),
    expired: { claims: { ...claims, iat: now - 7200, exp: now - 3600 } },
    wrongAudience: { claims: { ...claims, aud: 'someone-else' } },
  };
}

/** Signs claims with a real private JWK (to build expired / wrong-audience tokens with a genuine key). */
export async function signWith(privateJwk: JWK, kid: string, claims: Record<string, unknown>): Promise<string> {
  const key = await importJWK(privateJwk, 'EdDSA');
  return new SignJWT(claims as never).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(key);
}
