// One sync of one connection, under its lease: refresh the accounts (balances with their as-of time),
// then page through the provider's changes from the saved cursor. Pages are gathered into batches;
// each batch is normalised and planned (domain/sync.plan.ts), sent to the expense service, and
// committed here together with the cursor after it only once the expense service has recorded it (on
// Postgres, written meanwhile in the open transaction) — so a failure anywhere leaves the cursor
// where the last applied batch ended and the next sync repeats the rest (every step is idempotent).
import type { Transaction } from 'kysely';
import { addDays, dayIn, maxDay, minDay } from '@family/service-kit/calendar';
import type { BankAdapter, ProviderCredentials, ProviderTransaction } from '../adapters/bank.adapter.js';
import { ProviderError } from '../adapters/provider.error.js';
import type { Account, AccountSnapshot, Connection, SyncCounts } from '../domain/bank.records.js';
import { minorUnits, normalise, type NormalisedTransaction } from '../domain/transaction.normalise.js';
import {
  PENDING_DAYS_AFTER,
  PENDING_DAYS_BEFORE,
  independentParts,
  planBatch,
  TRANSFER_DAYS,
  type Plan,
  type PlanAccount,
  type PlanReads,
  unaffected,
} from '../domain/sync.plan.js';
import type { BankDatabase } from '../db/schema.js';
import type { BankDeps } from './bank.deps.js';

const MAX_PAGINATION_RESTARTS = 3;

export class LeaseLostError extends Error {
  constructor(connectionId: string) {
    super(`the sync lease of connection ${connectionId} was taken over`);
  }
}

interface Batch {
  /** Final operation per provider transaction id, in order of first appearance. */
  ops: Map<string, { op: 'upsert'; t: ProviderTransaction; added: boolean } | { op: 'remove' }>;
  size: number;
}

const emptyBatch = (): Batch => ({ ops: new Map(), size: 0 });

function snapshot(a: Awaited<ReturnType<BankAdapter['accounts']>>['value'][number]): AccountSnapshot {
  const currency = a.currency.toUpperCase();
  const balance = (v: string | undefined) => {
    if (v === undefined || v === '') return null;
    try {
      return minorUnits(v, currency);
    } catch {
      return null;
    }
  };
  return {
    providerAccountId: a.providerAccountId,
    name: a.name.slice(0, 200),
    mask: a.mask.slice(-8),
    kind: a.kind,
    currency,
    currentBalanceMinor: balance(a.currentBalance),
    availableBalanceMinor: balance(a.availableBalance),
    balanceAsOf: a.balanceAsOf,
  };
}

export class SyncEngine {
  constructor(
    private readonly deps: BankDeps,
    private readonly owner: string,
  ) {}

  /** Refreshes the connection's accounts from the provider. */
  async refreshAccounts(
    c: Connection,
    adapter: BankAdapter,
    credentials: ProviderCredentials,
  ): Promise<{ accounts: Account[]; credentials: ProviderCredentials }> {
    const r = await adapter.accounts(credentials);
    if (r.credentials) {
      credentials = r.credentials;
      await this.deps.vault.save(c.id, credentials);
    }
    const accounts = await this.deps.db
      .transaction()
      .execute((trx) => this.deps.accounts.upsertSnapshots(trx, c.familyId, c.id, r.value.map(snapshot)));
    return { accounts, credentials };
  }

