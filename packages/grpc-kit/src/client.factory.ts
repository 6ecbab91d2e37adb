// Typed gRPC clients with the kit's defaults: a deadline on every call, retries for idempotent
// methods (those marked NO_SIDE_EFFECTS or IDEMPOTENT in the contracts), another try for any call
// that was never sent, rich error details, and metrics. Authorization and request id travel in
// metadata built by callMetadata().
import {
  Status,
  createChannel,
  createClientFactory,
  Metadata,
  type Channel,
  type Client,
  type CompatServiceDefinition,
} from 'nice-grpc';
import { deadlineMiddleware, type DeadlineOptions } from 'nice-grpc-client-middleware-deadline';
import { retryMiddleware, type RetryOptions } from 'nice-grpc-client-middleware-retry';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import type { GrpcMetrics } from './grpc.metrics.js';
import { unsentCallRetryMiddleware } from './unsent.retry.js';

/**
 * A channel to one server. Each channel keeps its own connections: grpc-js otherwise shares them
 * process-wide by address, so a channel to a server that just started on a port an earlier,
 * stopped server used would inherit that server's failed connection and its reconnect backoff.
 * Reconnecting starts after 200 ms rather than grpc-js's 1 s, so a service that restarts is reached
 * again within the tries given to unsent calls; it backs off to 5 s while the server stays away.
 */
export function openChannel(address: string): Channel {
  return createChannel(address, undefined, {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 5000,
  });
}

export type KitCallOptions = DeadlineOptions & RetryOptions;

export interface GrpcClientOptions {
  /** Deadline for calls that do not set one, in milliseconds. */
  defaultDeadlineMs?: number;
  metrics?: GrpcMetrics;
}

export function createGrpcClient<D extends CompatServiceDefinition>(
  definition: D,
  address: string | Channel,
  options: GrpcClientOptions = {},
): Client<D, KitCallOptions> {
  const channel = typeof address === 'string' ? openChannel(address) : address;
  // In nice-grpc a later .use() wraps the earlier ones: error details innermost, then the tries of
  // unsent calls, then retries, then one deadline over all attempts (and the waits between them),
  // then metrics around everything.
  let factory = createClientFactory()
    .use(errorDetailsClientMiddleware)
    .use(unsentCallRetryMiddleware)
    .use(retryMiddleware)
    .use(deadlineMiddleware);
  if (options.metrics) factory = factory.use(options.metrics.clientMiddleware);
  const client = factory.create(definition, channel, {
    '*': {
      deadline: options.defaultDeadlineMs ?? 5000,
      retryMaxAttempts: 3,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 1000,
      // Only a server that could not be reached is worth another try; INTERNAL means a bug.
      retryableStatuses: [Status.UNAVAILABLE],
    },
  });
  return client as unknown as Client<D, KitCallOptions>;
}

/** Metadata for an outbound call made on behalf of a caller. */
export function callMetadata(input: { token?: string | undefined; requestId?: string | undefined }): Metadata {
  const metadata = new Metadata();
  if (input.token) metadata.set('authorization', `Bearer ${input.token}`);
  if (input.requestId) metadata.set('x-request-id', input.requestId);
  return metadata;
}
