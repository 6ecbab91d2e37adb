// Per-user inbox in Redis: a ZSET ordered by "<createdAt ms>:<id>" (newest last, trimmed to the
// newest N), a HASH of the notifications, a SET of unread ids and a HASH of read times.
import type { RedisClient, RedisKeys } from './redis.client.js';
import type { InboxItem, StoredNotification } from '../domain/notification.types.js';

const orderKey = (n: { id: string; createdAt: string }) =>
  `${String(new Date(n.createdAt).getTime()).padStart(15, '0')}:${n.id}`;

export class InboxStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly maxItems: number,
  ) {}

  /** Adds a notification; false when it was already there (a redelivered event). */
  async add(n: StoredNotification): Promise<boolean> {
    const added = await this.redis.hSetNX(this.keys.inboxItems(n.userId), n.id, JSON.stringify(n));
    if (!added) return false;
    await this.redis
      .multi()
      .zAdd(this.keys.inbox(n.userId), { score: 0, value: orderKey(n) })
      .sAdd(this.keys.inboxUnread(n.userId), n.id)
      .exec();
    await this.trim(n.userId);
    return true;
  }

  /**
   * Drops everything below the newest `maxItems`. Safe under concurrent adds: an entry outside the
   * newest N never gets back in (entries are only added, and only ones outside the newest N removed),
   * so concurrent trims never remove one that should stay.
   */
  private async trim(userId: string): Promise<void> {
    const old = await this.redis.zRange(this.keys.inbox(userId), 0, -(this.maxItems + 1));
    if (old.length === 0) return;
    const ids = old.map((k) => k.slice(k.indexOf(':') + 1));
    await this.redis
      .multi()
      .zRem(this.keys.inbox(userId), old)
      .hDel(this.keys.inboxItems(userId), ids)
      .sRem(this.keys.inboxUnread(userId), ids)
      .hDel(this.keys.inboxRead(userId), ids)
      .exec();
  }

  async get(userId: string, id: string): Promise<InboxItem | undefined> {
    const [raw, readAt] = await Promise.all([
      this.redis.hGet(this.keys.inboxItems(userId), id),
      this.redis.hGet(this.keys.inboxRead(userId), id),
    ]);
    if (!raw) return undefined;
    return { ...(JSON.parse(raw) as StoredNotification), ...(readAt ? { readAt } : {}) };
  }

  /**
   * Newest first, after the order key `after` (exclusive), keeping those `keep` accepts, at most
   * `limit`; `next` is the order key to continue from when more remain.
   */
  async page(
    userId: string,
    input: { after?: string; limit: number; keep: (n: InboxItem) => boolean },
  ): Promise<{ items: InboxItem[]; next?: string }> {
    const items: InboxItem[] = [];
    let from = input.after ? `(${input.after}` : '+';
    const batch = Math.max(input.limit * 2, 50);
    for (;;) {
      const keys = await this.redis.zRange(this.keys.inbox(userId), from, '-', {
        BY: 'LEX',
        REV: true,
        LIMIT: { offset: 0, count: batch },
      });
      if (keys.length === 0) return { items };
      const ids = keys.map((k) => k.slice(k.indexOf(':') + 1));
      const [raws, reads] = await Promise.all([
        this.redis.hmGet(this.keys.inboxItems(userId), ids),
        this.redis.hmGet(this.keys.inboxRead(userId), ids),
      ]);
      for (let i = 0; i < keys.length; i++) {
        const raw = raws[i];
        if (!raw) continue;
        const readAt = reads[i];
        const item: InboxItem = { ...(JSON.parse(raw) as StoredNotification), ...(readAt ? { readAt } : {}) };
        if (!input.keep(item)) continue;
        if (items.length === input.limit) return { items, next: orderKey(items[items.length - 1]!) };
        items.push(item);
      }
      if (keys.length < batch) return { items };
      from = `(${keys[keys.length - 1]}`;
    }
  }

  async all(userId: string): Promise<InboxItem[]> {
    return (await this.page(userId, { limit: this.maxItems + 1, keep: () => true })).items;
  }

  async unreadCount(userId: string): Promise<number> {
    return this.redis.sCard(this.keys.inboxUnread(userId));
  }

  /** Marks the ids read at `at` (already-read ones keep their time); returns how many changed. */
  async markRead(userId: string, ids: string[], at: Date): Promise<number> {
    let changed = 0;
    for (const id of ids) {
      const removed = await this.redis.sRem(this.keys.inboxUnread(userId), id);
      if (removed) {
        await this.redis.hSetNX(this.keys.inboxRead(userId), id, at.toISOString());
        changed++;
      }
    }
    return changed;
  }

  async unreadIds(userId: string): Promise<string[]> {
    return this.redis.sMembers(this.keys.inboxUnread(userId));
  }
}

export { orderKey };
