// Who is acting, in which family, with which role — from the verified token — plus the family's
// settings. A foreign family answers NOT_FOUND; parent-only calls refuse a child with PERMISSION_DENIED.
import { AppError, requireUuid } from '@family/errors';
import { PARENT_ROLES, requireMembership, type Caller, type FamilyRole } from '@family/grpc-kit';
import type { FamilyDirectory, FamilySettings } from './family.directory.js';
import type { MemberDirectory } from '@family/auth-client';

export interface Actor {
  familyId: string;
  memberId: string;
  role: FamilyRole;
  isParent: boolean;
  userId: string;
  token: string;
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
    const user = caller as Extract<Caller, { kind: 'user' }>;
    const family = await this.families.settings(id);
    return {
      familyId: id,
      memberId: membership.memberId,
      role: membership.role,
      isParent: PARENT_ROLES.includes(membership.role),
      userId: user.userId,
      token: user.token,
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
