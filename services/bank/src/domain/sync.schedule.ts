// When a connection syncs next: the regular interval with jitter (so connections and replicas drift
// apart), and after a provider failure an exponential backoff with jitter that honours the provider's
// Retry-After.

/** The next regular sync: interval × [0.9, 1]; no timer (interval 0) → far in the future. */
export function nextScheduled(now: Date, intervalMs: number, random = Math.random): Date {
  if (intervalMs <= 0) return new Date('9999-01-01T00:00:00Z');
  return new Date(now.getTime() + Math.round(intervalMs * (1 - 0.1 * random())));
}

/**
 * The retry after the `failures`-th failure in a row: base × 2^(failures − 1), capped, drawn from the
 * upper half so retries spread out; never sooner than the provider asked.
 */
export function retryDelayMs(
  failures: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined },
  random = Math.random,
): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  const jittered = Math.round(exp * (0.5 + 0.5 * random()));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
