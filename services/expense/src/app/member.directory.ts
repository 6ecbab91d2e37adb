// A family's members as the auth service knows them, asked on behalf of the calling user and cached
// briefly; an unknown member id triggers one early refresh (a child added a moment ago).
import { AppError } from '@family/errors';
import type { MemberInfo } from './auth.gateway.js';

interface Entry {
  members: Map<string, MemberInfo>;
  fetchedAt: number;
}

export class MemberDirectory {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly fetch: (familyId: string, token: string) => Promise<MemberInfo[]>,
    private readonly ttlMs: number,
    private readonly refreshCooldownMs = 1000,
  ) {}

  async members(familyId: string, token: string): Promise<Map<string, MemberInfo>> {
    const entry = this.cache.get(familyId);
    if (entry && Date.now() - entry.fetchedAt <= this.ttlMs) return entry.members;
    return this.refresh(familyId, token);
  }

  /** The member, or a violation on `field` when the id is not a member of the family. */
  async require(familyId: string, memberId: string, token: string, field: string): Promise<MemberInfo> {
    const member = await this.find(familyId, memberId, token);
    if (!member) throw AppError.invalidField(field, 'is not a member of this family');
    return member;
  }

  /** The member, or undefined when the id is not a member of the family. */
  async find(familyId: string, memberId: string, token: string): Promise<MemberInfo | undefined> {
    let members = await this.members(familyId, token);
    let member = members.get(memberId);
    const entry = this.cache.get(familyId);
    if (!member && entry && Date.now() - entry.fetchedAt > this.refreshCooldownMs) {
      members = await this.refresh(familyId, token);
      member = members.get(memberId);
    }
    return member;
  }

  private async refresh(familyId: string, token: string) {
    const list = await this.fetch(familyId, token);
    const members = new Map(list.map((m) => [m.id, m]));
    this.cache.set(familyId, { members, fetchedAt: Date.now() });
    return members;
  }
}
