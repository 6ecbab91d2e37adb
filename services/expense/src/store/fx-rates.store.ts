// The family's FX rate table; rows map to FxRate here.
import type { Kysely, Selectable } from 'kysely';
import type { ExpenseDatabase, FxRatesTable } from '../db/schema.js';
import type { FxRate } from '../domain/expense.records.js';

function toFxRate(r: Selectable<FxRatesTable>): FxRate {
  return {
    familyId: r.family_id,
    currency: r.currency,
    rate: r.rate,
    updatedByMemberId: r.updated_by_member_id,
    updatedAt: r.updated_at,
  };
}

export class FxRatesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async upsert(db: Kysely<ExpenseDatabase>, rate: Omit<FxRate, 'updatedAt'>): Promise<FxRate> {
    const row = await db
      .insertInto('fx_rates')
      .values({
        family_id: rate.familyId,
        currency: rate.currency,
        rate: rate.rate,
        updated_by_member_id: rate.updatedByMemberId,
      })
      .onConflict((oc) =>
        oc.columns(['family_id', 'currency']).doUpdateSet({
          rate: rate.rate,
          updated_by_member_id: rate.updatedByMemberId,
          updated_at: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toFxRate(row);
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

  async list(familyId: string, afterCurrency: string | undefined, limit: number): Promise<FxRate[]> {
    let q = this.db.selectFrom('fx_rates').selectAll().where('family_id', '=', familyId);
    if (afterCurrency) q = q.where('currency', '>', afterCurrency);
    return (await q.orderBy('currency').limit(limit).execute()).map(toFxRate);
  }
}
