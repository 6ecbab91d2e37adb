// Who is calling, as proven by the bearer token, and the access rules every service applies.
import { AppError } from '@family/errors';

export type FamilyRole = 'OWNER' | 'PARENT' | 'CHILD';
export const PARENT_ROLES: readonly FamilyRole[] = ['OWNER', 'PARENT'];

export interface Membership {
  memberId: string;
  role: FamilyRole;
}

export interface UserCaller {
  kind: 'user';
  userId: string;
  sessionId: string;
  /** When auth read the memberships the token carries (epoch ms); revocations apply to older tokens. */
  issuedAtMs?: number;
  /** familyId → membership, as of when the token was issued (then corrected by the revocation feed). */
  memberships: ReadonlyMap<string, Membership>;
  /** familyId → home region, for the families that have one (the edge routes by it). */
  regions?: ReadonlyMap<string, string>;
  token: string;
}

export interface ServiceCaller {
  kind: 'service';
  clientId: string;
  scopes: ReadonlySet<string>;
  token: string;
}

export type Caller = UserCaller | ServiceCaller | { kind: 'anonymous' };

export const anonymous: Caller = { kind: 'anonymous' };

export function requireUser(caller: Caller): UserCaller {
  if (caller.kind === 'user') return caller;
  if (caller.kind === 'anonymous') throw AppError.unauthenticated();
  throw AppError.forbidden('This call needs a user token', 'USER_TOKEN_REQUIRED');
}

/**
 * The caller's membership in the family. Not a member → NOT_FOUND (a foreign family is
 * indistinguishable from a missing one); a member without one of `roles` → PERMISSION_DENIED.
 */
export function requireMembership(caller: Caller, familyId: string, roles?: readonly FamilyRole[]): Membership {
  const user = requireUser(caller);
  const membership = user.memberships.get(familyId);
  if (!membership) throw AppError.notFound('Family');
  if (roles && !roles.includes(membership.role)) {
    throw AppError.forbidden(`Only ${roles.join(' or ').toLowerCase()} members may do this`, 'ROLE_REQUIRED');
  }
  return membership;
}

export function requireScope(caller: Caller, scope: string): ServiceCaller {
  if (caller.kind === 'anonymous') throw AppError.unauthenticated();
  if (caller.kind !== 'service' || !caller.scopes.has(scope)) {
    throw AppError.forbidden(`This call needs the ${scope} scope`, 'SCOPE_REQUIRED');
  }
  return caller;
}
