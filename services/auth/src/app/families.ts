// Families, memberships, child accounts and invites. Authorization here reads the memberships table
// (this service owns it), so a role change or removal applies at once to these calls.
import { chooseRegion } from '../domain/region.rules.js';
import { randomInt } from 'node:crypto';
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import { isUniqueViolation, newId, pageCursor, pageLimit, toPage } from '@family/db';
import { newEvent } from '@family/outbox';
import type { FamilyRole, UserCaller } from '@family/grpc-kit';
import { checkFamily } from '../domain/family.rules.js';
import { checkDisplayName, checkPassword, checkUsername, normalizeUsername } from '../domain/credentials.rules.js';
import {
  assertCanChangeRole,
  assertCanRemove,
  assertCanRename,
  assertCanResetPassword,
  checkAssignableRole,
  MANAGER_ROLES,
} from '../domain/membership.rules.js';
import { inviteState, inviteTtl } from '../domain/invite.rules.js';
import type { MemberRow } from '../store/families.store.js';
import { toRole as protoRole } from '../handlers/auth.encode.js';
import { sha256 } from './token.issuer.js';
import type { AuthDeps } from './auth.deps.js';
import type { Accounts } from './accounts.js';

/** Members are listed by id; a page continues after the last id shown. */
const memberCursor = pageCursor('string');

// Crockford base32 without look-alikes: easy to read out loud or type from a message.
const INVITE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function inviteCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return code;
}

function normalizeInviteCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export class Families {
  constructor(
    private readonly deps: AuthDeps,
    private readonly accounts: Accounts,
  ) {}

  async create(
    caller: UserCaller,
    input: { name: string; currency: string; timezone: string; region?: string; country?: string },
  ) {
    checkFamily(input);
    const region = chooseRegion(this.deps.regions, { region: input.region ?? '', country: input.country ?? '' });
    const { db, families, outbox } = this.deps;
    if (!(await this.deps.users.byId(caller.userId))) throw AppError.unauthenticated();
    const result = await db.transaction().execute(async (trx) => {
      const family = await families.insertFamily(trx, {
        id: newId(),
        name: input.name.trim(),
        currency: input.currency,
        timezone: input.timezone,
        owner_user_id: caller.userId,
        region,
      });
      const memberId = newId();
      await families.insertMembership(trx, { id: memberId, familyId: family.id, userId: caller.userId, role: 'OWNER' });
      const member = (await families.member(family.id, memberId, trx))!;
      await outbox.enqueue(trx, [this.joinedEvent(member, caller.userId, 'CREATED_FAMILY')]);
      return { family, member };
    });
    const access = await this.accounts.accessToken(caller.userId, caller.sessionId);
    return { ...result, accessToken: access.token, expiresIn: access.expiresIn };
  }

  async get(caller: UserCaller, familyId: string) {
    await this.membership(caller, familyId);
    return (await this.deps.families.family(familyId))!;
  }

  async listMembers(caller: UserCaller, familyId: string, page: { limit: number; cursor: string }) {
    await this.membership(caller, familyId);
    const limit = pageLimit(page.limit);
    const [after] = memberCursor.decode(page.cursor) ?? [];
    if (after !== undefined && !isUuid(after))
      throw AppError.invalidField('page.cursor', 'is not a cursor from a previous page');
    const rows = await this.deps.families.listMembers(familyId, after, limit + 1);
    return toPage(rows, limit, (m) => [m.id]);
  }

  async createChild(
    caller: UserCaller,
    familyId: string,
    input: { displayName: string; username: string; password: string },
  ) {
    await this.membership(caller, familyId, MANAGER_ROLES);
    const v = new Violations();
    checkDisplayName(v, 'displayName', input.displayName);
    checkUsername(v, 'username', input.username);
    checkPassword(v, 'password', input.password, input.username);
    v.throwIfAny();
    const passwordHash = await this.deps.hasher.hash(input.password);
    return this.deps.db.transaction().execute(async (trx) => {
      const user = await this.deps.users.insert(trx, {
        id: newId(),
        username: normalizeUsername(input.username),
        displayName: input.displayName.trim(),
        passwordHash,
      });
      const memberId = newId();
      await this.deps.families.insertMembership(trx, { id: memberId, familyId, userId: user.id, role: 'CHILD' });
      const member = (await this.deps.families.member(familyId, memberId, trx))!;
      await this.deps.outbox.enqueue(trx, [this.joinedEvent(member, caller.userId, 'CHILD_CREATED')]);
      return member;
    });
  }

  async updateMember(
    caller: UserCaller,
    familyId: string,
    memberId: string,
    input: { role?: FamilyRole | undefined; displayName?: string | undefined },
  ) {
    const actor = await this.membership(caller, familyId);
    const target = await this.deps.families.member(familyId, requireUuid(memberId, 'memberId'));
    if (!target) throw AppError.notFound('Member');
    const actorRef = { memberId: actor.id, role: actor.role };
    const targetRef = { memberId: target.id, role: target.role };
    if (input.role === undefined && input.displayName === undefined) {
      throw AppError.invalid([{ field: 'role', message: 'give a role or a displayName to change' }]);
    }
    if (input.displayName !== undefined) {
      const v = new Violations();
      checkDisplayName(v, 'displayName', input.displayName);
      v.throwIfAny();
      assertCanRename(actorRef, targetRef);
    }
    if (input.role !== undefined) assertCanChangeRole(actorRef, targetRef, input.role);
    return this.deps.db.transaction().execute(async (trx) => {
      if (input.displayName !== undefined) await this.deps.users.rename(trx, target.user_id, input.displayName.trim());
      if (input.role !== undefined && input.role !== target.role) {
        await this.deps.families.setRole(trx, target.id, input.role);
        await this.deps.revocations.membershipChanged(trx, {
          userId: target.user_id,
          familyId,
          role: input.role,
        });
        await this.deps.outbox.enqueue(trx, [
          newEvent({
            source: 'auth',
            familyId,
            actorUserId: caller.userId,
            payload: {
              $case: 'memberRoleChanged',
              value: {
                memberId: target.id,
                userId: target.user_id,
                previousRole: protoRole(target.role),
                role: protoRole(input.role),
              },
            },
          }),
        ]);
      }
      return (await this.deps.families.member(familyId, memberId, trx))!;
    });
  }

  async removeMember(caller: UserCaller, familyId: string, memberId: string): Promise<void> {
    const actor = await this.membership(caller, familyId);
    const target = await this.deps.families.member(familyId, requireUuid(memberId, 'memberId'));
    if (!target) throw AppError.notFound('Member');
    assertCanRemove({ memberId: actor.id, role: actor.role }, { memberId: target.id, role: target.role });
    await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.families.deleteMembership(trx, target.id);
      await this.deps.revocations.membershipChanged(trx, { userId: target.user_id, familyId, role: null });
      await this.deps.outbox.enqueue(trx, [
        newEvent({
          source: 'auth',
          familyId,
          actorUserId: caller.userId,
          payload: { $case: 'memberRemoved', value: { memberId: target.id, userId: target.user_id } },
        }),
      ]);
    });
  }

  /** A parent sets a child's new password; every session of the child ends at once, everywhere. */
  async resetChildPassword(caller: UserCaller, familyId: string, memberId: string, newPassword: string) {
    const actor = await this.membership(caller, familyId);
    const target = await this.deps.families.member(familyId, requireUuid(memberId, 'memberId'));
    if (!target) throw AppError.notFound('Member');
    assertCanResetPassword({ memberId: actor.id, role: actor.role }, { memberId: target.id, role: target.role });
    const user = await this.deps.users.byId(target.user_id);
    if (!user) throw AppError.notFound('Member');
    const v = new Violations();
    checkPassword(v, 'newPassword', newPassword, user.email ?? user.username ?? undefined);
    v.throwIfAny();
    const hash = await this.deps.hasher.hash(newPassword);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.users.setPassword(trx, user.id, hash);
      const ended = await this.deps.sessions.revokeAllOfUser(trx, user.id, 'PASSWORD_RESET');
      await this.deps.revocations.sessionsEnded(trx, user.id, ended);
      await this.deps.outbox.enqueue(trx, [
        newEvent({
          source: 'auth',
          familyId,
          actorUserId: caller.userId,
          payload: { $case: 'sessionsRevoked', value: { userId: user.id, reason: 'PASSWORD_RESET' } },
        }),
      ]);
    });
  }

  async createInvite(
    caller: UserCaller,
    familyId: string,
    input: { role: FamilyRole | undefined; ttlSeconds: number },
  ) {
    await this.membership(caller, familyId, MANAGER_ROLES);
    if (!input.role) throw AppError.invalidField('role', 'must be PARENT or CHILD');
    checkAssignableRole(input.role, 'role');
    const ttl = inviteTtl(input.ttlSeconds);
    for (;;) {
      const code = inviteCode();
      try {
        const row = await this.deps.families.insertInvite(this.deps.db, {
          id: newId(),
          family_id: familyId,
          code_hash: sha256(code),
          role: input.role,
          created_by: caller.userId,
          expires_at: new Date(Date.now() + ttl * 1000),
        });
        return { code, familyId, role: row.role, expiresAt: row.expires_at };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // a 60-bit code collided: draw another
      }
    }
  }

  async acceptInvite(caller: UserCaller, code: string) {
    if (!code.trim()) throw AppError.invalidField('code', 'is required');
    const result = await this.deps.db.transaction().execute(async (trx) => {
      const invite = await this.deps.families.inviteForUpdate(trx, sha256(normalizeInviteCode(code)));
      if (!invite) throw AppError.notFound('Invite');
      const state = inviteState({ acceptedAt: invite.accepted_at, expiresAt: invite.expires_at }, new Date());
      if (state === 'USED') throw AppError.precondition('INVITE_USED', 'This invite has already been used');
      if (state === 'EXPIRED') throw AppError.precondition('INVITE_EXPIRED', 'This invite has expired');
      if (await this.deps.families.membershipOf(invite.family_id, caller.userId, trx)) {
        throw AppError.conflict('ALREADY_MEMBER', 'You are already a member of this family');
      }
      const memberId = newId();
      await this.deps.families.insertMembership(trx, {
        id: memberId,
        familyId: invite.family_id,
        userId: caller.userId,
        role: invite.role,
      });
      await this.deps.families.markInviteAccepted(trx, invite.id, caller.userId);
      const member = (await this.deps.families.member(invite.family_id, memberId, trx))!;
      await this.deps.outbox.enqueue(trx, [this.joinedEvent(member, caller.userId, 'INVITE_ACCEPTED')]);
      return { familyId: invite.family_id, member };
    });
    const family = (await this.deps.families.family(result.familyId))!;
    const access = await this.accounts.accessToken(caller.userId, caller.sessionId);
    return { family, member: result.member, accessToken: access.token, expiresIn: access.expiresIn };
  }

  async batchGet(ids: string[]) {
    if (ids.length > 500) throw AppError.invalidField('familyIds', 'at most 500 per call');
    ids.forEach((id, i) => requireUuid(id, `familyIds.${i}`));
    return this.deps.families.families([...new Set(ids)]);
  }

  /** Members of up to 100 families (service callers with auth:read). */
  async batchGetMembers(ids: string[]): Promise<MemberRow[]> {
    if (ids.length > 100) throw AppError.invalidField('familyIds', 'at most 100 per call');
    ids.forEach((id, i) => requireUuid(id, `familyIds.${i}`));
    return this.deps.families.membersOfFamilies([...new Set(ids)]);
  }

  /** The caller's current membership; a foreign family answers NOT_FOUND. */
  private async membership(caller: UserCaller, familyId: string, roles?: readonly FamilyRole[]): Promise<MemberRow> {
    const member = await this.deps.families.membershipOf(requireUuid(familyId, 'familyId'), caller.userId);
    if (!member) throw AppError.notFound('Family');
    if (roles && !roles.includes(member.role)) {
      throw AppError.forbidden(`Only ${roles.join(' or ').toLowerCase()} members may do this`, 'ROLE_REQUIRED');
    }
    return member;
  }

  private joinedEvent(member: MemberRow, actorUserId: string, via: string) {
    return newEvent({
      source: 'auth',
      familyId: member.family_id,
      actorUserId,
      payload: {
        $case: 'memberJoined',
        value: {
          memberId: member.id,
          userId: member.user_id,
          displayName: member.display_name,
          role: protoRole(member.role),
          via,
        },
      },
    });
  }
}
