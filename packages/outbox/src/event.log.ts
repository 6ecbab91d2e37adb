// A producer's event log in one call: the config every producer reads (subscribers, polling,
// attempts, retention), the outbox its transactions write to, and the relay that delivers it.
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { env } from '@family/config';
import type { GrpcMetrics } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
import { eventSubscribersEnv } from './event.subscribers.config.js';
import { grpcEventConsumers } from './event.consumer.client.js';
import { Outbox } from './outbox.js';
import { OutboxRelay } from './outbox.relay.js';

/** Spread into a producer's zod config schema. */
export const eventLogConfig = {
  /**
   * Who receives this service's events: `name=host:port[type …]` entries separated by commas, e.g.
   * `notification=notification:50055,expense=expense:50052[jar.spent]` (no brackets: every event).
   */
  EVENT_SUBSCRIBERS: eventSubscribersEnv(),
  OUTBOX_POLL_MS: env.int(1000, 10),
  /** Failed deliveries of one event to one subscriber before it is parked (and the next one goes). */
  OUTBOX_MAX_ATTEMPTS: env.int(8, 1),
  /** Acknowledged events are kept this many days, so a subscriber added later backfills from them. */
  OUTBOX_RETENTION_DAYS: env.int(30, 1),
};

export type EventLogConfig = { [K in keyof typeof eventLogConfig]: z.output<(typeof eventLogConfig)[K]> };

export interface EventLog {
  outbox: Outbox;
  relay: OutboxRelay;
}

export function openEventLog(input: {
  db: Kysely<any>;
  /** Names the producer in metrics and task names. */
  producer: string;
  config: EventLogConfig;
  /** This service's token for the subscribers (scope events:write). */
  token: () => Promise<string>;
  logger: Logger;
  metrics?: GrpcMetrics | undefined;
}): EventLog {
  const { config, metrics } = input;
  const relay = new OutboxRelay({
    db: input.db,
    subscribers: grpcEventConsumers(config.EVENT_SUBSCRIBERS, input.token, metrics ? { metrics } : {}),
    logger: input.logger.child({ component: 'outbox' }),
    producer: input.producer,
    pollIntervalMs: config.OUTBOX_POLL_MS,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    retentionMs: config.OUTBOX_RETENTION_DAYS * 86_400_000,
    registry: metrics?.registry,
  });
  return { relay, outbox: new Outbox(() => relay.kick()) };
}
