// One subscriber's delivery from the event log: lease its progress row, hand out the events after its
// cursor in order, acknowledge by moving the cursor, back off while the next event fails and park it
// after too many attempts so the events behind it move on.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { DomainEvent } from '@family/contracts/events/v1/events';
import type { Logger } from '@family/logger';
import type { OutboxDatabase } from './outbox.js';
import type { RelayMetrics } from './relay.metrics.js';
import { wantsEvent } from './event.subscribers.config.js';

export interface OutboxSubscriber {
  name: string;
  /** Event types it wants ('jar.spent', 'chore.*'); absent or empty: every event. */
  eventTypes?: readonly string[] | undefined;
  /** Resolves when the subscriber acknowledged every event; throws to have them retried. */
  deliver(events: DomainEvent[]): Promise<void>;
  /**
   * Whether a failure says nothing about the event (the subscriber is down, overloaded or too slow):
   * such failures back off like any other but never park the event — an outage is not a poison event.
   */
  transient?: ((err: unknown) => boolean) | undefined;
}

export interface DeliverySettings {
  producer: string;
  batchSize: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
}

interface LogRow {
  position: number;
  xid: string;
  event_id: string;
  event_type: string;
  payload: Uint8Array;
  created_at: Date;
}

/** The lease was taken over by another relay (ours ran out): stop this pass, nothing is lost. */
class LeaseLost extends Error {}

interface Progress {
  cursor_xid: string;
  cursor_position: number;
  attempts: number;
  retry_at: Date | null;
}

/** How often a pass looks for redrive requests made by another process (the CLI). */
const REDRIVE_CHECK_MS = 1000;

export class SubscriberDelivery {
  /** Identifies this relay instance as the holder of a lease. */
  private readonly holder = randomUUID();
  private initialised = false;
  /**
   * The progress row as this relay last wrote it, while it surely still holds the lease: until
   * `heldUntil` (local clock), half a lease before the lease itself runs out, no other relay can have
   * taken it, so a pass needs no claim. Every write renews the lease and checks it is still ours.
   */
  private held: { progress: Progress; heldUntil: number } | undefined;
  /** When parked events were last looked at for redrive requests (another process may ask). */
  private redriveCheckedAt = 0;
  private redriveWanted = true;

  constructor(
    private readonly db: Kysely<OutboxDatabase>,
    private readonly subscriber: OutboxSubscriber,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
    private readonly metrics: RelayMetrics | undefined,
  ) {}

  get name(): string {
    return this.subscriber.name;
  }

  private get labels() {
    return { producer: this.settings.producer, subscriber: this.subscriber.name };
  }

  /** Creates the progress row of a subscriber seen for the first time: it starts at the oldest event. */
  async ensureSubscription(): Promise<void> {
    if (this.initialised) return;
    await this.db
      .insertInto('event_subscriptions')
      .values({ subscriber: this.subscriber.name })
      .onConflict((oc) => oc.column('subscriber').doNothing())
      .execute();
    this.initialised = true;
  }

  /** One pass. Resolves to true when more work is waiting (a full batch, or an event just parked). */
  async run(): Promise<boolean> {
    await this.ensureSubscription();
    const progress = this.held && this.held.heldUntil > Date.now() ? this.held.progress : await this.claimLease();
    if (!progress) return false;
    try {
      if (this.redriveWanted || Date.now() - this.redriveCheckedAt >= REDRIVE_CHECK_MS) {
        this.redriveWanted = false;
        this.redriveCheckedAt = Date.now();
        await this.redriveRequested();
      }
      if (progress.retry_at && progress.retry_at.getTime() > Date.now()) return false;
      return await this.deliverNext(progress);
    } catch (err) {
      if (err instanceof LeaseLost) {
        this.held = undefined;
        this.logger.warn({ subscriber: this.name }, 'outbox lease taken over by another relay; pass stopped');
        return false;
      }
      throw err;
    }
  }

  /** The next pass also looks for redrive requests (an operator just made one). */
  checkRedriveNextPass(): void {
    this.redriveWanted = true;
  }

  /** What this relay wrote to the progress row, with the lease it renewed at the same time. */
  private wrote(progress: Progress): void {
    this.held = { progress, heldUntil: Date.now() + this.settings.leaseMs / 2 };
  }

  /** Gives the lease up (at shutdown) so another replica takes over at once. */
  async releaseLease(): Promise<void> {
    this.held = undefined;
    await this.db
      .updateTable('event_subscriptions')
      .set({ lease_owner: null, lease_until: null })
      .where('subscriber', '=', this.name)
      .where('lease_owner', '=', this.holder)
      .execute();
  }

