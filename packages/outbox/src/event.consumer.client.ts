// Subscribers reached over gRPC: every one implements family.events.v1.EventConsumerService and is
// called with this producer's service token (scope events:write).
import { createGrpcClient, callMetadata, type GrpcClientOptions } from '@family/grpc-kit';
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
    };
  });
}
