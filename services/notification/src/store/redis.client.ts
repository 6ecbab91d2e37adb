// The node-redis client this service uses, and the one place that names its keys (all under the
// configured prefix, so tests and tenants of a shared Redis never collide).
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  SocketClosedUnexpectedlyError,
  TimeoutError,
  createClient,
} from 'redis';
import type { AppError } from '@family/errors';
import { boundedRedisOptions, redisUnavailable, watchRedisReplies } from '@family/service-kit';

export type RedisClient = ReturnType<typeof createClient>;

/** A node-redis failure that means "Redis cannot be reached right now" → UNAVAILABLE, retryable. */
export function redisUnreachable(err: unknown): AppError | undefined {
  const unreachable =
    err instanceof ClientOfflineError ||
    err instanceof ClientClosedError ||
    err instanceof ConnectionTimeoutError ||
    // Dropped by the reply watchdog: the server stopped answering.
    err instanceof DisconnectsClientError ||
    err instanceof SocketClosedUnexpectedlyError ||
    err instanceof TimeoutError;
  return unreachable
    ? redisUnavailable('STORE_UNAVAILABLE', 'Notifications are unavailable; try again shortly')
    : undefined;
}

/**
 * Follows the connection: `onChange(false)` when it drops, `onChange(true)` once it is ready again
 * (node-redis reconnects by itself), so health can say NOT_SERVING meanwhile.
 */
export function watchRedis(client: RedisClient, onChange: (up: boolean) => void): void {
  client.on('ready', () => onChange(true));
  client.on('reconnecting', () => onChange(false));
  client.on('end', () => onChange(false));
}

export async function connectRedis(url: string, onError: (err: unknown) => void): Promise<RedisClient> {
  // Bounded: a command fails at once while disconnected, and within the bound if Redis hangs.
  const client = createClient(boundedRedisOptions(url));
  // Without a listener an 'error' event would crash the process; node-redis reconnects by itself.
  client.on('error', onError);
  await client.connect();
  watchRedisReplies(client);
  return client;
}

export class RedisKeys {
  constructor(readonly prefix: string) {}
  inbox = (userId: string) => `${this.prefix}inbox:${userId}`;
  inboxItems = (userId: string) => `${this.prefix}inbox:${userId}:items`;
  inboxUnread = (userId: string) => `${this.prefix}inbox:${userId}:unread`;
  inboxRead = (userId: string) => `${this.prefix}inbox:${userId}:read`;
  preferences = (userId: string) => `${this.prefix}prefs:${userId}`;
  digestOptIn = () => `${this.prefix}digest:opted-in`;
  digestSent = (userId: string, date: string) => `${this.prefix}digest:sent:${userId}:${date}`;
  childSettings = (familyId: string, memberId: string) => `${this.prefix}child-settings:${familyId}:${memberId}`;
  /** Hash: child member id → one parent's news settings about that child. */
  childNews = (familyId: string, parentMemberId: string) => `${this.prefix}child-news:${familyId}:${parentMemberId}`;
  devices = (userId: string) => `${this.prefix}devices:${userId}`;
  deviceToken = (token: string) => `${this.prefix}device-token:${token}`;
  familyMembers = (familyId: string) => `${this.prefix}family:${familyId}:members`;
  /** Set once the family's members were loaded from auth; member events keep them current after. */
  familySynced = (familyId: string) => `${this.prefix}family:${familyId}:synced`;
  /** Member ids removed from the family (a late load from auth must not bring them back). */
  familyRemoved = (familyId: string) => `${this.prefix}family:${familyId}:removed`;
  userFamilies = (userId: string) => `${this.prefix}user:${userId}:families`;
  dedup = (eventId: string, userId: string) => `${this.prefix}dedup:${eventId}:${userId}`;
  delivery = (notificationId: string) => `${this.prefix}delivery:${notificationId}`;
}
