import { sql, type Kysely, type Selectable } from 'kysely';
import type { ExpenseDatabase, SpendingLimitsTable } from '../db/schema.js';

export type LimitsRow = Selectable<SpendingLimitsTable>;

export class LimitsStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  get(familyId: string, memberId: string, db: Kysely<ExpenseDatabase> = this.db) {
    return db
      .selectFrom('spending_limits')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
  }

  forMembers(db: Kysely<ExpenseDatabase>, familyId: string, memberIds: string[]): Promise<LimitsRow[]> {
    if (memberIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('spending_limits')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('member_id', 'in', memberIds)
      .execute();
  }

  forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, memberId: string) {
    return db
      .selectFrom('spending_limits')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('member_id', '=', memberId)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Replaces a member's limits; the version starts at 1 and grows by one per put. */
  put(
    db: Kysely<ExpenseDatabase>,
    row: Pick<
      LimitsRow,
      'family_id' | 'member_id' | 'day_minor' | 'week_minor' | 'month_minor' | 'blocked_category_ids'
    >,
  ): Promise<LimitsRow> {
    return db
      .insertInto('spending_limits')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['family_id', 'member_id']).doUpdateSet({
          day_minor: row.day_minor,
          week_minor: row.week_minor,
          month_minor: row.month_minor,
          blocked_category_ids: row.blocked_category_ids,
          version: sql<number>`spending_limits.version + 1`,
          updated_at: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
