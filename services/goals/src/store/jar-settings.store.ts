// Each member's jar settings (default split, monthly interest on SAVE) and the interest paid per month.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { GoalsDatabase, JarSettingsTable } from '../db/schema.js';
import type { InterestPayment, JarSettings } from '../domain/goals.records.js';

function fromRow(r: Selectable<JarSettingsTable>): JarSettings {
  return {
    memberId: r.member_id,
    familyId: r.family_id,
    split: { spend: r.split_spend, save: r.split_save, give: r.split_give },
    interestBps: r.interest_bps,
    interestCapMinor: r.interest_cap_minor,
    interestNextOn: r.interest_next_on,
    updatedAt: r.updated_at,
  };
}

export class JarSettingsStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  async get(memberId: string, db: Kysely<GoalsDatabase> = this.db): Promise<JarSettings | undefined> {
    const row = await db.selectFrom('jar_settings').selectAll().where('member_id', '=', memberId).executeTakeFirst();
    return row && fromRow(row);
  }

  async forUpdate(trx: Kysely<GoalsDatabase>, memberId: string): Promise<JarSettings | undefined> {
    const row = await trx
      .selectFrom('jar_settings')
      .selectAll()
      .where('member_id', '=', memberId)
      .forUpdate()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async upsert(trx: Kysely<GoalsDatabase>, s: Omit<JarSettings, 'updatedAt'>): Promise<JarSettings> {
    const values = {
      family_id: s.familyId,
      split_spend: s.split.spend,
      split_save: s.split.save,
      split_give: s.split.give,
      interest_bps: s.interestBps,
      interest_cap_minor: s.interestCapMinor,
      interest_next_on: s.interestNextOn,
      updated_at: sql<Date>`now()`,
    };
    const row = await trx
      .insertInto('jar_settings')
      .values({ member_id: s.memberId, ...values })
      .onConflict((oc) => oc.column('member_id').doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  /** One member whose interest is due, locked; rows another replica holds are skipped. */
  async nextInterestDue(trx: Kysely<GoalsDatabase>, familyId: string, today: string): Promise<JarSettings | undefined> {
    const row = await trx
      .selectFrom('jar_settings')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('interest_bps', '>', 0)
      .where('interest_next_on', '<=', today)
      .orderBy('interest_next_on')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async setInterestNextOn(trx: Kysely<GoalsDatabase>, memberId: string, nextOn: string): Promise<void> {
    await trx.updateTable('jar_settings').set({ interest_next_on: nextOn }).where('member_id', '=', memberId).execute();
  }

  /** Records a month's interest; false when that month was already paid. */
  async insertInterestPayment(trx: Kysely<GoalsDatabase>, p: InterestPayment): Promise<boolean> {
    const inserted = await trx
      .insertInto('interest_payments')
      .values({ member_id: p.memberId, month: p.month, family_id: p.familyId, amount_minor: p.amountMinor })
      .onConflict((oc) => oc.columns(['member_id', 'month']).doNothing())
      .returning('member_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
