// Who is acting, in which family, with which role — from the verified token — plus the family's
// settings. A foreign family answers NOT_FOUND; parent-only calls refuse a child with PERMISSION_DENIED.
// A few reads also admit a service token with the read scope (see `reader`).
import { AppError, requireUuid } from '@family/errors';
import {
  PARENT_ROLES,
  requireMembership,
  requireScope,
  type Caller,
  type FamilyRole,
  type UserCaller,
} from '@family/grpc-kit';
import type { FamilyDirectory, FamilySettings } from './family.directory.js';
import type { MemberDirectory } from '@family/auth-client';

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
  constructor(
    private readonly families: FamilyDirectory,
    readonly members: MemberDirectory,
  ) {}

  async actor(caller: Caller, familyId: string, roles?: readonly FamilyRole[]): Promise<Actor> {
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

  parent(caller: Caller, familyId: string): Promise<Actor> {
    return this.actor(caller, familyId, PARENT_ROLES);
  }

  /**
   * The member a write is for: the caller when `requested` is empty; a child may only name
   * themselves; a parent may name any member of the family.
   */
  async writeTarget(actor: Actor, requested: string, field = 'memberId'): Promise<string> {
    if (!requested) return actor.memberId;
    const id = requireUuid(requested, field);
    if (id === actor.memberId) return id;
    if (!actor.isParent) throw AppError.forbidden('A child can only record their own expenses', 'OWN_EXPENSES_ONLY');
    await this.members.require(actor.familyId, id, actor.token, field);
    return id;
  }

  /** The member filter of a read: a child always reads only their own. */
  readScope(actor: Actor, requested: string, field = 'memberId'): string | undefined {
    if (!actor.isParent) return actor.memberId;
    return requested ? requireUuid(requested, field) : undefined;
  }

  /** A child may touch only their own resources; anything else is as if it did not exist. */
  assertOwn(actor: Actor, memberId: string | null, what: string): void {
    if (!actor.isParent && memberId !== actor.memberId) throw AppError.notFound(what);
  }
}
