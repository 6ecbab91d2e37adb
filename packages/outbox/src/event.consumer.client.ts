// Subscribers reached over gRPC: every one implements family.events.v1.EventConsumerService and is
// called with this producer's service token (scope events:write).
import { ClientError, Status, createGrpcClient, callMetadata, type GrpcClientOptions } from '@family/grpc-kit';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { EventSubscriberConfig } from './event.subscribers.config.js';
import type { OutboxSubscriber } from './outbox.relay.js';

export function grpcEventConsumers(
  subscribers: readonly EventSubscriberConfig[],
  token: () => Promise<string>,
  clientOptions: GrpcClientOptions = {},
): OutboxSubscriber[] {
  return subscribers.map((s) => {
    const client = createGrpcClient(EventConsumerServiceDefinition, s.address, clientOptions);
    return {
      name: s.name,
      eventTypes: s.eventTypes,
      deliver: async (events) => {
        await client.handleEvents({ events }, { metadata: callMetadata({ token: await token() }) });
      },
      transient: isTransientFailure,
    };
  });
}

const TRANSIENT = new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.RESOURCE_EXHAUSTED, Status.CANCELLED]);

/**
 * The subscriber could not be reached or did not answer in time — or this producer could not even
 * call (its service token from auth failed): nothing was said about the event itself.
 */
export function isTransientFailure(err: unknown): boolean {
  return err instanceof ClientError ? TRANSIENT.has(err.code) : true;
}
