// What one batch of provider changes means, decided without I/O: which stored rows change, which
// expense changes to send, what is skipped. The matching rules (docs/decisions/0020-bank-service.md):
//
// Pending → posted. A posted transaction replaces the pending one the provider names
// (pendingTransactionId). When the provider names none, it replaces the best pending candidate on the
// SAME account with the same currency and direction whose amount is within 30 % of the posted amount
// (tips, currency settlement), that was booked from 1 day after to 10 days before the posted one, and
// that names the same counterparty (merchant, else description, compared without case, digits or
// punctuation: a pizza and a cinema ticket on one card never merge, whatever their amounts);
// the closest amount wins, then the closest day, then the older. A pending transaction is replaced at
// most once; once replaced it never becomes an expense again, even if the provider keeps listing it.
//
// Transfers. Two transactions on two DIFFERENT accounts of the family (any of its connections,
// tracked or not), one out and one in, of the same currency and exactly the same amount, booked at
// most 3 days apart, are a transfer: neither is spending. The closest day wins, then the earlier.
// An out leg already recorded as an expense is removed from expenses when its in leg turns up later.
import { daysBetween, type Day } from '@family/service-kit/calendar';
import type { ProviderName } from '../adapters/bank.adapter.js';
import type { StoredTransaction } from './bank.records.js';
import type { NormalisedTransaction } from './transaction.normalise.js';

export const PENDING_AMOUNT_TOLERANCE = 0.3;
export const PENDING_DAYS_BEFORE = 10;
export const PENDING_DAYS_AFTER = 1;
export const TRANSFER_DAYS = 3;

/** A change for ExpenseService.ImportBankTransactions, in domain terms. */
export interface ExpenseChange {
  provider: ProviderName;
  providerTransactionId: string;
  pendingTransactionId: string;
  accountId: string;
  connectionId: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  occurredOn: Day;
  description: string;
  merchant: string;
  pending: boolean;
  action: 'ADDED' | 'MODIFIED' | 'REMOVED';
}

export interface PlanAccount {
  id: string;
  memberId: string | null;
  tracked: boolean;
}

export type TransferCandidate = StoredTransaction & { provider: ProviderName };

export interface PlanInput {
  connectionId: string;
  familyId: string;
  provider: ProviderName;
  /** The member whose spending an unassigned account's transactions are. */
  creatorMemberId: string;
  accounts: ReadonlyMap<string, PlanAccount>;
  added: readonly NormalisedTransaction[];
  modified: readonly NormalisedTransaction[];
  removed: readonly string[];
  /** This connection's stored rows for the ids in the batch and the pending ids they name. */
  stored: ReadonlyMap<string, StoredTransaction>;
  /** This connection's pending rows not yet replaced, in the date window of the batch. */
  pendingCandidates: readonly StoredTransaction[];
  /** The family's unpaired rows (any connection) of the batch's amounts, in its date window. */
  transferCandidates: readonly TransferCandidate[];
  now: Date;
}

export interface Plan {
  /** Rows of this connection to write (new or changed). */
  writes: StoredTransaction[];
  /** Rows elsewhere in the family that became a transfer leg. */
  pairings: { connectionId: string; providerTransactionId: string; transferKey: string }[];
  expense: ExpenseChange[];
  /** Not spending: income, transfers, ignored accounts. */
  skipped: number;
}

const keyOf = (t: { connectionId: string; providerTransactionId: string }) =>
  `${t.connectionId}:${t.providerTransactionId}`;

function sameRow(a: StoredTransaction, b: StoredTransaction): boolean {
  return (
    a.accountId === b.accountId &&
    a.amountMinor === b.amountMinor &&
    a.currency === b.currency &&
    a.bookedOn === b.bookedOn &&
    a.pending === b.pending &&
    a.pendingTransactionId === b.pendingTransactionId &&
    a.supersededBy === b.supersededBy &&
    a.transferKey === b.transferKey &&
    a.description === b.description &&
    a.merchant === b.merchant &&
    (a.removedAt === null) === (b.removedAt === null)
  );
}

/** Who a transaction was with, for matching: the merchant, else the description, letters only. */
export function counterpartyOf(t: Pick<StoredTransaction, 'merchant' | 'description'>): string {
  return (t.merchant.trim() || t.description)
    .toLowerCase()
    .replace(/[^\p{L}]+/gu, ' ')
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
}

