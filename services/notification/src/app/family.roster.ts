// This service's copy of a family's members, kept by two explicit steps of the fan-out: `ensure`
// before planning (a family never seen is loaded from auth once: service token, auth:read) and
// `apply` after it (member events update the copy and drop a departed member's parental controls).
import type { AuthGateway } from '@family/auth-client';
import { PARENT_ROLES, type FamilyRole } from '@family/grpc-kit';
import { enumCodec } from '@family/service-kit';
import { Role } from '@family/contracts/common/v1/common';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import type { MembersStore } from '../store/members.store.js';
import type { PreferencesStore } from '../store/preferences.store.js';

/** Membership roles on the wire (ROLE_OWNER …) ⇄ FamilyRole. */
export const memberRoles = enumCodec<FamilyRole, Role>('ROLE_', ['OWNER', 'PARENT', 'CHILD'], Role);

export class FamilyRoster {
  constructor(
    private readonly members: MembersStore,
    private readonly auth: AuthGateway,
    private readonly preferences: PreferencesStore,
  ) {}

  async ensure(familyIds: readonly string[]): Promise<void> {
    const missing = await this.members.unsynced(familyIds.filter(Boolean));
    if (missing.length === 0) return;
    const loaded = await this.auth.familyMembers(missing);
    await this.members.sync(
      missing,
      loaded.map((m) => ({
        familyId: m.familyId,
        memberId: m.id,
        userId: m.userId,
        role: m.role,
        displayName: m.displayName,
      })),
    );
  }

  /** Applies a member event to the copy (after planning, so a departing member's parents are known). */
  async apply(event: DomainEvent): Promise<void> {
    const familyId = event.familyId;
    const payload = event.payload;
    switch (payload?.$case) {
      case 'memberJoined': {
        const v = payload.value;
        const role = memberRoles.fromPeer(v.role);
        if (role) {
          await this.members.put(familyId, {
            memberId: v.memberId,
            userId: v.userId,
            role,
            displayName: v.displayName,
          });
        }
        return;
      }
      case 'memberRemoved': {
        const v = payload.value;
        const parents = (await this.members.list(familyId))
          .filter((m) => PARENT_ROLES.includes(m.role) && m.memberId !== v.memberId)
          .map((m) => m.memberId);
        await this.preferences.forgetMember(familyId, v.memberId, parents);
        await this.members.remove(familyId, v.memberId, v.userId);
        return;
      }
      case 'memberRoleChanged': {
        const v = payload.value;
        const role = memberRoles.fromPeer(v.role);
        if (!role) return;
        const known = await this.members.get(familyId, v.memberId);
        await this.members.put(familyId, {
          memberId: v.memberId,
          userId: v.userId,
          role,
          displayName: known?.displayName ?? '',
        });
        return;
      }
      default:
        return;
    }
  }
}
