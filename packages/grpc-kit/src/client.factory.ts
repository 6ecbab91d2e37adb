// Typed gRPC clients with the kit's defaults: a deadline on every call, retries for idempotent
// methods (those marked NO_SIDE_EFFECTS or IDEMPOTENT in the contracts), rich error details, and
// metrics. Authorization and request id travel in metadata built by callMetadata().
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
  const channel = typeof address === 'string' ? createChannel(address) : address;
  // In nice-grpc a later .use() wraps the earlier ones: error details innermost, then retries, then
  // one deadline over all attempts (and the waits between them), then metrics around everything.
  let factory = createClientFactory().use(errorDetailsClientMiddleware).use(retryMiddleware).use(deadlineMiddleware);
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
