// Users' stored preference overrides, the digest opt-in set, and parents' settings per child.
import type { RedisClient, RedisKeys } from './redis.client.js';
import type { QuietHours } from '../domain/notification.types.js';

export interface StoredPreferences {
  /** "CATEGORY:CHANNEL" → enabled; pairs not listed take their defaults. */
  overrides: Record<string, boolean>;
  quietHours: QuietHours;
  dailyDigest: boolean;
  urgentOverride: boolean;
  updatedAt: string;
}

export interface StoredChildSettings {
  overrides: Record<string, boolean>;
  updatedByMemberId: string;
  updatedAt: string;
}

export interface StoredChildNews {
  overrides: Record<string, boolean>;
  smsEscalation: boolean;
  updatedAt: string;
}

export class PreferencesStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async get(userId: string): Promise<StoredPreferences | undefined> {
    const raw = await this.redis.get(this.keys.preferences(userId));
    return raw ? (JSON.parse(raw) as StoredPreferences) : undefined;
  }

  async put(userId: string, prefs: StoredPreferences): Promise<void> {
    const multi = this.redis.multi().set(this.keys.preferences(userId), JSON.stringify(prefs));
    if (prefs.dailyDigest) multi.sAdd(this.keys.digestOptIn(), userId);
    else multi.sRem(this.keys.digestOptIn(), userId);
    await multi.exec();
  }

  async digestUsers(): Promise<string[]> {
    return this.redis.sMembers(this.keys.digestOptIn());
  }

  async getChild(familyId: string, memberId: string): Promise<StoredChildSettings | undefined> {
    const raw = await this.redis.get(this.keys.childSettings(familyId, memberId));
    return raw ? (JSON.parse(raw) as StoredChildSettings) : undefined;
  }

  async putChild(familyId: string, memberId: string, settings: StoredChildSettings): Promise<void> {
    await this.redis.set(this.keys.childSettings(familyId, memberId), JSON.stringify(settings));
  }

  /** A member left the family: their settings as a child and as a parent go with them. */
  async forgetMember(familyId: string, memberId: string, parentMemberIds: readonly string[]): Promise<void> {
    const multi = this.redis
      .multi()
      .del(this.keys.childSettings(familyId, memberId))
      .del(this.keys.childNews(familyId, memberId));
    for (const parent of parentMemberIds) multi.hDel(this.keys.childNews(familyId, parent), memberId);
    await multi.exec();
  }

  /** One parent's news settings for several children of a family at once (fan-out reads per event). */
  async getChildNews(
    familyId: string,
    parentMemberId: string,
    childMemberIds: readonly string[],
  ): Promise<Map<string, StoredChildNews>> {
    const out = new Map<string, StoredChildNews>();
    if (childMemberIds.length === 0) return out;
    const raw = await this.redis.hmGet(this.keys.childNews(familyId, parentMemberId), [...childMemberIds]);
    childMemberIds.forEach((id, i) => {
      const value = raw[i];
      if (value) out.set(id, JSON.parse(value) as StoredChildNews);
    });
    return out;
  }

  async putChildNews(
    familyId: string,
    parentMemberId: string,
    childMemberId: string,
    settings: StoredChildNews,
  ): Promise<void> {
    await this.redis.hSet(this.keys.childNews(familyId, parentMemberId), childMemberId, JSON.stringify(settings));
  }
}
