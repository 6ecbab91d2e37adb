// This service's copy of who belongs to which family (member id → user id, role), kept from auth's
// member.joined / member.removed / member.role_changed events. It exists because auth has no
// service-token call that lists a family's members (see docs/decisions/0013-notification-service.md).
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
      .exec();
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
