// The provider transactions seen, normalised (amount_minor > 0 is money out): what pending → posted
// and transfer matching compare against, and what tells a re-sent transaction from a changed one.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BankDatabase, TransactionsTable } from '../db/schema.js';
import type { StoredTransaction } from '../domain/bank.records.js';
import type { TransferCandidate } from '../domain/sync.plan.js';

const CHUNK = 2000;

function fromRow(r: Selectable<TransactionsTable>): StoredTransaction {
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
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('provider_transaction_id', '=', sql<string>`any(${ids.slice(i, i + CHUNK * 5)}::text[])`)
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
      .where('transactions.amount_minor', '=', sql<number>`any(${amounts}::bigint[])`)
      .where('transactions.booked_on', '>=', from)
      .where('transactions.booked_on', '<=', to)
      .execute();
    return rows.map((r) => ({ ...fromRow(r), provider: r.provider }));
  }

  async upsert(trx: Kysely<BankDatabase>, rows: StoredTransaction[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('transactions')
        .values(
          rows.slice(i, i + CHUNK).map((t) => ({
            connection_id: t.connectionId,
            provider_transaction_id: t.providerTransactionId,
            family_id: t.familyId,
            account_id: t.accountId,
            amount_minor: t.amountMinor,
            currency: t.currency,
            booked_on: t.bookedOn,
            pending: t.pending,
            pending_transaction_id: t.pendingTransactionId,
            superseded_by: t.supersededBy,
            transfer_key: t.transferKey,
            description: t.description,
            merchant: t.merchant,
            removed_at: t.removedAt,
          })),
        )
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

  async pair(
    trx: Kysely<BankDatabase>,
    pairings: { connectionId: string; providerTransactionId: string; transferKey: string }[],
  ): Promise<void> {
    for (const p of pairings) {
      await trx
        .updateTable('transactions')
        .set({ transfer_key: p.transferKey, updated_at: sql<Date>`now()` })
        .where('connection_id', '=', p.connectionId)
        .where('provider_transaction_id', '=', p.providerTransactionId)
        .execute();
    }
  }

  /** Forgets rows removed at the provider before `before` (kept until then for late posted matches). */
  async pruneRemoved(before: Date): Promise<void> {
    await this.db.deleteFrom('transactions').where('removed_at', '<', before).execute();
  }
}
