// Balances (one row per member and jar) and the append-only ledger. A debit is one conditional
// UPDATE — `balance >= amount` — so concurrent debits can never take a jar below zero.
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { GoalsDatabase, LedgerEntriesTable } from '../db/schema.js';
import type { LedgerEntry } from '../domain/goals.records.js';
import type { JarName, LedgerKindName } from '../domain/goals.types.js';

function fromRow(r: Selectable<LedgerEntriesTable>): LedgerEntry {
  return {
    id: r.id,
    familyId: r.family_id,
    memberId: r.member_id,
    jar: r.jar,
    amountMinor: r.amount_minor,
    currency: r.currency,
    kind: r.kind,
    memo: r.memo,
    balanceAfterMinor: r.balance_after_minor,
    transferId: r.transfer_id,
    description: r.description,
    merchant: r.merchant,
    categoryId: r.category_id,
    occurredOn: r.occurred_on,
    goalId: r.goal_id,
    choreId: r.chore_id,
    allowanceId: r.allowance_id,
    createdByMemberId: r.created_by_member_id,
    day: r.day,
    at: r.at,
  };
}

function toRow(e: LedgerEntry): Insertable<LedgerEntriesTable> {
  return {
    id: e.id,
    family_id: e.familyId,
    member_id: e.memberId,
    jar: e.jar,
    amount_minor: e.amountMinor,
    currency: e.currency,
    kind: e.kind,
    memo: e.memo,
    balance_after_minor: e.balanceAfterMinor,
    transfer_id: e.transferId,
    description: e.description,
    merchant: e.merchant,
    category_id: e.categoryId,
    occurred_on: e.occurredOn,
    goal_id: e.goalId,
    chore_id: e.choreId,
    allowance_id: e.allowanceId,
    created_by_member_id: e.createdByMemberId,
    day: e.day,
    at: e.at,
  };
}

export interface LedgerFilter {
  memberId: string;
  jar?: JarName | undefined;
  kind?: LedgerKindName | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export class LedgerStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  /** Adds to a jar (creating its row) and returns the new balance. */
  async credit(
    trx: Kysely<GoalsDatabase>,
    input: { familyId: string; memberId: string; jar: JarName; amount: number },
  ): Promise<number> {
    const row = await trx
      .insertInto('balances')
      .values({
        member_id: input.memberId,
        jar: input.jar,
        family_id: input.familyId,
        balance_minor: input.amount,
      })
      .onConflict((oc) =>
        oc.columns(['member_id', 'jar']).doUpdateSet({
          balance_minor: sql<number>`balances.balance_minor + excluded.balance_minor`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning('balance_minor')
      .executeTakeFirstOrThrow();
    return row.balance_minor;
  }

  /** Takes from a jar only when it holds enough; returns the new balance, or undefined when short. */
  async debit(
    trx: Kysely<GoalsDatabase>,
    input: { memberId: string; jar: JarName; amount: number },
  ): Promise<number | undefined> {
    const row = await trx
      .updateTable('balances')
      .set({ balance_minor: sql<number>`balance_minor - ${input.amount}`, updated_at: sql<Date>`now()` })
      .where('member_id', '=', input.memberId)
      .where('jar', '=', input.jar)
      .where('balance_minor', '>=', input.amount)
      .returning('balance_minor')
      .executeTakeFirst();
    return row?.balance_minor;
  }

  /**
   * Locks a member's existing jar rows in one fixed order (by name): every operation touching several
   * jars calls this first, so two of them in opposite directions cannot deadlock.
   */
  async lockJars(trx: Kysely<GoalsDatabase>, memberId: string, jars: JarName[]): Promise<void> {
    if (jars.length === 0) return;
    await trx
      .selectFrom('balances')
      .select('jar')
      .where('member_id', '=', memberId)
      .where('jar', 'in', jars)
      .orderBy('jar')
      .forUpdate()
      .execute();
  }

  async balances(memberId: string, db: Kysely<GoalsDatabase> = this.db): Promise<Record<JarName, number>> {
    const rows = await db
      .selectFrom('balances')
      .select(['jar', 'balance_minor'])
      .where('member_id', '=', memberId)
      .execute();
    const out: Record<JarName, number> = { SPEND: 0, SAVE: 0, GIVE: 0 };
    for (const r of rows) out[r.jar] = r.balance_minor;
    return out;
  }

  async balance(memberId: string, jar: JarName, db: Kysely<GoalsDatabase> = this.db): Promise<number> {
    const row = await db
      .selectFrom('balances')
      .select('balance_minor')
      .where('member_id', '=', memberId)
      .where('jar', '=', jar)
      .executeTakeFirst();
    return row?.balance_minor ?? 0;
  }

  async insertEntry(trx: Kysely<GoalsDatabase>, entry: LedgerEntry): Promise<LedgerEntry> {
    const row = await trx.insertInto('ledger_entries').values(toRow(entry)).returningAll().executeTakeFirstOrThrow();
    return fromRow(row);
  }

  /** Newest first: `limit` entries older than the cursor id (ids are time-ordered UUIDv7). */
  async list(filter: LedgerFilter, beforeId: string | undefined, limit: number): Promise<LedgerEntry[]> {
    let q = this.db.selectFrom('ledger_entries').selectAll().where('member_id', '=', filter.memberId);
    if (filter.jar) q = q.where('jar', '=', filter.jar);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.from) q = q.where('day', '>=', filter.from);
    if (filter.to) q = q.where('day', '<=', filter.to);
    if (beforeId) q = q.where('id', '<', beforeId);
    const rows = await q.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }
}
