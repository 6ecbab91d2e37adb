// The provider transactions seen, normalised (amount_minor > 0 is money out): what pending → posted
// and transfer matching compare against, and what tells a re-sent transaction from a changed one.
import { sql, type Kysely, type Selectable } from 'kysely';
import { pgArray, type PgArrayElement } from '@family/db';
import type { BankDatabase, TransactionsTable } from '../db/schema.js';
import type { StoredTransaction } from '../domain/bank.records.js';
import type { TransferCandidate } from '../domain/sync.plan.js';

const CHUNK = 2000;
/** Rows per upsert statement (each column is one array parameter). */
const UPSERT_CHUNK = 5000;
/** A row's columns, its write time aside: what byIds reads and upsert writes. */
const COLUMNS = [
  'connection_id',
  'provider_transaction_id',
  'family_id',
  'account_id',
  'amount_minor',
  'currency',
  'booked_on',
  'pending',
  'pending_transaction_id',
  'superseded_by',
  'transfer_key',
  'description',
  'merchant',
  'removed_at',
] as const;

function fromRow(r: Omit<Selectable<TransactionsTable>, 'updated_at'>): StoredTransaction {
  return {
    connectionId: r.connection_id,
    providerTransactionId: r.provider_transaction_id,
    familyId: r.family_id,
    accountId: r.account_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    bookedOn: r.booked_on,
    pending: r.pending,
    pendingTransactionId: r.pending_transaction_id,
    supersededBy: r.superseded_by,
    transferKey: r.transfer_key,
    description: r.description,
    merchant: r.merchant,
    removedAt: r.removed_at,
  };
}

export class TransactionsStore {
  constructor(private readonly db: Kysely<BankDatabase>) {}

  async byIds(connectionId: string, ids: string[]): Promise<Map<string, StoredTransaction>> {
    const found = new Map<string, StoredTransaction>();
    for (let i = 0; i < ids.length; i += CHUNK * 5) {
      const rows = await this.db
        .selectFrom('transactions')
        .select(COLUMNS)
        .where('connection_id', '=', connectionId)
        .where('provider_transaction_id', '=', sql<string>`any(${pgArray(ids.slice(i, i + CHUNK * 5))}::text[])`)
        .execute();
      for (const r of rows) found.set(r.provider_transaction_id, fromRow(r));
    }
    return found;
  }

  /** Pending rows of the connection not yet replaced, booked in [from, to]. */
  async pendingCandidates(connectionId: string, from: string, to: string): Promise<StoredTransaction[]> {
    const rows = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('pending', '=', true)
      .where('superseded_by', 'is', null)
      .where('booked_on', '>=', from)
      .where('booked_on', '<=', to)
      .execute();
    return rows.map(fromRow);
  }

  /** The family's unpaired, present rows with one of `amounts` (signed), booked in [from, to]. */
  async transferCandidates(
    familyId: string,
    amounts: number[],
    from: string,
    to: string,
  ): Promise<TransferCandidate[]> {
    if (!amounts.length) return [];
    const rows = await this.db
      .selectFrom('transactions')
      .innerJoin('connections', 'connections.id', 'transactions.connection_id')
      .selectAll('transactions')
      .select('connections.provider')
      .where('transactions.family_id', '=', familyId)
      .where('transactions.transfer_key', 'is', null)
      .where('transactions.removed_at', 'is', null)
      .where('transactions.amount_minor', '=', sql<number>`any(${pgArray(amounts)}::bigint[])`)
      .where('transactions.booked_on', '>=', from)
      .where('transactions.booked_on', '<=', to)
      .execute();
    return rows.map((r) => ({ ...fromRow(r), provider: r.provider }));
  }

  /** Inserts or rewrites rows with one statement per chunk (one array per column). */
  async upsert(trx: Kysely<BankDatabase>, rows: StoredTransaction[]): Promise<void> {
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      const chunk = rows.slice(i, i + UPSERT_CHUNK);
      // Each column as one array literal (see pgArray).
      const col = (f: (t: StoredTransaction) => PgArrayElement) => pgArray(chunk.map(f));
      const values = sql<Record<(typeof COLUMNS)[number], unknown>>`(select
          unnest(${col((t) => t.connectionId)}::uuid[]) as connection_id,
          unnest(${col((t) => t.providerTransactionId)}::text[]) as provider_transaction_id,
          unnest(${col((t) => t.familyId)}::uuid[]) as family_id,
          unnest(${col((t) => t.accountId)}::uuid[]) as account_id,
          unnest(${col((t) => t.amountMinor)}::int8[]) as amount_minor,
          unnest(${col((t) => t.currency)}::text[]) as currency,
          unnest(${col((t) => t.bookedOn)}::date[]) as booked_on,
          unnest(${col((t) => t.pending)}::bool[]) as pending,
          unnest(${col((t) => t.pendingTransactionId)}::text[]) as pending_transaction_id,
          unnest(${col((t) => t.supersededBy)}::text[]) as superseded_by,
          unnest(${col((t) => t.transferKey)}::text[]) as transfer_key,
          unnest(${col((t) => t.description)}::text[]) as description,
          unnest(${col((t) => t.merchant)}::text[]) as merchant,
          unnest(${col((t) => t.removedAt)}::timestamptz[]) as removed_at)`.as('v');
      await trx
        .insertInto('transactions')
        .columns(COLUMNS)
        .expression((eb) => eb.selectFrom(values).select(COLUMNS.map((c) => `v.${c}` as const)))
        .onConflict((oc) =>
          oc.columns(['connection_id', 'provider_transaction_id']).doUpdateSet((eb) => ({
            account_id: eb.ref('excluded.account_id'),
            amount_minor: eb.ref('excluded.amount_minor'),
            currency: eb.ref('excluded.currency'),
            booked_on: eb.ref('excluded.booked_on'),
            pending: eb.ref('excluded.pending'),
            pending_transaction_id: eb.ref('excluded.pending_transaction_id'),
            superseded_by: eb.ref('excluded.superseded_by'),
            transfer_key: eb.ref('excluded.transfer_key'),
            description: eb.ref('excluded.description'),
            merchant: eb.ref('excluded.merchant'),
            removed_at: eb.ref('excluded.removed_at'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .execute();
    }
  }

  /** Sets the transfer key of rows elsewhere in the family, in one statement. */
  async pair(
    trx: Kysely<BankDatabase>,
    pairings: { connectionId: string; providerTransactionId: string; transferKey: string }[],
  ): Promise<void> {
    if (pairings.length === 0) return;
    await trx
      .updateTable('transactions as t')
      .from(
        sql<{ connection_id: string; provider_transaction_id: string; transfer_key: string }>`(select
          unnest(${pgArray(pairings.map((p) => p.connectionId))}::uuid[]) as connection_id,
          unnest(${pgArray(pairings.map((p) => p.providerTransactionId))}::text[]) as provider_transaction_id,
          unnest(${pgArray(pairings.map((p) => p.transferKey))}::text[]) as transfer_key)`.as('v'),
      )
      .set((eb) => ({ transfer_key: eb.ref('v.transfer_key'), updated_at: sql<Date>`now()` }))
      .whereRef('t.connection_id', '=', 'v.connection_id')
      .whereRef('t.provider_transaction_id', '=', 'v.provider_transaction_id')
      .execute();
  }

  /** Forgets rows removed at the provider before `before` (kept until then for late posted matches). */
  async pruneRemoved(before: Date): Promise<void> {
    await this.db.deleteFrom('transactions').where('removed_at', '<', before).execute();
  }
}
