// Who may change or remove whom inside a family.
import { AppError } from '@family/errors';
import type { FamilyRole } from '@family/grpc-kit';

export const MANAGER_ROLES: readonly FamilyRole[] = ['OWNER', 'PARENT'];

export interface MemberRef {
  memberId: string;
  role: FamilyRole;
}

/** Roles that can be given by a role change or an invite: ownership is never handed out this way. */
export function checkAssignableRole(role: FamilyRole, field: string): void {
  if (role === 'OWNER') throw AppError.invalidField(field, 'must be PARENT or CHILD');
}

export function assertCanChangeRole(actor: MemberRef, target: MemberRef, role: FamilyRole): void {
  checkAssignableRole(role, 'role');
  if (!MANAGER_ROLES.includes(actor.role)) throw AppError.forbidden('Only parents can change roles', 'ROLE_REQUIRED');
  if (target.role === 'OWNER') {
    throw AppError.forbidden('The family owner cannot be demoted', 'OWNER_PROTECTED');
  }
}

export function assertCanRename(actor: MemberRef, target: MemberRef): void {
  if (actor.memberId === target.memberId) return;
  if (!MANAGER_ROLES.includes(actor.role)) throw AppError.forbidden('Only parents can rename members', 'ROLE_REQUIRED');
  if (target.role === 'OWNER' && actor.role !== 'OWNER') {
    throw AppError.forbidden('Only the owner can rename the owner', 'OWNER_PROTECTED');
  }
}

/** A member may leave; parents may remove others; nobody removes the owner. */
export function assertCanRemove(actor: MemberRef, target: MemberRef): void {
  if (target.role === 'OWNER') throw AppError.forbidden('The family owner cannot be removed', 'OWNER_PROTECTED');
  if (actor.memberId === target.memberId) return;
  if (!MANAGER_ROLES.includes(actor.role)) throw AppError.forbidden('Only parents can remove members', 'ROLE_REQUIRED');
}

/** Parents may set a child's password (children have no email to reset by); nobody else's. */
export function assertCanResetPassword(actor: MemberRef, target: MemberRef): void {
  if (!MANAGER_ROLES.includes(actor.role))
    throw AppError.forbidden("Only parents can reset a child's password", 'ROLE_REQUIRED');
  if (target.role !== 'CHILD')
    throw AppError.forbidden('Only a child’s password can be reset by a parent', 'CHILD_REQUIRED');
}
