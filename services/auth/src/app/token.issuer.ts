// Mints access tokens (user and service) and opaque refresh tokens.
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE, TOKEN_ALG, type FamilyRole, type ServiceClaims, type UserClaims } from '@family/grpc-kit';
import type { KeyRing } from './key.ring.js';

export interface TokenIssuerOptions {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  serviceTtlSeconds: number;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export class TokenIssuer {
  constructor(
    private readonly keys: KeyRing,
    readonly options: TokenIssuerOptions,
  ) {}

  async userToken(
    userId: string,
    sessionId: string,
    memberships: { familyId: string; memberId: string; role: FamilyRole; region?: string | null }[],
    /** When the memberships were read (epoch ms): revocations dated later apply to this token. */
    membershipsReadAt = Date.now(),
  ): Promise<{ token: string; expiresIn: number }> {
    const fam: UserClaims['fam'] = {};
    const reg: NonNullable<UserClaims['reg']> = {};
    for (const m of memberships) {
      fam[m.familyId] = [m.memberId, m.role];
      if (m.region) reg[m.familyId] = m.region;
    }
    const claims = Object.keys(reg).length
      ? { typ: 'user', sid: sessionId, fam, reg, ims: membershipsReadAt }
      : { typ: 'user', sid: sessionId, fam, ims: membershipsReadAt };
    const token = await this.sign(claims, userId, this.options.accessTtlSeconds);
    return { token, expiresIn: this.options.accessTtlSeconds };
  }

  async serviceToken(clientId: string, scopes: string[]): Promise<{ token: string; expiresIn: number }> {
    const claims: Omit<ServiceClaims, 'sub'> = { typ: 'service', scope: scopes.join(' ') };
    const token = await this.sign(claims, `service:${clientId}`, this.options.serviceTtlSeconds);
    return { token, expiresIn: this.options.serviceTtlSeconds };
  }

  private async sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number): Promise<string> {
    const { kid, key } = await this.keys.signingKey();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALG, kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject(subject)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setJti(newOpaqueToken(12))
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);
  }
}
