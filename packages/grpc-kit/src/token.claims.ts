// The shape of access tokens, shared by the issuer (auth) and every verifier.
import type { JWTPayload } from 'jose';
import type { Caller, FamilyRole, Membership } from './caller.js';

export const TOKEN_ALG = 'EdDSA';
/** JWT `typ` header of access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface UserClaims extends JWTPayload {
  sub: string;
  typ: 'user';
  /** Session (refresh-token chain) id. */
  sid: string;
  /** familyId → [memberId, role]. */
  fam: Record<string, [string, FamilyRole]>;
  /** familyId → home region, for families that have one (multi-region installations). */
  reg?: Record<string, string>;
  /** When the memberships in `fam` were read, in epoch milliseconds (`iat` has only seconds). */
  ims?: number;
}

export interface ServiceClaims extends JWTPayload {
  sub: string;
  typ: 'service';
  /** Space-separated scopes. */
  scope: string;
}

const roles = new Set<FamilyRole>(['OWNER', 'PARENT', 'CHILD']);

/** Returns undefined when the payload is not one of our two token shapes. */
export function callerFromClaims(payload: JWTPayload, token: string): Caller | undefined {
  if (typeof payload.sub !== 'string') return undefined;
  if (payload.typ === 'user' && typeof payload.sid === 'string' && typeof payload.fam === 'object' && payload.fam) {
    const memberships = new Map<string, Membership>();
    for (const [familyId, value] of Object.entries(payload.fam as Record<string, unknown>)) {
      if (!Array.isArray(value) || typeof value[0] !== 'string' || !roles.has(value[1])) return undefined;
      memberships.set(familyId, { memberId: value[0], role: value[1] as FamilyRole });
    }
    const regions = new Map<string, string>();
    if (payload.reg !== undefined) {
      if (typeof payload.reg !== 'object' || payload.reg === null) return undefined;
      for (const [familyId, region] of Object.entries(payload.reg as Record<string, unknown>)) {
        if (typeof region !== 'string' || !memberships.has(familyId)) return undefined;
        regions.set(familyId, region);
      }
    }
    const issuedAtMs =
      typeof payload.ims === 'number' ? payload.ims : typeof payload.iat === 'number' ? payload.iat * 1000 : 0;
    return { kind: 'user', userId: payload.sub, sessionId: payload.sid, issuedAtMs, memberships, regions, token };
  }
  if (payload.typ === 'service' && typeof payload.scope === 'string' && payload.sub.startsWith('service:')) {
    return {
      kind: 'service',
      clientId: payload.sub.slice('service:'.length),
      scopes: new Set(payload.scope.split(' ').filter(Boolean)),
      token,
    };
  }
  return undefined;
}