function sameCounterparty(a: string, b: string): boolean {
  return a === b || (a !== '' && b !== '' && (a.startsWith(b) || b.startsWith(a)));
}

/** The pending row a posted one replaces when the provider does not say (see the rule above). */
export function matchPending(
  posted: Pick<
    NormalisedTransaction,
    'accountId' | 'amountMinor' | 'currency' | 'bookedOn' | 'merchant' | 'description'
  >,
  candidates: Iterable<StoredTransaction>,
): StoredTransaction | undefined {
  let best: { row: StoredTransaction; amountGap: number; dayGap: number } | undefined;
  const counterparty = counterpartyOf(posted);
  for (const c of candidates) {
    if (!c.pending || c.supersededBy || c.accountId !== posted.accountId || c.currency !== posted.currency) continue;
    if (!sameCounterparty(counterparty, counterpartyOf(c))) continue;
    if (Math.sign(c.amountMinor) !== Math.sign(posted.amountMinor)) continue;
    const amountGap = Math.abs(Math.abs(posted.amountMinor) - Math.abs(c.amountMinor));
    if (amountGap > Math.abs(c.amountMinor) * PENDING_AMOUNT_TOLERANCE) continue;
    const days = daysBetween(c.bookedOn, posted.bookedOn);
    if (days < -PENDING_DAYS_AFTER || days > PENDING_DAYS_BEFORE) continue;
    const dayGap = Math.abs(days);
    if (
      !best ||
      amountGap < best.amountGap ||
      (amountGap === best.amountGap && dayGap < best.dayGap) ||
      (amountGap === best.amountGap && dayGap === best.dayGap && c.bookedOn < best.row.bookedOn)
    ) {
      best = { row: c, amountGap, dayGap };
    }
  }
  return best?.row;
}

/** The other leg of a transfer for `t` among `candidates` (see the rule above). */
export function matchTransfer<T extends StoredTransaction>(
  t: StoredTransaction,
  candidates: Iterable<T>,
): T | undefined {
  let best: { row: T; gap: number } | undefined;
  for (const c of candidates) {
    if (c.transferKey || c.removedAt || c.accountId === t.accountId || c.currency !== t.currency) continue;
    if (c.amountMinor !== -t.amountMinor || c.amountMinor === 0) continue;
    if (c.pending && c.supersededBy) continue;
    const gap = Math.abs(daysBetween(t.bookedOn, c.bookedOn));
    if (gap > TRANSFER_DAYS) continue;
    if (!best || gap < best.gap || (gap === best.gap && c.bookedOn < best.row.bookedOn)) best = { row: c, gap };
  }
  return best?.row;
}

