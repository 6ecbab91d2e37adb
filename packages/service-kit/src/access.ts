// Who is acting, in which family, with which role — from the verified token — plus the family's
// settings, and the rules about whose data a caller may touch. A foreign family or member answers
// NOT_FOUND (never PERMISSION_DENIED: ids of other families reveal nothing); a child reaching for a
// sibling's data or a parent-only action is PERMISSION_DENIED. A few reads also admit a service
// token with a read scope (see `reader`).
import { AppError, requireUuid } from '@family/errors';
import {
  PARENT_ROLES,
  requireMembership,
  requireScope,
  type Caller,
  type FamilyRole,
  type UserCaller,
} from '@family/grpc-kit';
import type { MemberInfo } from '@family/auth-client';
import type { FamilyDirectory, FamilySettings } from './family.directory.js';

export interface Actor {
  familyId: string;
  memberId: string;
  role: FamilyRole;
  isParent: boolean;
  userId: string;
  /** The bearer token of the call (a user's, or a service reader's), for calls to auth. */
  token: string;
  /**
   * A service reading with a scope, not a member: it reads like a parent (every member's data) but
   * has no memberId or userId. Only `reader` makes one; writes go through `actor`, which never does.
   */
  service: boolean;
  family: FamilySettings;
}

export class Access {
  constructor(readonly families: FamilyDirectory) {}

  /** The caller as a member of the family. */
  async actor(caller: Caller, familyId: string): Promise<Actor> {
    return this.membershipActor(caller, familyId);
  }

  /** The caller as a parent (OWNER or PARENT) of the family; a child → PERMISSION_DENIED. */
  async parent(caller: Caller, familyId: string): Promise<Actor> {
    return this.membershipActor(caller, familyId, PARENT_ROLES);
  }

  /**
   * A member of the family (as `actor`), or a service token carrying `scope`, which reads like a
   * parent (e.g. the notification digest). For reads only; a service without the scope →
   * PERMISSION_DENIED, an unknown family → NOT_FOUND as for a member.
   */
  async reader(caller: Caller, familyId: string, scope: string): Promise<Actor> {
    const id = requireUuid(familyId, 'familyId');
    if (caller.kind !== 'service') return this.actor(caller, id);
    const service = requireScope(caller, scope);
    const family = await this.families.settings(id);
    return {
      familyId: id,
      memberId: '',
      role: 'PARENT',
      isParent: true,
      userId: '',
      token: service.token,
      service: true,
      family,
    };
  }

  /** A member of the actor's family; an id outside it → NOT_FOUND. */
  async member(actor: Actor, memberId: string, field = 'memberId'): Promise<MemberInfo> {
    const id = requireUuid(memberId, field);
    const member = await this.families.member(actor.familyId, id, actor.token);
    if (!member) throw AppError.notFound('Member');
    return member;
  }

  /** A child of the actor's family named in a request body (a violation on `field` otherwise). */
  async child(actor: Actor, memberId: string, field: string): Promise<MemberInfo> {
    const id = requireUuid(memberId, field);
    const member = await this.families.member(actor.familyId, id, actor.token);
    if (!member) throw AppError.invalidField(field, 'is not a member of this family');
    if (member.role !== 'CHILD') throw AppError.invalidField(field, 'must be a child of this family');
    return member;
  }

  /**
   * The member a call is about (whose jars, expenses, ledger): the caller when `requested` is empty;
   * a parent may name anyone in the family; a child only themselves (a sibling → PERMISSION_DENIED,
   * an id outside the family → NOT_FOUND).
   */
  async subject(actor: Actor, requested: string, field = 'memberId'): Promise<string> {
    if (!requested) return actor.memberId;
    const id = requireUuid(requested, field);
    if (id === actor.memberId) return id;
    await this.member(actor, id, field);
    if (!actor.isParent) throw AppError.forbidden('A child can only reach their own money and chores', 'OWN_ONLY');
    return id;
  }

  /**
   * The member filter of a list: empty means everyone for a parent and themselves for a child. A
   * service reader's id is not checked with auth (which lists members only to users): lists are
   * filtered by family, so an id from elsewhere just lists nothing.
   */
  async listScope(actor: Actor, requested: string, field = 'memberId'): Promise<string | undefined> {
    if (!requested) return actor.isParent ? undefined : actor.memberId;
    if (actor.service) return requireUuid(requested, field);
    return this.subject(actor, requested, field);
  }

  /** A child may see only their own resources; anything else is as if it did not exist. */
  assertVisible(actor: Actor, ownerMemberId: string | null, what: string): void {
    if (!actor.isParent && ownerMemberId !== actor.memberId) throw AppError.notFound(what);
  }

  requireParent(actor: Actor, message = 'Only parents may do this'): void {
    if (!actor.isParent) throw AppError.forbidden(message, 'ROLE_REQUIRED');
  }

  private async membershipActor(caller: Caller, familyId: string, roles?: readonly FamilyRole[]): Promise<Actor> {
    const id = requireUuid(familyId, 'familyId');
    const membership = requireMembership(caller, id, roles);
    const user = caller as UserCaller;
    const family = await this.families.settings(id);
    return {
      familyId: id,
      memberId: membership.memberId,
      role: membership.role,
      isParent: PARENT_ROLES.includes(membership.role),
      userId: user.userId,
      token: user.token,
      service: false,
      family,
    };
  }
}
