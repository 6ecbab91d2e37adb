// Makes sure this service knows a family's members before it decides who hears about an event: a
// family never seen is loaded from auth once (service token, auth:read); member events keep it current.
import type { AuthGateway } from '@family/auth-client';
import type { MembersStore } from '../store/members.store.js';

export class FamilyRoster {
  constructor(
    private readonly members: MembersStore,
    private readonly auth: AuthGateway,
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
}
