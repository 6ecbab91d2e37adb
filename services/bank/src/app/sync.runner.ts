// Runs syncs, one at a time per connection across replicas: a sync holds the connection's lease
// (connections.sync_lease_*), and a sync asked for while one runs is queued (a QUEUED sync row and
// the connection's sync_requested flag) and run right after it, by whichever replica holds the lease.
// Provider failures become connection states, never errors for the caller: rate limits and outages
// back off and retry; login required, expired or revoked consent end syncing until a parent re-links
// (NEEDS_REAUTH / REVOKED, with a bank.connection_needs_reauth event).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { newId } from '@family/db';
import { ProviderError } from '../adapters/provider.error.js';
import type { Connection, ConnectionStatusName, Sync, SyncCounts, SyncTriggerName } from '../domain/bank.records.js';
import { nextScheduled, retryDelayMs } from '../domain/sync.schedule.js';
import type { BankDeps } from './bank.deps.js';
import type { ReauthReason } from './bank.events.js';
import { LeaseLostError, SyncEngine } from './sync.engine.js';

export interface SyncRequest {
  sync: Sync;
  /** The run, when this call started one (undefined when it was queued behind another). */
  done?: Promise<Sync> | undefined;
}

const REAUTH: Partial<Record<ProviderError['kind'], { status: ConnectionStatusName; reason: ReauthReason }>> = {
  REAUTH_REQUIRED: { status: 'NEEDS_REAUTH', reason: 'REAUTH_REQUIRED' },
  CONSENT_EXPIRED: { status: 'NEEDS_REAUTH', reason: 'CONSENT_EXPIRED' },
  REVOKED: { status: 'REVOKED', reason: 'REVOKED' },
};

export class SyncRunner {
  /** Names this replica in leases. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly engine: SyncEngine;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly deps: BankDeps) {
    this.engine = new SyncEngine(deps, this.owner);
  }

  /** A sync asked for by a caller (manual, link): started now if the connection is free, else queued. */
  async request(c: Connection, trigger: SyncTriggerName): Promise<SyncRequest> {
    const leased = await this.deps.connections.acquireLease(c.id, this.owner, this.deps.settings.leaseMs);
    if (!leased) {
      const sync = await this.deps.syncs.create({
        id: newId(),
        familyId: c.familyId,
        connectionId: c.id,
        state: 'QUEUED',
        trigger,
      });
      await this.deps.connections.requestSync(c.id, trigger);
      return { sync };
    }
    const sync = await this.begin(leased, trigger);
    return { sync, done: this.track(this.loop(leased, sync)) };
  }

  /** A sync the scheduler found due; nothing when another replica got the lease first. */
  async runDue(connectionId: string, trigger: SyncTriggerName): Promise<Sync | undefined> {
    const leased = await this.deps.connections.acquireLease(connectionId, this.owner, this.deps.settings.leaseMs);
    if (!leased) return undefined;
    if (leased.status !== 'ACTIVE' && leased.status !== 'ERROR') {
      await this.deps.db.transaction().execute((trx) =>
        this.deps.connections.finishSync(trx, leased.id, this.owner, {
          status: leased.status,
          errorCode: leased.errorCode,
          errorMessage: leased.errorMessage,
          nextSyncAt: nextScheduled(this.deps.clock(), this.deps.settings.syncIntervalMs),
          syncFailures: leased.syncFailures,
        }),
      );
      return undefined;
    }
    const sync = await this.begin(leased, trigger);
    return this.track(this.loop(leased, sync));
  }

  /** Reads the connection's accounts and balances from the provider now. */
  async refreshAccounts(c: Connection) {
    const adapter = this.deps.providers.require(c.provider);
    const { accounts } = await this.engine.refreshAccounts(c, adapter, await this.deps.vault.open(c.id));
    return accounts;
  }

  /** Waits for the syncs this replica is running. */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  /** The sync row this run reports on: the oldest one queued for the connection, else a new one. */
  private async begin(c: Connection, trigger: SyncTriggerName): Promise<Sync> {
    const [queued] = await this.deps.syncs.queued(c.id);
    if (queued) {
      await this.deps.syncs.start(queued.id);
      return { ...queued, state: 'RUNNING', startedAt: this.deps.clock() };
    }
    return this.deps.syncs.create({ id: newId(), familyId: c.familyId, connectionId: c.id, state: 'RUNNING', trigger });
  }

  /** Runs, then runs again while syncs were asked for meanwhile (webhook, manual); never throws. */
  private async loop(c: Connection, sync: Sync): Promise<Sync> {
    let connection = c;
    let current = sync;
    for (;;) {
      const { result, again } = await this.once(connection, current);
      if (!again) return result;
      const leased = await this.deps.connections.acquireLease(c.id, this.owner, this.deps.settings.leaseMs);
      if (!leased) return result;
      if (leased.status !== 'ACTIVE' && leased.status !== 'ERROR') {
        await this.release(leased);
        return result;
      }
      connection = leased;
      current = await this.begin(leased, again);
    }
  }

