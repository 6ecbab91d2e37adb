// This service's copy of who belongs to which family (member id → user id, role): loaded from auth
// (BatchGetFamilyMembers) the first time a family is seen, then kept current by auth's member.joined /
// member.removed / member.role_changed events, so fan-out reads members without a call per event
// (see docs/decisions/0013-notification-service.md).
import type { FamilyRole } from '@family/grpc-kit';
import type { RedisClient, RedisKeys } from './redis.client.js';

export interface KnownMember {
  memberId: string;
  userId: string;
  role: FamilyRole;
  displayName: string;
}

export class MembersStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async put(familyId: string, member: KnownMember): Promise<void> {
    await this.redis
      .multi()
      .hSet(this.keys.familyMembers(familyId), member.memberId, JSON.stringify(member))
      .sAdd(this.keys.userFamilies(member.userId), familyId)
      .exec();
  }

  async remove(familyId: string, memberId: string, userId: string): Promise<void> {
    await this.redis
      .multi()
      .hDel(this.keys.familyMembers(familyId), memberId)
      .sRem(this.keys.userFamilies(userId), familyId)
      .sAdd(this.keys.familyRemoved(familyId), memberId)
      .exec();
  }

  /** Which of the families were never loaded from auth. */
  async unsynced(familyIds: readonly string[]): Promise<string[]> {
    const ids = [...new Set(familyIds)];
    if (ids.length === 0) return [];
    const seen = await Promise.all(ids.map((id) => this.redis.exists(this.keys.familySynced(id))));
    return ids.filter((_, i) => !seen[i]);
  }

  /** Stores the members auth listed for these families (except ones already removed) and marks them loaded. */
  async sync(familyIds: readonly string[], members: readonly (KnownMember & { familyId: string })[]): Promise<void> {
    const tombstones = await Promise.all(familyIds.map((id) => this.redis.sMembers(this.keys.familyRemoved(id))));
    const removed = new Map(familyIds.map((id, i) => [id, new Set(tombstones[i])]));
    const multi = this.redis.multi();
    for (const { familyId, ...member } of members) {
      if (removed.get(familyId)?.has(member.memberId)) continue;
      multi
        .hSet(this.keys.familyMembers(familyId), member.memberId, JSON.stringify(member))
        .sAdd(this.keys.userFamilies(member.userId), familyId);
    }
    for (const id of familyIds) multi.set(this.keys.familySynced(id), '1');
    await multi.exec();
  }

  async get(familyId: string, memberId: string): Promise<KnownMember | undefined> {
    const raw = await this.redis.hGet(this.keys.familyMembers(familyId), memberId);
    return raw ? (JSON.parse(raw) as KnownMember) : undefined;
  }

  async list(familyId: string): Promise<KnownMember[]> {
    return (await this.redis.hVals(this.keys.familyMembers(familyId))).map((m) => JSON.parse(m) as KnownMember);
  }

  async familiesOf(userId: string): Promise<string[]> {
    return this.redis.sMembers(this.keys.userFamilies(userId));
  }
}
