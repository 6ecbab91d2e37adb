import type { Kysely, Selectable } from 'kysely';
import type { ExpenseDatabase, FxRatesTable } from '../db/schema.js';

export type FxRateRow = Selectable<FxRatesTable>;

export class FxRatesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async upsert(db: Kysely<ExpenseDatabase>, row: Omit<FxRateRow, 'updated_at'>): Promise<FxRateRow> {
    return db
      .insertInto('fx_rates')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['family_id', 'currency']).doUpdateSet({
          rate: row.rate,
          updated_by_member_id: row.updated_by_member_id,
          updated_at: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The family's rates for these currencies, by currency. */
  async rates(familyId: string, currencies: string[], db: Kysely<ExpenseDatabase> = this.db) {
    if (currencies.length === 0) return new Map<string, string>();
    const rows = await db
      .selectFrom('fx_rates')
      .select(['currency', 'rate'])
      .where('family_id', '=', familyId)
      .where('currency', 'in', currencies)
      .execute();
    return new Map(rows.map((r) => [r.currency, r.rate]));
  }

  list(familyId: string, afterCurrency: string | undefined, limit: number) {
    let q = this.db.selectFrom('fx_rates').selectAll().where('family_id', '=', familyId);
    if (afterCurrency) q = q.where('currency', '>', afterCurrency);
    return q.orderBy('currency').limit(limit).execute();
  }
}
