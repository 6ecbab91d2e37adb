import type { Insertable, Kysely, Selectable } from 'kysely';
import type { GoalsDatabase, JarSettingsTable } from '../db/schema.js';

export type JarSettingsRow = Selectable<JarSettingsTable>;

export class JarSettingsStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  get(memberId: string, db: Kysely<GoalsDatabase> = this.db): Promise<JarSettingsRow | undefined> {
    return db.selectFrom('jar_settings').selectAll().where('member_id', '=', memberId).executeTakeFirst();
  }

  forUpdate(trx: Kysely<GoalsDatabase>, memberId: string): Promise<JarSettingsRow | undefined> {
    return trx.selectFrom('jar_settings').selectAll().where('member_id', '=', memberId).forUpdate().executeTakeFirst();
  }

  upsert(trx: Kysely<GoalsDatabase>, row: Insertable<JarSettingsTable>): Promise<JarSettingsRow> {
    const { member_id: _memberId, ...update } = row;
    return trx
      .insertInto('jar_settings')
      .values(row)
      .onConflict((oc) => oc.column('member_id').doUpdateSet(update))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** One member whose interest is due, locked; rows another replica holds are skipped. */
  nextInterestDue(trx: Kysely<GoalsDatabase>, familyId: string, today: string): Promise<JarSettingsRow | undefined> {
    return trx
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
  }

  async setInterestNextOn(trx: Kysely<GoalsDatabase>, memberId: string, nextOn: string): Promise<void> {
    await trx.updateTable('jar_settings').set({ interest_next_on: nextOn }).where('member_id', '=', memberId).execute();
  }

  /** Records a month's interest; false when that month was already paid. */
  async insertInterestPayment(
    trx: Kysely<GoalsDatabase>,
    row: { member_id: string; month: string; family_id: string; amount_minor: number },
  ): Promise<boolean> {
    const inserted = await trx
      .insertInto('interest_payments')
      .values(row)
      .onConflict((oc) => oc.columns(['member_id', 'month']).doNothing())
      .returning('member_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
