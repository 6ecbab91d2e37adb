// Another try for a unary call that never left this process. grpc-js fails a call at once with
// UNAVAILABLE "No connection established" while its channel has no connection (a server that is
// starting, restarting or briefly unreachable): the request was not sent, so trying again is safe
// even for a method with side effects (Register, CreateExpense), which the retry middleware leaves
// alone (methods without side effects are its own: it retries them on any UNAVAILABLE, and trying
// them here as well would multiply the tries). A server that stays unreachable still answers
// UNAVAILABLE, after about a second.
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, Status, type ClientMiddleware } from 'nice-grpc-common';
import { rethrowAbortError } from 'abort-controller-x';

/** Waits before each further try, in milliseconds; their number bounds the tries. */
const WAITS_MS = [50, 150, 300, 600];

/** True when grpc-js refused the call before sending it, for want of a connection. */
export function wasNeverSent(error: unknown): boolean {
  return (
    error instanceof ClientError &&
    error.code === Status.UNAVAILABLE &&
    /(^|: )No connection established/.test(error.details)
  );
}

export const unsentCallRetryMiddleware: ClientMiddleware = async function* unsentCallRetry(call, options) {
  const { idempotencyLevel } = call.method.options;
  const retriedElsewhere = idempotencyLevel === 'IDEMPOTENT' || idempotencyLevel === 'NO_SIDE_EFFECTS';
  if (call.requestStream || call.responseStream || retriedElsewhere) return yield* call.next(call.request, options);
  for (let attempt = 0; ; attempt++) {
    try {
      return yield* call.next(call.request, options);
    } catch (error) {
      rethrowAbortError(error);
      const wait = WAITS_MS[attempt];
      if (wait === undefined || !wasNeverSent(error)) throw error;
      await sleep(wait, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
};