  async run(
    c: Connection,
    adapter: BankAdapter,
    onProgress: (counts: SyncCounts) => Promise<void>,
  ): Promise<SyncCounts> {
    const { deps } = this;
    const log = deps.logger.child({ connectionId: c.id, provider: c.provider });
    let credentials = await deps.vault.open(c.id);
    const refreshed = await this.refreshAccounts(c, adapter, credentials);
    credentials = refreshed.credentials;
    const accounts = refreshed.accounts;
    const family = await deps.families.settings(c.familyId);
    const since = c.firstSyncFrom ?? addDays(dayIn(family.timezone, deps.clock()), -deps.settings.firstSyncDays);
    const counts: SyncCounts = { added: 0, modified: 0, removed: 0, skipped: 0, fetched: 0 };

    const loopStart = c.cursor;
    let restarts = 0;
    let lastRenew = Date.now();
    const providerAccountIds = accounts.map((a) => a.providerAccountId);
    /**
     * The pages from `from` up to a batch's worth, the lease renewed meanwhile. Reading is side-effect
     * free at the provider, so the next batch is gathered while one is applied; it is applied only
     * after that batch and its cursor are stored.
     */
    const gather = async (from: string) => {
      const batch = emptyBatch();
      let cursor = from;
      for (;;) {
        const page = await adapter.fetchChanges({ credentials, cursor, since, providerAccountIds });
        if (page.credentials) {
          credentials = page.credentials;
          await deps.vault.save(c.id, credentials);
        }
        const changes = page.value;
        for (const t of changes.added) batch.ops.set(t.providerTransactionId, { op: 'upsert', t, added: true });
        for (const t of changes.modified) batch.ops.set(t.providerTransactionId, { op: 'upsert', t, added: false });
        for (const id of changes.removed) batch.ops.set(id, { op: 'remove' });
        batch.size += changes.added.length + changes.modified.length + changes.removed.length;
        cursor = changes.nextCursor;
        if (!changes.hasMore || batch.size >= deps.settings.syncBatch)
          return { batch, cursor, hasMore: changes.hasMore };
        if (Date.now() - lastRenew > deps.settings.leaseMs / 3) {
          if (!(await deps.connections.renewLease(c.id, this.owner, deps.settings.leaseMs)))
            throw new LeaseLostError(c.id);
          lastRenew = Date.now();
        }
      }
    };
    // Awaited (and its failure handled) on the next turn of the loop, or below if applying fails.
    const ahead = (from: string) => {
      const gathering = gather(from);
      gathering.catch(() => undefined);
      return gathering;
    };
    let next = ahead(loopStart);
    // The next batch planned while this one is recorded: its reads see the store without this batch,
    // so the plan is used only if this batch wrote nothing it read or could have read (else planned again).
    let early: Promise<{ batch: Batch; prepared: Prepared } | undefined> | undefined;
    for (;;) {
      let gathered;
      try {
        gathered = await next;
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'RESTART_PAGINATION' && restarts < MAX_PAGINATION_RESTARTS) {
          // The provider's data moved while paging: start over from where this loop began.
          restarts++;
          log.info({ restarts }, 'provider changed data while paging; restarting from the loop start');
          next = ahead(loopStart);
          early = undefined;
          continue;
        }
        if (err instanceof ProviderError && err.kind === 'RESTART_PAGINATION') {
          throw new ProviderError('UNAVAILABLE', 'the provider kept changing data while paging', err.details);
        }
        throw err;
      }
      counts.fetched += gathered.batch.size;
      if (gathered.hasMore) next = ahead(gathered.cursor);
      const planned = await early;
      early = undefined;
      try {
        const prepared =
          planned?.batch === gathered.batch ? planned.prepared : await this.prepare(c, accounts, gathered.batch);
        const recording = this.record(c, prepared, gathered.cursor, counts);
        if (gathered.hasMore && deps.settings.writeWhileImporting) {
          const following = next;
          early = (async () => {
            const { batch } = await following;
            const ahead = await this.prepare(c, accounts, batch);
            await recording;
            return unaffected(ahead.reads, c.id, prepared.plan) ? { batch, prepared: ahead } : undefined;
          })().catch(() => undefined);
        }
        await recording;
        await onProgress(counts);
      } catch (err) {
        // Refreshed credentials of the pages read ahead are saved before this sync ends.
        if (gathered.hasMore) await next.catch(() => undefined);
        await early;
        throw err;
      }
      lastRenew = Date.now();
      if (!gathered.hasMore) return counts;
    }
  }

  /** Reads what the batch is compared with and plans it; writes nothing. */
  private async prepare(c: Connection, accounts: Account[], batch: Batch): Promise<Prepared> {
    const { deps } = this;
    const skipped: Prepared['skipped'] = [];
    const byProviderId = new Map(accounts.map((a) => [a.providerAccountId, a]));
    const added: NormalisedTransaction[] = [];
    const modified: NormalisedTransaction[] = [];
    const removed: string[] = [];
    for (const [id, op] of batch.ops) {
      if (op.op === 'remove') {
        removed.push(id);
        continue;
      }
      const account = byProviderId.get(op.t.providerAccountId);
      if (!account) {
        skipped.push({ transactionId: id, reason: 'transaction of an unknown account skipped' });
        continue;
      }
      const n = normalise(op.t, account.id, account.currency);
      if ('invalid' in n) {
        skipped.push({ transactionId: id, reason: 'unreadable transaction skipped', detail: n.invalid });
        continue;
      }
      (op.added ? added : modified).push(n);
    }
    const all = [...added, ...modified];
    const ids = [
      ...new Set([
        ...batch.ops.keys(),
        ...all.flatMap((t) => (t.pendingTransactionId ? [t.pendingTransactionId] : [])),
      ]),
    ];
    const stored = await deps.transactions.byIds(c.id, ids);
    let pendingCandidates: Awaited<ReturnType<typeof deps.transactions.pendingCandidates>> = [];
    let transferCandidates: Awaited<ReturnType<typeof deps.transactions.transferCandidates>> = [];
    let pendingQueried = false;
    let amounts: number[] = [];
    // Only transactions new or changed in amount, day, state or account can match anything new.
    const moved = all.filter((t) => {
      const s = stored.get(t.providerTransactionId);
      return (
        !s ||
        s.removedAt !== null ||
        s.amountMinor !== t.amountMinor ||
        s.currency !== t.currency ||
        s.bookedOn !== t.bookedOn ||
        s.pending !== t.pending ||
        s.accountId !== t.accountId
      );
    });
    if (moved.length) {
      const days = moved.map((t) => t.bookedOn);
      const first = minDay(days[0]!, ...days.slice(1));
      const last = maxDay(days[0]!, ...days.slice(1));
      if (moved.some((t) => !t.pending && !t.pendingTransactionId && !stored.has(t.providerTransactionId))) {
        pendingQueried = true;
        pendingCandidates = await deps.transactions.pendingCandidates(
          c.id,
          addDays(first, -PENDING_DAYS_BEFORE),
          addDays(last, PENDING_DAYS_AFTER),
        );
      }
      amounts = [...new Set(moved.map((t) => -t.amountMinor))];
      transferCandidates = await deps.transactions.transferCandidates(
        c.familyId,
        amounts,
        addDays(first, -TRANSFER_DAYS),
        addDays(last, TRANSFER_DAYS),
      );
    }
    const planAccounts = new Map<string, PlanAccount>(
      accounts.map((a) => [a.id, { id: a.id, memberId: a.memberId, tracked: a.tracked }]),
    );
    const plan = planBatch({
      connectionId: c.id,
      familyId: c.familyId,
      provider: c.provider,
      creatorMemberId: c.createdByMemberId,
      accounts: planAccounts,
      added,
      modified,
      removed,
      stored,
      pendingCandidates,
      transferCandidates,
      now: deps.clock(),
    });
    const reads: PlanReads = {
      ids: new Set(ids),
      pending: pendingQueried ? 'queried' : 'not read',
      pendingRows: new Set(pendingCandidates.map((t) => t.providerTransactionId)),
      amounts: new Set(amounts),
      transferRows: new Set(transferCandidates.map((t) => `${t.connectionId}:${t.providerTransactionId}`)),
    };
    return { plan, skipped, reads };
  }

  /**
   * Sends the plan to the expense service and stores its rows and the cursor after it, committed only
   * once the expense service has recorded it.
   */
  private async record(c: Connection, prepared: Prepared, cursor: string, counts: SyncCounts) {
    const { deps } = this;
    const { plan } = prepared;
    // The expense service records the batch (idempotently: a retry after a failure below records
    // nothing twice), in parts side by side where they touch no expense in common; this service's
    // rows and the cursor are committed only after it has.
    const importing = async () => {
      const parts = plan.expense.length ? independentParts(plan.expense, deps.settings.importParts) : [];
      for (const r of await Promise.all(parts.map((part) => deps.expense.import(c.familyId, part)))) {
        counts.added += r.added;
        counts.modified += r.modified;
        counts.removed += r.removed;
        counts.skipped += r.skipped;
      }
    };
    const write = async (trx: Transaction<BankDatabase>) => {
      await deps.transactions.upsert(trx, plan.writes);
      await deps.transactions.pair(trx, plan.pairings);
    };
    const saveCursor = async (trx: Transaction<BankDatabase>) => {
      if (!(await deps.connections.saveCursor(trx, c.id, this.owner, cursor))) throw new LeaseLostError(c.id);
    };
    if (deps.settings.writeWhileImporting) {
      await deps.db.transaction().execute(async (trx) => {
        const [imported, written] = await Promise.allSettled([importing(), write(trx)]);
        if (imported.status === 'rejected') throw imported.reason;
        if (written.status === 'rejected') throw written.reason;
        await saveCursor(trx);
      });
    } else {
      await importing();
      await deps.db.transaction().execute(async (trx) => {
        await write(trx);
        await saveCursor(trx);
      });
    }
    // Told once, when the batch is recorded (a plan made early may be made again).
    for (const { transactionId, reason, detail } of prepared.skipped) {
      deps.logger.warn({ connectionId: c.id, transactionId, ...(detail ? { reason: detail } : {}) }, reason);
    }
    counts.skipped += prepared.skipped.length + plan.skipped;
  }
}

/** A batch's plan, with what it read. */
interface Prepared {
  plan: Plan;
  /** Transactions left out before planning (unknown account, unreadable), logged when recorded. */
  skipped: { transactionId: string; reason: string; detail?: string }[];
  reads: PlanReads;
}
