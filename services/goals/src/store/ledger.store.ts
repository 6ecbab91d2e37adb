// Balances (one row per member and jar) and the append-only ledger. A debit is one conditional
// UPDATE — `balance >= amount` — so concurrent debits can never take a jar below zero.
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { GoalsDatabase, LedgerEntriesTable } from '../db/schema.js';
import type { JarName, LedgerKindName } from '../domain/goals.types.js';

export type LedgerEntryRow = Selectable<LedgerEntriesTable>;

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

  insertEntry(trx: Kysely<GoalsDatabase>, entry: Insertable<LedgerEntriesTable>): Promise<LedgerEntryRow> {
    return trx.insertInto('ledger_entries').values(entry).returningAll().executeTakeFirstOrThrow();
  }

  /** Newest first: `limit` entries older than the cursor id (ids are time-ordered UUIDv7). */
  list(filter: LedgerFilter, beforeId: string | undefined, limit: number): Promise<LedgerEntryRow[]> {
    let q = this.db.selectFrom('ledger_entries').selectAll().where('member_id', '=', filter.memberId);
    if (filter.jar) q = q.where('jar', '=', filter.jar);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.from) q = q.where('day', '>=', filter.from);
    if (filter.to) q = q.where('day', '<=', filter.to);
    if (beforeId) q = q.where('id', '<', beforeId);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }
}
