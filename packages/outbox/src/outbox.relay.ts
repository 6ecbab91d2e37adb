// Delivers a producer's event log to each configured subscriber independently: one PeriodicTask per
// subscriber (its own cursor, lease, retries and parked events), plus one that deletes events past
// retention once every subscriber has passed them. Safe with several replicas; at-least-once.
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Logger } from '@family/logger';
import { PeriodicTask } from '@family/service-kit';
import type { OutboxDatabase } from './outbox.js';
import { relayMetrics } from './relay.metrics.js';
import { SubscriberDelivery, type OutboxSubscriber } from './subscriber.delivery.js';
import { listParked, requestRedrive, type ParkedEvent } from './parked.events.js';
import { pruneEventLog } from './event.log.retention.js';

export type { OutboxSubscriber } from './subscriber.delivery.js';

export interface OutboxRelayOptions {
  db: Kysely<any>;
  subscribers: OutboxSubscriber[];
  logger: Logger;
  /** Names the producer in metrics and task names ('auth', 'expense', …). */
  producer?: string;
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a relay owns a subscriber without renewing; must exceed one delivery call's deadline. */
  leaseMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Failed attempts after which an event is parked for that subscriber (OUTBOX_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** Acknowledged events are kept this long (OUTBOX_RETENTION_DAYS), then deleted. */
  retentionMs?: number;
  cleanupIntervalMs?: number;
  registry?: Registry | undefined;
}

export class OutboxRelay {
  private readonly db: Kysely<OutboxDatabase>;
  private readonly deliveries = new Map<string, SubscriberDelivery>();
  private readonly tasks = new Map<string, PeriodicTask>();
  private readonly cleanup: PeriodicTask;
  private readonly retentionMs: number;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db as Kysely<OutboxDatabase>;
    const producer = options.producer ?? 'outbox';
    const metrics = options.registry ? relayMetrics(options.registry) : undefined;
    const settings = {
      producer,
      batchSize: options.batchSize ?? 100,
      leaseMs: options.leaseMs ?? 30_000,
      retryBaseMs: options.retryBaseMs ?? 1000,
      retryMaxMs: options.retryMaxMs ?? 5 * 60_000,
      maxAttempts: options.maxAttempts ?? 8,
    };
    this.retentionMs = options.retentionMs ?? 30 * 86_400_000;
    for (const subscriber of options.subscribers) {
      if (this.deliveries.has(subscriber.name)) throw new Error(`subscriber '${subscriber.name}' is listed twice`);
      const logger = options.logger.child({ subscriber: subscriber.name });
      const delivery = new SubscriberDelivery(this.db, subscriber, settings, logger, metrics);
      this.deliveries.set(subscriber.name, delivery);
      this.tasks.set(
        subscriber.name,
        new PeriodicTask({
          name: `outbox-relay:${producer}:${subscriber.name}`,
          intervalMs: options.pollIntervalMs ?? 1000,
          run: () => delivery.run(),
          logger,
          registry: options.registry,
        }),
      );
    }
    this.cleanup = new PeriodicTask({
      name: `outbox-retention:${producer}`,
      intervalMs: options.cleanupIntervalMs ?? 10 * 60_000,
      run: async () => void (await this.pruneRetained()),
      logger: options.logger,
      registry: options.registry,
    });
  }

  get subscriberNames(): string[] {
    return [...this.deliveries.keys()];
  }

  start(): void {
    for (const task of this.tasks.values()) task.start();
    this.cleanup.start();
  }

  /** Wakes every subscriber's loop (after new events were written). */
  kick(): void {
    for (const task of this.tasks.values()) task.kick();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.tasks.values(), this.cleanup].map((t) => t.stop()));
    await Promise.all([...this.deliveries.values()].map((d) => d.releaseLease()));
  }

  /** Runs one pass for each subscriber (or the one named) and waits for it; for tests and tools. */
  async runOnce(subscriber?: string): Promise<void> {
    const names = subscriber ? [subscriber] : [...this.tasks.keys()];
    for (const name of names) this.deliveries.get(name)?.checkRedriveNextPass();
    await Promise.all(names.map((name) => this.task(name).runNow()));
  }

  /**
   * Asks for the subscriber's parked events (all, or those with the given event ids) to be delivered
   * again, and wakes its loop. Resolves to how many were queued; one that fails again stays parked.
   */
  async redrive(subscriber: string, eventIds?: readonly string[]): Promise<number> {
    const task = this.task(subscriber);
    const queued = await requestRedrive(this.db, subscriber, eventIds);
    this.deliveries.get(subscriber)?.checkRedriveNextPass();
    task.kick();
    return queued;
  }

  async parked(subscriber?: string): Promise<ParkedEvent[]> {
    return listParked(this.db, subscriber);
  }

  /** Deletes events past retention that every configured subscriber has acknowledged or parked. */
  async pruneRetained(): Promise<number> {
    return pruneEventLog(this.db, {
      subscribers: this.subscriberNames,
      olderThan: new Date(Date.now() - this.retentionMs),
    });
  }

  private task(subscriber: string): PeriodicTask {
    const task = this.tasks.get(subscriber);
    if (!task) throw new Error(`'${subscriber}' is not a configured event subscriber`);
    return task;
  }
}
