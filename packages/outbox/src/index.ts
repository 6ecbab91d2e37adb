export { createOutboxTable } from './outbox.table.js';
export { createEventLogTables } from './event.log.tables.js';
export { migrateOutboxToEventLog } from './event.log.migration.js';
export { Outbox, type OutboxDatabase } from './outbox.js';
export { OutboxRelay, type OutboxSubscriber, type OutboxRelayOptions } from './outbox.relay.js';
export { listParked, requestRedrive, type ParkedEvent } from './parked.events.js';
export { pruneEventLog } from './event.log.retention.js';
export {
  eventSubscribersEnv,
  parseEventSubscribers,
  wantsEvent,
  type EventSubscriberConfig,
} from './event.subscribers.config.js';
export { grpcEventConsumers } from './event.consumer.client.js';
export { openEventLog, eventLogConfig, type EventLog, type EventLogConfig } from './event.log.js';
export { newEvent, eventTypeOf, type EventPayload } from './domain.event.js';
