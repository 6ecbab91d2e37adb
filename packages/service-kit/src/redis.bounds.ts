// The bounds every Redis client in the mesh runs with, so a Redis that is gone or hung costs a
// request a short, known delay instead of its whole budget: commands are refused at once while the
// client is disconnected (no offline queue), a connection whose server stops answering is dropped
// after `commandTimeoutMs` by the reply watchdog (its commands in flight fail), reconnects back off
// up to `maxReconnectDelayMs` and never give up (the client recovers by itself when Redis returns),
// and closing a client whose server is gone cannot hang.
import { AppError } from '@family/errors';

export interface RedisBounds {
  /** A TCP connect (first or reconnect) that takes longer fails. */
  connectTimeoutMs: number;
  /**
   * A connection whose server answers nothing for this long is taken as hung: the watchdog drops it
   * (every command in flight on it fails) and opens another.
   */
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

/**
 * node-redis `createClient` options with the bounds above. No per-command `timeout`: node-redis
 * applies it only until a command is written (not while it waits for the reply), and it costs an
 * `AbortSignal.timeout` per command; `watchRedisReplies` bounds the replies instead.
 */
export function boundedRedisOptions(url: string, bounds: Partial<RedisBounds> = {}) {
  const b = { ...DEFAULT_REDIS_BOUNDS, ...bounds };
  return {
    url,
    disableOfflineQueue: true,
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

/** What the reply watchdog needs of a node-redis client. */
export interface WatchedRedis extends ClosableRedis {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  ping(): Promise<unknown>;
  on(event: 'ready' | 'error', listener: () => void): unknown;
}

const watchdogs = new WeakMap<object, () => void>();

/**
 * Bounds the replies of a connected node-redis client. A server that stops answering (hung, paused,
 * behind a network that drops packets) keeps the TCP connection up, and node-redis would leave every
 * written command waiting until TCP gives up, minutes later. Every `timeoutMs / 2` the watchdog
 * pings; when a ping is not answered within `timeoutMs`, or a connection attempt has shown no sign
 * of life (no `ready`, no `error`) for as long, the connection is dropped — every command in flight
 * fails at once with `DisconnectsClientError` — and opened again. A Redis that refuses connections is
 * left to node-redis's own reconnects (each failed attempt is a sign of life). One ping per interval
 * and connection, nothing per command. `closeRedisWithin` stops it; so does the returned function.
 */
export function watchRedisReplies(client: WatchedRedis, timeoutMs = DEFAULT_REDIS_BOUNDS.commandTimeoutMs): () => void {
  // Bumped whenever the connection is replaced, so a late answer of an old one changes nothing.
  let epoch = 0;
  let pingSince: number | undefined;
  let lastSign = Date.now();
  const alive = () => (lastSign = Date.now());
  client.on('ready', alive);
  client.on('error', alive);
  const reopen = () => {
    epoch++;
    pingSince = undefined;
    alive();
    try {
      client.destroy();
    } catch {
      // Already closed.
    }
    // A failed or abandoned attempt shows on the next tick (no ready within the bound).
    client.connect().catch(() => undefined);
  };
  const interval = Math.max(10, Math.floor(timeoutMs / 2));
  let lastTick = Date.now();
  const tick = () => {
    const now = Date.now();
    const stalled = now - lastTick - interval;
    lastTick = now;
    // This process's event loop stood still (a loaded machine): a reply may be waiting unread, so the
    // stall does not count against Redis.
    if (stalled > interval) {
      lastSign += stalled;
      if (pingSince !== undefined) pingSince += stalled;
    }
    if (!client.isOpen) return; // closed by its owner, or between the drop and the reopen
    if (!client.isReady) {
      if (now - lastSign > timeoutMs) reopen();
      return;
    }
    if (pingSince !== undefined) {
      if (now - pingSince > timeoutMs) reopen();
      return;
    }
    const mine = epoch;
    pingSince = now;
    const answered = () => {
      if (mine !== epoch) return;
      pingSince = undefined;
      alive();
    };
    client.ping().then(answered, answered);
  };
  const timer = setInterval(tick, interval);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    watchdogs.delete(client);
  };
  watchdogs.set(client, stop);
  return stop;
}

/**
 * Closes a client gracefully (replies in flight are awaited) but within `timeoutMs`: a client whose
 * server is gone is destroyed instead. Never rejects.
 */
export async function closeRedisWithin(
  client: ClosableRedis,
  timeoutMs = DEFAULT_REDIS_BOUNDS.closeTimeoutMs,
): Promise<void> {
  watchdogs.get(client)?.();
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