  private async release(c: Connection): Promise<void> {
    await this.deps.db.transaction().execute((trx) =>
      this.deps.connections.finishSync(trx, c.id, this.owner, {
        status: c.status,
        errorCode: c.errorCode,
        errorMessage: c.errorMessage,
        nextSyncAt: c.nextSyncAt,
        syncFailures: c.syncFailures,
      }),
    );
  }

  private async once(c: Connection, sync: Sync): Promise<{ result: Sync; again: SyncTriggerName | undefined }> {
    const { deps } = this;
    const log = deps.logger.child({ connectionId: c.id, syncId: sync.id, provider: c.provider });
    let counts: SyncCounts = { added: 0, modified: 0, removed: 0, skipped: 0, fetched: 0 };
    try {
      const adapter = deps.providers.require(c.provider);
      counts = await this.engine.run(c, adapter, async (progress) => {
        counts = progress;
        await deps.syncs.progress(sync.id, progress);
      });
      return await this.finish(c, sync, counts, { status: 'ACTIVE', errorCode: '', errorMessage: '', failures: 0 });
    } catch (err) {
      if (err instanceof LeaseLostError) {
        log.warn('sync lease lost to another replica; stopping this run');
        const result = await deps.db.transaction().execute((trx) =>
          deps.syncs.finish(trx, sync.id, {
            ...counts,
            state: 'FAILED',
            errorCode: 'LEASE_LOST',
            errorMessage: err.message,
          }),
        );
        return { result, again: undefined };
      }
      const reauth = err instanceof ProviderError ? REAUTH[err.kind] : undefined;
      if (reauth && err instanceof ProviderError) {
        log.info({ kind: err.kind }, 'connection needs the user again');
        return await this.finish(c, sync, counts, {
          status: reauth.status,
          errorCode: err.kind,
          errorMessage: reauth.status === 'REVOKED' ? 'The bank link was revoked' : 'The bank asks for the login again',
          failures: 0,
          reauth: reauth.reason,
        });
      }
      const failures = c.syncFailures + 1;
      const retryAfterMs = err instanceof ProviderError ? err.details.retryAfterMs : undefined;
      const delay = retryDelayMs(failures, {
        baseMs: deps.settings.retryBaseMs,
        maxMs: deps.settings.retryMaxMs,
        retryAfterMs,
      });
      const code =
        err instanceof ProviderError
          ? err.kind === 'RATE_LIMITED'
            ? 'PROVIDER_RATE_LIMITED'
            : 'PROVIDER_UNAVAILABLE'
          : 'SYNC_FAILED';
      if (err instanceof ProviderError)
        log.warn({ kind: err.kind, failures, delay }, 'provider failed; retrying later');
      else log.error({ err, failures, delay }, 'sync failed; retrying later');
      return await this.finish(c, sync, counts, {
        status: 'ERROR',
        errorCode: code,
        errorMessage:
          code === 'PROVIDER_RATE_LIMITED'
            ? 'The provider asked us to slow down; retrying later'
            : code === 'PROVIDER_UNAVAILABLE'
              ? 'The provider could not be reached; retrying later'
              : 'The sync failed; retrying later',
        failures,
        retryAt: new Date(deps.clock().getTime() + delay),
      });
    }
  }

  private async finish(
    c: Connection,
    sync: Sync,
    counts: SyncCounts,
    o: {
      status: ConnectionStatusName;
      errorCode: string;
      errorMessage: string;
      failures: number;
      retryAt?: Date;
      reauth?: ReauthReason;
    },
  ): Promise<{ result: Sync; again: SyncTriggerName | undefined }> {
    const { deps } = this;
    const now = deps.clock();
    const ok = o.status === 'ACTIVE';
    return deps.db.transaction().execute(async (trx) => {
      let becameReauth = false;
      if (o.reauth) {
        const before = await deps.connections.setStatus(trx, c.id, o.status, o.errorCode, o.errorMessage);
        becameReauth = before !== undefined && before !== o.status;
      }
      const requested = await deps.connections.finishSync(trx, c.id, this.owner, {
        status: o.status,
        errorCode: o.errorCode,
        errorMessage: o.errorMessage,
        nextSyncAt: o.retryAt ?? nextScheduled(now, deps.settings.syncIntervalMs),
        syncFailures: o.failures,
        lastSyncedAt: ok ? now : undefined,
      });
      const result = await deps.syncs.finish(trx, sync.id, {
        ...counts,
        state: ok ? 'SUCCEEDED' : 'FAILED',
        errorCode: o.errorCode,
        errorMessage: o.errorMessage,
        retryAt: o.retryAt ?? null,
      });
      await deps.syncs.settleQueued(trx, c.id, result);
      if (becameReauth) await deps.events.needsReauth(trx, c, o.reauth!);
      if (ok) await deps.events.syncCompleted(trx, c, result);
      const again =
        requested?.requested && (ok || o.retryAt === undefined) && !o.reauth
          ? (requested.trigger ?? 'MANUAL')
          : undefined;
      return { result, again };
    });
  }
}
