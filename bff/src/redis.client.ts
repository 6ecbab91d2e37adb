// The BFF's node-redis client: rate limits and idempotency records live here.
import { createClient } from 'redis';
import type { Logger } from '@family/logger';
import { boundedRedisOptions, watchRedisReplies } from '@family/service-kit';

export type BffRedis = ReturnType<typeof createClient>;

export async function connectRedis(url: string, logger: Logger): Promise<BffRedis> {
  // Fail commands at once while disconnected (and after a bound when Redis hangs) instead of
  // queueing them past the request's deadline.
  const client = createClient(boundedRedisOptions(url));
  // Without a listener an 'error' event would crash the process; node-redis reconnects by itself.
  client.on('error', (err: unknown) => logger.warn({ err }, 'redis connection error'));
  await client.connect();
  watchRedisReplies(client);
  return client;
}
