// BullMQ speaks ioredis: REDIS_URL turned into ioredis connection options.
import { queuePrefix } from '@family/delivery-jobs';
import type { ConnectionOptions } from 'bullmq';

export function bullConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers block on Redis; BullMQ requires commands to wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
  };
}

/** BullMQ's `prefix`: the contract's, under REDIS_KEY_PREFIX (the notification service uses the same). */
export function bullPrefix(config: { REDIS_KEY_PREFIX: string }): string {
  return queuePrefix(config.REDIS_KEY_PREFIX);
}
