// Store rows → proto messages, and proto enums ↔ domain values, for the auth handlers.
import type { FamilyRole } from '@family/grpc-kit';
import { enumCodec } from '@family/service-kit';
import type { Family, Member, Revocation, User } from '@family/contracts/auth/v1/auth';
import type { ClientInfo } from '@family/contracts/auth/v1/auth';
import { Role } from '@family/contracts/common/v1/common';
import type { UserRow } from '../store/users.store.js';
import type { FamilyRow, MemberRow } from '../store/families.store.js';
import type { RevocationRow } from '../store/revocations.store.js';
import type { ClientContext } from '../app/auth.deps.js';

/**
 * Membership roles on the wire (ROLE_OWNER …) ⇄ FamilyRole. From a request, unset or ROLE_UNSPECIFIED
 * is "not given" and an unknown value a violation on the field; which roles may be assigned is the
 * use case's rule.
 */
export const memberRoles = enumCodec<FamilyRole, Role>('ROLE_', ['OWNER', 'PARENT', 'CHILD'], Role);

export function toRole(role: FamilyRole): Role {
  return memberRoles.encode(role);
}

export function encodeUser(u: UserRow): User {
  return {
    id: u.id,
    email: u.email ?? '',
    username: u.username ?? '',
    displayName: u.display_name,
    emailVerified: u.email_verified,
    createdAt: u.created_at,
    phone: u.phone ?? '',
    locale: u.locale ?? '',
  };
}

export function encodeFamily(f: FamilyRow): Family {
  return {
    id: f.id,
    name: f.name,
    currency: f.currency,
    timezone: f.timezone,
    ownerUserId: f.owner_user_id,
    createdAt: f.created_at,
    region: f.region ?? '',
  };
}

export function encodeMember(m: MemberRow): Member {
  return {
    id: m.id,
    familyId: m.family_id,
    userId: m.user_id,
    displayName: m.display_name,
    role: toRole(m.role),
    username: m.username ?? '',
    joinedAt: m.created_at,
  };
}

export function clientContext(client: ClientInfo | undefined, peer: string): ClientContext {
  // The BFF passes the end user's address; a direct gRPC caller is identified by its peer host.
  const peerHost = peer.replace(/^ipv[46]:/, '').replace(/:\d+$/, '');
  return { address: client?.address || peerHost || 'unknown', userAgent: client?.userAgent ?? '' };
}

export function encodeRevocation(r: RevocationRow): Revocation {
  return {
    id: r.id,
    userId: r.user_id,
    sessionId: r.session_id ?? '',
    familyId: r.family_id ?? '',
    notBefore: r.not_before,
    role: r.role ? toRole(r.role) : Role.ROLE_UNSPECIFIED,
  };
}
