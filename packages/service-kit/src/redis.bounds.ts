// The bounds every Redis client in the mesh runs with, so a Redis that is gone or hung costs a
// request a short, known delay instead of its whole budget: commands are refused at once while the
// client is disconnected (no offline queue), a command the server does not answer fails after
// `commandTimeoutMs`, reconnects back off up to `maxReconnectDelayMs` and never give up (the client
// recovers by itself when Redis returns), and closing a client whose server is gone cannot hang.
import { AppError } from '@family/errors';

export interface RedisBounds {
  /** A TCP connect (first or reconnect) that takes longer fails. */
  connectTimeoutMs: number;
  /** A command the server does not answer within this fails with a timeout. */
  commandTimeoutMs: number;
  /** Reconnect back-off cap: at most this long between attempts. */
  maxReconnectDelayMs: number;
  /** How long close() may wait for replies in flight before the socket is destroyed. */
  closeTimeoutMs: number;
}

export const DEFAULT_REDIS_BOUNDS: RedisBounds = {
  connectTimeoutMs: 1_000,
  // Generous enough for an event loop stalled by a loaded machine (one-process local mode), short next
  // to a request budget of 10 s.
  commandTimeoutMs: 3_000,
  maxReconnectDelayMs: 1_000,
  closeTimeoutMs: 1_000,
};

/** How long a client answered "unavailable" should wait before trying again (Retry-After). */
export const REDIS_RETRY_AFTER_SECONDS = 2;

/** What a Redis user answers while Redis cannot be reached: 503 / UNAVAILABLE, retry shortly. */
export function redisUnavailable(code: string, message: string): AppError {
  return new AppError('UNAVAILABLE', code, message, { retryAfterSeconds: REDIS_RETRY_AFTER_SECONDS });
}

/** node-redis `createClient` options with the bounds above. */
export function boundedRedisOptions(url: string, bounds: Partial<RedisBounds> = {}) {
  const b = { ...DEFAULT_REDIS_BOUNDS, ...bounds };
  return {
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: b.commandTimeoutMs },
    socket: {
      connectTimeout: b.connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), b.maxReconnectDelayMs),
    },
  };
}

export interface ClosableRedis {
  close(): Promise<unknown>;
  destroy(): void;
}

/**
 * Closes a client gracefully (replies in flight are awaited) but within `timeoutMs`: a client whose
 * server is gone is destroyed instead. Never rejects.
 */
export async function closeRedisWithin(
  client: ClosableRedis,
  timeoutMs = DEFAULT_REDIS_BOUNDS.closeTimeoutMs,
): Promise<void> {
  const destroy = () => {
    try {
      client.destroy();
    } catch {
      // Already closed.
    }
  };
  await within(
    client.close().then(() => undefined),
    timeoutMs,
    destroy,
  ).catch(destroy);
}

/** Settles like `work`, or runs `onTimeout` (and resolves to its result) after `timeoutMs`. */
export async function within<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([work.then((value) => ({ value })), timedOut]);
    return outcome === 'timeout' ? await onTimeout() : outcome.value;
  } finally {
    clearTimeout(timer);
  }
}
