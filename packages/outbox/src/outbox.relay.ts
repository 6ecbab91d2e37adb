// Delivers outbox rows to their subscribers. Safe with several replicas: rows are claimed with
// FOR UPDATE SKIP LOCKED and leased by moving available_at forward, and delivery happens outside any
// transaction. Delivery is at-least-once; subscribers deduplicate by event id.
import { sql, type Kysely } from 'kysely';
import { DomainEvent } from '@family/contracts/events/v1/events';
import type { Logger } from '@family/logger';
import type { OutboxDatabase } from './outbox.js';

export interface OutboxSubscriber {
  name: string;
  /** Resolves when the subscriber acknowledged every event; throws to have them retried. */
  deliver(events: DomainEvent[]): Promise<void>;
}

export interface OutboxRelayOptions {
  db: Kysely<any>;
  subscribers: OutboxSubscriber[];
  logger: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  leaseMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Delivered rows older than this are deleted. */
  retentionMs?: number;
}

interface ClaimedRow {
  id: string;
  subscriber: string;
  payload: Uint8Array;
  attempts: number;
}

export class OutboxRelay {
  private readonly db: Kysely<OutboxDatabase>;
  private readonly subscribers: Map<string, OutboxSubscriber>;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly retentionMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private lastCleanup = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.db = options.db as Kysely<OutboxDatabase>;
    this.subscribers = new Map(options.subscribers.map((s) => [s.name, s]));
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
  }

  get subscriberNames(): string[] {
    return [...this.subscribers.keys()];
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a pass soon (after new rows were written). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, delay);
  }

  private async loop(): Promise<void> {
    let delivered = 0;
    try {
      do {
        this.again = false;
        delivered = await this.runOnce();
      } while (!this.stopped && (delivered >= this.batchSize || this.again));
      await this.cleanup();
    } catch (err) {
      this.options.logger.error({ err }, 'outbox relay pass failed');
    }
    this.schedule(this.pollIntervalMs);
  }

  /** One pass: claim a batch, deliver it per subscriber, record the outcome. Returns rows claimed. */
  async runOnce(): Promise<number> {
    const names = this.subscriberNames;
    if (names.length === 0) return 0;
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    const claimed = await this.db.transaction().execute(async (trx) => {
      const ids = await trx
        .selectFrom('outbox')
        .select('id')
        .where('delivered_at', 'is', null)
        .where('available_at', '<=', sql<Date>`now()`)
        .where('subscriber', 'in', names)
        .orderBy('id')
        .limit(this.batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      if (ids.length === 0) return [] as ClaimedRow[];
      return trx
        .updateTable('outbox')
        .set({ available_at: leaseUntil, attempts: sql`attempts + 1` })
        .where(
          'id',
          'in',
          ids.map((r) => r.id),
        )
        .returning(['id', 'subscriber', 'payload', 'attempts'])
        .execute();
    });
    if (claimed.length === 0) return 0;

    const bySubscriber = new Map<string, ClaimedRow[]>();
    for (const row of claimed.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const list = bySubscriber.get(row.subscriber) ?? [];
      list.push(row);
      bySubscriber.set(row.subscriber, list);
    }
    await Promise.all([...bySubscriber].map(([name, rows]) => this.deliver(name, rows)));
    return claimed.length;
  }

  private async deliver(name: string, rows: ClaimedRow[]): Promise<void> {
    const subscriber = this.subscribers.get(name)!;
    const ids = rows.map((r) => r.id);
    try {
      await subscriber.deliver(rows.map((r) => DomainEvent.decode(r.payload)));
      await this.db
        .updateTable('outbox')
        .set({ delivered_at: sql`now()`, last_error: null })
        .where('id', 'in', ids)
        .execute();
    } catch (err) {
      const attempts = Math.max(...rows.map((r) => r.attempts));
      const delay = this.backoff(attempts);
      this.options.logger.warn(
        { err, subscriber: name, events: rows.length, attempts, retryInMs: delay },
        'outbox delivery failed',
      );
      await this.db
        .updateTable('outbox')
        .set({
          available_at: new Date(Date.now() + delay),
          last_error: String((err as Error)?.message ?? err).slice(0, 500),
        })
        .where('id', 'in', ids)
        .execute();
    }
  }

  /** Exponential backoff (base doubling per attempt, capped) with jitter over the upper half. */
  private backoff(attempts: number): number {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(attempts - 1, 20));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.db
      .deleteFrom('outbox')
      .where('delivered_at', '<', new Date(Date.now() - this.retentionMs))
      .execute();
  }
}
