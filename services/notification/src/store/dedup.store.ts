// Once-only markers: (event, recipient) pairs already notified, digests already sent, and the
// delivery outcome per notification and channel reported by the BFF's workers.
import type { RedisClient, RedisKeys } from './redis.client.js';

export class DedupStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds: number,
  ) {}

  async seen(eventId: string, userId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.dedup(eventId, userId))) === 1;
  }

  /** Marks the pair done; false when it already was. */
  async mark(eventId: string, userId: string): Promise<boolean> {
    const r = await this.redis.set(this.keys.dedup(eventId, userId), '1', {
      condition: 'NX',
      expiration: { type: 'EX', value: this.ttlSeconds },
    });
    return r === 'OK';
  }

  /** Claims the digest of (user, local date); false when it was already sent. */
  async claimDigest(userId: string, date: string): Promise<boolean> {
    const r = await this.redis.set(this.keys.digestSent(userId, date), '1', {
      condition: 'NX',
      expiration: { type: 'EX', value: 3 * 24 * 3600 },
    });
    return r === 'OK';
  }

  /** Gives the claim back when the digest could not be enqueued, so the next pass retries. */
  async releaseDigest(userId: string, date: string): Promise<void> {
    await this.redis.del(this.keys.digestSent(userId, date));
  }

  async recordDelivery(notificationId: string, channel: string, outcome: Record<string, unknown>): Promise<void> {
    const key = this.keys.delivery(notificationId);
    await this.redis
      .multi()
      .hSet(key, channel, JSON.stringify(outcome))
      .expire(key, 30 * 24 * 3600)
      .exec();
  }
}
