import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { AllowancePaymentsTable, AllowancesTable, GoalsDatabase } from '../db/schema.js';

export type AllowanceRow = Selectable<AllowancesTable>;

export class AllowancesStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  insert(trx: Kysely<GoalsDatabase>, row: Insertable<AllowancesTable>): Promise<AllowanceRow> {
    return trx.insertInto('allowances').values(row).returningAll().executeTakeFirstOrThrow();
  }

  byId(familyId: string, id: string, db: Kysely<GoalsDatabase> = this.db): Promise<AllowanceRow | undefined> {
    return db
      .selectFrom('allowances')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  forUpdate(trx: Kysely<GoalsDatabase>, familyId: string, id: string): Promise<AllowanceRow | undefined> {
    return trx
      .selectFrom('allowances')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  update(trx: Kysely<GoalsDatabase>, id: string, patch: Updateable<AllowancesTable>): Promise<AllowanceRow> {
    return trx
      .updateTable('allowances')
      .set({ ...patch, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(trx: Kysely<GoalsDatabase>, id: string): Promise<void> {
    await trx.deleteFrom('allowances').where('id', '=', id).execute();
  }

  list(
    filter: { familyId: string; memberId?: string | undefined },
    afterId: string | undefined,
    limit: number,
  ): Promise<AllowanceRow[]> {
    let q = this.db.selectFrom('allowances').selectAll().where('family_id', '=', filter.familyId);
    if (filter.memberId) q = q.where('member_id', '=', filter.memberId);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  /** One allowance with a payday due by `today`, locked; rows another replica holds are skipped. */
  nextDue(trx: Kysely<GoalsDatabase>, familyId: string, today: string): Promise<AllowanceRow | undefined> {
    return trx
      .selectFrom('allowances')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('paused', '=', false)
      .where('next_payday', '<=', today)
      .orderBy('next_payday')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
  }

  /** Records a payday's outcome; false when that payday was already handled. */
  async insertPayment(trx: Kysely<GoalsDatabase>, row: Insertable<AllowancePaymentsTable>): Promise<boolean> {
    const inserted = await trx
      .insertInto('allowance_payments')
      .values(row)
      .onConflict((oc) => oc.columns(['allowance_id', 'payday']).doNothing())
      .returning('allowance_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
