export { createOutboxTable } from './outbox.table.js';
export { Outbox, type OutboxDatabase } from './outbox.js';
export { OutboxRelay, type OutboxSubscriber, type OutboxRelayOptions } from './outbox.relay.js';
export { newEvent, eventTypeOf, type EventPayload } from './domain.event.js';
export { grpcSubscribers, type SubscriberAddresses } from './grpc.subscribers.js';