export function planBatch(input: PlanInput): Plan {
  const { connectionId, familyId } = input;
  // Every stored row of this connection the batch may change, as it was before the batch.
  const originals = new Map<string, StoredTransaction>(input.stored);
  for (const c of [...input.pendingCandidates, ...input.transferCandidates]) {
    if (c.connectionId === connectionId && !originals.has(c.providerTransactionId)) {
      originals.set(c.providerTransactionId, c);
    }
  }
  const rows = new Map<string, StoredTransaction>();
  for (const [id, r] of input.stored) rows.set(id, { ...r });
  const pendingPool = new Map<string, StoredTransaction>();
  for (const c of input.pendingCandidates) {
    const row = rows.get(c.providerTransactionId) ?? { ...c };
    rows.set(c.providerTransactionId, row);
    pendingPool.set(c.providerTransactionId, row);
  }
  /** ids touched by this batch, in order, with their stored version before it. */
  const touched = new Map<string, StoredTransaction | undefined>();
  const touch = (id: string) => {
    if (!touched.has(id)) touched.set(id, originals.get(id));
  };

  for (const id of input.removed) {
    const row = rows.get(id) ?? pendingPool.get(id);
    if (!row || row.removedAt) continue;
    touch(id);
    row.removedAt = input.now;
    rows.set(id, row);
  }

  for (const t of [...input.added, ...input.modified]) {
    const prev = rows.get(t.providerTransactionId);
    touch(t.providerTransactionId);
    let link = t.pendingTransactionId ?? prev?.pendingTransactionId ?? null;
    if (!link && !t.pending && !prev) {
      link = matchPending(t, pendingPool.values())?.providerTransactionId ?? null;
    }
    let inheritedTransfer: string | null = null;
    if (link) {
      const pending = rows.get(link) ?? pendingPool.get(link);
      if (pending && pending.supersededBy !== t.providerTransactionId) {
        touch(link);
        pending.supersededBy = t.providerTransactionId;
        rows.set(link, pending);
      }
      if (pending) inheritedTransfer = pending.transferKey;
    }
    rows.set(t.providerTransactionId, {
      connectionId,
      familyId,
      providerTransactionId: t.providerTransactionId,
      accountId: t.accountId,
      amountMinor: t.amountMinor,
      currency: t.currency,
      bookedOn: t.bookedOn,
      pending: t.pending,
      pendingTransactionId: link,
      supersededBy: prev?.supersededBy ?? null,
      transferKey: prev?.transferKey ?? inheritedTransfer,
      description: t.description,
      merchant: t.merchant,
      removedAt: null,
    });
    if (t.pending) pendingPool.set(t.providerTransactionId, rows.get(t.providerTransactionId)!);
    else pendingPool.delete(t.providerTransactionId);
  }

  // Transfers: batch rows against each other and against the family's stored rows.
  const pairings: Plan['pairings'] = [];
  const removeElsewhere: ExpenseChange[] = [];
  const byAmount = new Map<string, (StoredTransaction & { provider?: ProviderName })[]>();
  const bucket = (t: StoredTransaction) => `${t.currency}|${Math.abs(t.amountMinor)}`;
  const index = (t: StoredTransaction & { provider?: ProviderName }) => {
    const list = byAmount.get(bucket(t));
    if (list) list.push(t);
    else byAmount.set(bucket(t), [t]);
  };
  for (const c of input.transferCandidates) if (c.connectionId !== connectionId) index({ ...c });
  for (const id of touched.keys()) index(rows.get(id)!);
  for (const c of input.transferCandidates) {
    if (c.connectionId === connectionId && !touched.has(c.providerTransactionId)) {
      const own = rows.get(c.providerTransactionId) ?? { ...c };
      rows.set(c.providerTransactionId, own);
      index(own);
    }
  }
  for (const id of touched.keys()) {
    const row = rows.get(id)!;
    if (row.transferKey || row.removedAt || (row.pending && row.supersededBy) || row.amountMinor === 0) continue;
    const other = matchTransfer(row, byAmount.get(bucket(row)) ?? []);
    if (!other) continue;
    row.transferKey = keyOf(other);
    other.transferKey = keyOf(row);
    if (other.connectionId === connectionId) {
      touch(other.providerTransactionId);
    } else {
      pairings.push({
        connectionId: other.connectionId,
        providerTransactionId: other.providerTransactionId,
        transferKey: other.transferKey,
      });
      if (other.amountMinor > 0 && other.provider) {
        removeElsewhere.push(removal(other.provider, other.connectionId, other));
      }
    }
  }

  const writes: StoredTransaction[] = [];
  const expense: ExpenseChange[] = [];
  let skipped = 0;
  for (const [id, prev] of touched) {
    const row = rows.get(id)!;
    if (prev && sameRow(prev, row)) continue;
    writes.push(row);
    const account = input.accounts.get(row.accountId);
    if (!account?.tracked) {
      skipped++;
      continue;
    }
    const wasSpending = prev !== undefined && !prev.removedAt && !prev.transferKey && prev.amountMinor > 0;
    const replaced = row.pending && row.supersededBy !== null;
    if (row.removedAt || replaced) {
      // A pending one replaced by a posted one: the posted one takes over its expense in place.
      if (row.removedAt && !replaced) expense.push(removal(input.provider, connectionId, row));
      continue;
    }
    if (row.transferKey || row.amountMinor <= 0) {
      skipped++;
      if (wasSpending) expense.push(removal(input.provider, connectionId, row));
      continue;
    }
    expense.push({
      provider: input.provider,
      providerTransactionId: row.providerTransactionId,
      pendingTransactionId: row.pendingTransactionId ?? '',
      accountId: row.accountId,
      connectionId,
      memberId: account.memberId ?? input.creatorMemberId,
      amountMinor: row.amountMinor,
      currency: row.currency,
      occurredOn: row.bookedOn,
      description: row.description,
      merchant: row.merchant,
      pending: row.pending,
      action: wasSpending ? 'MODIFIED' : 'ADDED',
    });
  }
  return { writes, pairings, expense: [...removeElsewhere, ...expense], skipped };
}

