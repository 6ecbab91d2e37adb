// A family's members as the auth service knows them, asked on behalf of the calling user and cached
// for MEMBER_CACHE_MS. An id not in the cached list triggers a refresh at once (a child added a moment
// ago); concurrent refreshes of one family share a single call.
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
  ) {}

  /** The member, or undefined when the id is not a member of the family. */
  async find(familyId: string, memberId: string, token: string): Promise<MemberInfo | undefined> {
    let entry = this.cache.get(familyId);
    let fresh = false;
    if (!entry || Date.now() - entry.fetchedAt > this.ttlMs) {
      entry = await this.refresh(familyId, token);
      fresh = true;
    }
    const member = entry.members.get(memberId);
    if (member || fresh) return member;
    return (await this.refresh(familyId, token)).members.get(memberId);
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