  /**
   * Takes (or renews) the lease on the progress row. FOR UPDATE SKIP LOCKED makes replicas racing for
   * it skip rather than wait; the expiry hands it over when its holder died.
   */
  private async claimLease(): Promise<Progress | undefined> {
    this.held = undefined;
    const claimed = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('event_subscriptions')
        .select(['subscriber'])
        .where('subscriber', '=', this.name)
        .where((eb) =>
          eb.or([
            eb('lease_owner', 'is', null),
            eb('lease_owner', '=', this.holder),
            eb('lease_until', 'is', null),
            eb('lease_until', '<', sql<Date>`now()`),
          ]),
        )
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return undefined;
      return trx
        .updateTable('event_subscriptions')
        .set({ lease_owner: this.holder, lease_until: this.leaseUntil() })
        .where('subscriber', '=', this.name)
        .returning([sql<string>`cursor_xid::text`.as('cursor_xid'), 'cursor_position', 'attempts', 'retry_at'])
        .executeTakeFirstOrThrow();
    });
    if (claimed) this.wrote(claimed);
    return claimed;
  }

  private leaseUntil() {
    return sql<Date>`now() + ${`${this.settings.leaseMs} milliseconds`}::interval`;
  }

  /**
   * The next events after the cursor that are safe to hand out. Positions are taken when a row is
   * written but transactions commit in any order, so a cursor over positions alone could pass an
   * event whose transaction commits later. Events are therefore ordered by (writing transaction id,
   * position) and only those written by transactions older than every transaction still running
   * (xid < xmin of the current snapshot) are handed out: no event can ever appear behind the cursor.
   */
  private async nextBatch(cursor: { cursor_xid: string; cursor_position: number }): Promise<LogRow[]> {
    return this.db
      .selectFrom('event_log')
      .select(['position', sql<string>`xid::text`.as('xid'), 'event_id', 'event_type', 'payload', 'created_at'])
      .where(sql<boolean>`(xid, position) > (${cursor.cursor_xid}::xid8, ${cursor.cursor_position}::bigint)`)
      .where(sql<boolean>`xid < pg_snapshot_xmin(pg_current_snapshot())`)
      .orderBy('xid')
      .orderBy('position')
      .limit(this.settings.batchSize)
      .execute();
  }

  private async deliverNext(progress: {
    cursor_xid: string;
    cursor_position: number;
    attempts: number;
  }): Promise<boolean> {
    const batch = await this.nextBatch(progress);
    this.metrics?.lag.set(this.labels, batch[0] ? Math.max(0, (Date.now() - batch[0].created_at.getTime()) / 1000) : 0);
    if (batch.length === 0) return false;
    const full = batch.length === this.settings.batchSize;
    const wanted = batch.filter((row) => wantsEvent(this.subscriber.eventTypes, row.event_type));
    const last = batch.at(-1)!;
    if (wanted.length === 0) {
      await this.advance(last);
      return full;
    }
    try {
      await this.subscriber.deliver(wanted.map((row) => DomainEvent.decode(row.payload)));
      this.metrics?.deliveries.inc({ ...this.labels, outcome: 'delivered' }, wanted.length);
      await this.advance(last);
      return full;
    } catch (err) {
      if (wanted.length === 1) return this.failed(wanted[0]!, progress.attempts, err);
      this.logger.warn(
        { err, subscriber: this.name, events: wanted.length },
        'outbox batch delivery failed; retrying event by event',
      );
    }
    // Isolate the failure: deliver one by one, acknowledging each, until one fails.
    let attempts = progress.attempts;
    for (const row of wanted) {
      try {
        await this.subscriber.deliver([DomainEvent.decode(row.payload)]);
      } catch (err) {
        return this.failed(row, attempts, err);
      }
      this.metrics?.deliveries.inc({ ...this.labels, outcome: 'delivered' });
      await this.advance(row);
      attempts = 0;
    }
    await this.advance(last);
    return full;
  }

  /** Acknowledges everything up to `row` (clearing the failure state); the lease must still be ours. */
  private async advance(row: { xid: string; position: number }): Promise<void> {
    const result = await this.db
      .updateTable('event_subscriptions')
      .set({
        cursor_xid: sql<string>`${row.xid}::xid8`,
        cursor_position: row.position,
        acknowledged_at: sql<Date>`now()`,
        lease_until: this.leaseUntil(),
        attempts: 0,
        retry_at: null,
        last_error: null,
      })
      .where('subscriber', '=', this.name)
      .where('lease_owner', '=', this.holder)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new LeaseLost();
    this.wrote({ cursor_xid: row.xid, cursor_position: row.position, attempts: 0, retry_at: null });
  }

  /** The event after the cursor failed once more: back off, or park it after the last attempt. */
  private async failed(row: LogRow, previousAttempts: number, err: unknown): Promise<boolean> {
    const transient = this.subscriber.transient?.(err) ?? false;
    // A transient failure grows the backoff but stops one short of parking.
    const attempts = transient
      ? Math.min(previousAttempts + 1, Math.max(this.settings.maxAttempts - 1, 1))
      : previousAttempts + 1;
    const lastError = String((err as Error)?.message ?? err).slice(0, 500);
    this.metrics?.deliveries.inc({ ...this.labels, outcome: 'failed' });
    if (!transient && attempts >= this.settings.maxAttempts) {
      await this.park(row, attempts, lastError);
      this.logger.error(
        { err, subscriber: this.name, eventId: row.event_id, eventType: row.event_type, attempts },
        'outbox event parked after its last failed attempt; the events behind it go on (redrive it once fixed)',
      );
      return true;
    }
    const delay = this.backoff(attempts);
    const retryAt = new Date(Date.now() + delay);
    this.logger.warn(
      { err, subscriber: this.name, eventId: row.event_id, attempts, retryInMs: delay },
      'outbox delivery failed',
    );
    const result = await this.db
      .updateTable('event_subscriptions')
      .set({
        attempts,
        retry_at: sql<Date>`now() + ${`${delay} milliseconds`}::interval`,
        last_error: lastError,
        lease_until: this.leaseUntil(),
      })
      .where('subscriber', '=', this.name)
      .where('lease_owner', '=', this.holder)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new LeaseLost();
    // The row's retry_at is the database's clock; the next claim reads it back. Until then the
    // local estimate holds the subscriber back just as long.
    if (this.held) this.wrote({ ...this.held.progress, attempts, retry_at: retryAt });
    return false;
  }

  /** Moves the event aside (with its payload) and the cursor past it, in one transaction. */
  private async park(row: LogRow, attempts: number, lastError: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('event_subscriptions')
        .set({
          cursor_xid: sql<string>`${row.xid}::xid8`,
          cursor_position: row.position,
          attempts: 0,
          retry_at: null,
          last_error: null,
          lease_until: this.leaseUntil(),
        })
        .where('subscriber', '=', this.name)
        .where('lease_owner', '=', this.holder)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new LeaseLost();
      await trx
        .insertInto('event_parked')
        .values({
          subscriber: this.name,
          position: row.position,
          xid: sql<string>`${row.xid}::xid8`,
          event_id: row.event_id,
          event_type: row.event_type,
          payload: row.payload,
          attempts,
          last_error: lastError,
        })
        .onConflict((oc) =>
          oc
            .columns(['subscriber', 'position'])
            .doUpdateSet({ attempts, last_error: lastError, parked_at: new Date() }),
        )
        .execute();
    });
    this.wrote({ cursor_xid: row.xid, cursor_position: row.position, attempts: 0, retry_at: null });
    this.metrics?.parkedTotal.inc(this.labels);
    await this.refreshParkedGauge();
  }

  /** Delivers the parked events an operator asked to redrive; one that fails again stays parked. */
  private async redriveRequested(): Promise<void> {
    const rows = await this.db
      .selectFrom('event_parked')
      .select(['position', 'event_id', 'payload', 'attempts'])
      .where('subscriber', '=', this.name)
      .where('redrive_requested_at', 'is not', null)
      .orderBy('xid')
      .orderBy('position')
      .limit(this.settings.batchSize)
      .execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      try {
        await this.subscriber.deliver([DomainEvent.decode(row.payload)]);
      } catch (err) {
        this.metrics?.deliveries.inc({ ...this.labels, outcome: 'failed' });
        this.logger.error({ err, subscriber: this.name, eventId: row.event_id }, 'redriven outbox event failed again');
        await this.db
          .updateTable('event_parked')
          .set({
            attempts: row.attempts + 1,
            last_error: String((err as Error)?.message ?? err).slice(0, 500),
            redrive_requested_at: null,
          })
          .where('subscriber', '=', this.name)
          .where('position', '=', row.position)
          .execute();
        continue;
      }
      this.metrics?.deliveries.inc({ ...this.labels, outcome: 'redriven' });
      this.logger.info({ subscriber: this.name, eventId: row.event_id }, 'parked outbox event redriven');
      await this.db
        .deleteFrom('event_parked')
        .where('subscriber', '=', this.name)
        .where('position', '=', row.position)
        .execute();
    }
    await this.refreshParkedGauge();
  }

  async refreshParkedGauge(): Promise<void> {
    if (!this.metrics) return;
    const { count } = await this.db
      .selectFrom('event_parked')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('subscriber', '=', this.name)
      .executeTakeFirstOrThrow();
    this.metrics.parked.set(this.labels, Number(count));
  }

  /** Exponential backoff (base doubling per attempt, capped) with jitter over the upper half. */
  private backoff(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.settings;
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts - 1, 20));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