function removal(provider: ProviderName, connectionId: string, row: StoredTransaction): ExpenseChange {
  return {
    provider,
    providerTransactionId: row.providerTransactionId,
    pendingTransactionId: '',
    accountId: row.accountId,
    connectionId,
    memberId: '',
    amountMinor: 0,
    currency: row.currency,
    occurredOn: row.bookedOn,
    description: '',
    merchant: '',
    pending: row.pending,
    action: 'REMOVED',
  };
}

/**
 * A batch's expense changes in at most `parts` parts that touch no expense in common, for imports
 * run side by side: a transaction stays with every other naming the same ids (a posted one with the
 * pending one it replaces, one sent twice), in its order. Batches under `2 × minPart` stay whole.
 */
export function independentParts<T extends Pick<ExpenseChange, 'providerTransactionId' | 'pendingTransactionId'>>(
  changes: readonly T[],
  parts: number,
  minPart = 500,
): T[][] {
  if (parts <= 1 || changes.length < 2 * minPart) return [[...changes]];
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
    for (let at = id; at !== root;) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  for (const c of changes) {
    if (!parent.has(c.providerTransactionId)) parent.set(c.providerTransactionId, c.providerTransactionId);
    if (!c.pendingTransactionId) continue;
    if (!parent.has(c.pendingTransactionId)) parent.set(c.pendingTransactionId, c.pendingTransactionId);
    const a = find(c.providerTransactionId);
    const b = find(c.pendingTransactionId);
    if (a !== b) parent.set(a, b);
  }
  const roots = changes.map((c) => find(c.providerTransactionId));
  const sizes = new Map<string, number>();
  for (const r of roots) sizes.set(r, (sizes.get(r) ?? 0) + 1);
  // Whole groups, each to the part with the fewest changes so far.
  const bins: T[][] = Array.from({ length: parts }, () => []);
  const planned = new Array<number>(parts).fill(0);
  const binOf = new Map<string, number>();
  changes.forEach((c, i) => {
    const root = roots[i]!;
    let bin = binOf.get(root);
    if (bin === undefined) {
      bin = planned.indexOf(Math.min(...planned));
      binOf.set(root, bin);
      planned[bin]! += sizes.get(root)!;
    }
    bins[bin]!.push(c);
  });
  return bins.filter((b) => b.length > 0);
}

/** What a plan was computed from: the rows it read and the queries that could have found others. */
export interface PlanReads {
  /** Provider ids looked up (the batch's and the pending ones they name). */
  ids: Set<string>;
  pending: 'queried' | 'not read';
  pendingRows: Set<string>;
  /** Amounts the transfer candidates were read for. */
  amounts: Set<number>;
  /** connection:provider id of each transfer candidate read. */
  transferRows: Set<string>;
}

/**
 * Whether a plan made before `earlier` was stored is still the one it would make after: `earlier`
 * wrote no row it read, and no row one of its queries would have found (conservatively: any pending
 * row when it looked for pending ones, any row of an amount it looked for).
 */
export function unaffected(reads: PlanReads, connectionId: string, earlier: Plan): boolean {
  for (const w of earlier.writes) {
    if (reads.ids.has(w.providerTransactionId)) return false;
    if (reads.pending === 'queried' && (w.pending || reads.pendingRows.has(w.providerTransactionId))) return false;
    if (reads.amounts.has(w.amountMinor)) return false;
    if (reads.transferRows.has(`${w.connectionId}:${w.providerTransactionId}`)) return false;
  }
  for (const p of earlier.pairings) {
    if (p.connectionId === connectionId && reads.ids.has(p.providerTransactionId)) return false;
    if (reads.transferRows.has(`${p.connectionId}:${p.providerTransactionId}`)) return false;
  }
  return true;
}
