// A family's members as the auth service knows them, asked on behalf of the calling user and cached
// for a while. An id not in the cached list triggers one early refresh (a child added a moment ago),
// at most once per cooldown so random ids cannot turn into a stream of calls; concurrent refreshes of
// one family share a single call.
import { AppError } from '@family/errors';
import type { MemberInfo } from './auth.gateway.js';

interface Entry {
  members: Map<string, MemberInfo>;
  fetchedAt: number;
}

export class MemberDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(
    private readonly fetch: (familyId: string, token: string) => Promise<MemberInfo[]>,
    private readonly ttlMs: number,
    private readonly refreshCooldownMs = 1000,
  ) {}

  /** Every member of the family (id → member). */
  async members(familyId: string, token: string): Promise<Map<string, MemberInfo>> {
    return (await this.current(familyId, token)).entry.members;
  }

  /** Drops the cached list of a family (a member joined, left or changed role). */
  forget(familyId: string): void {
    this.cache.delete(familyId);
  }

  /** The member, or undefined when the id is not a member of the family. */
  async find(familyId: string, memberId: string, token: string): Promise<MemberInfo | undefined> {
    const { entry, fresh } = await this.current(familyId, token);
    const member = entry.members.get(memberId);
    if (member || fresh || Date.now() - entry.fetchedAt <= this.refreshCooldownMs) return member;
    return (await this.refresh(familyId, token)).members.get(memberId);
  }

  /** The member, or a violation on `field` when the id is not a member of the family. */
  async require(familyId: string, memberId: string, token: string, field: string): Promise<MemberInfo> {
    const member = await this.find(familyId, memberId, token);
    if (!member) throw AppError.invalidField(field, 'is not a member of this family');
    return member;
  }

  private async current(familyId: string, token: string): Promise<{ entry: Entry; fresh: boolean }> {
    const entry = this.cache.get(familyId);
    if (entry && Date.now() - entry.fetchedAt <= this.ttlMs) return { entry, fresh: false };
    return { entry: await this.refresh(familyId, token), fresh: true };
  }

  private refresh(familyId: string, token: string): Promise<Entry> {
    let pending = this.inflight.get(familyId);
    if (!pending) {
      pending = this.fetch(familyId, token)
        .then((list) => {
          const entry = { members: new Map(list.map((m) => [m.id, m])), fetchedAt: Date.now() };
          this.cache.set(familyId, entry);
          return entry;
        })
        .finally(() => this.inflight.delete(familyId));
      this.inflight.set(familyId, pending);
    }
    return pending;
  }
}
