// Children's spending limits; rows map to SpendingLimits here.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ExpenseDatabase, SpendingLimitsTable } from '../db/schema.js';
import type { NewSpendingLimits, SpendingLimits } from '../domain/expense.records.js';

function toLimits(r: Selectable<SpendingLimitsTable>): SpendingLimits {
  return {
    familyId: r.family_id,
    memberId: r.member_id,
    dayMinor: r.day_minor,
    weekMinor: r.week_minor,
    monthMinor: r.month_minor,
    blockedCategoryIds: r.blocked_category_ids,
    version: r.version,
    updatedAt: r.updated_at,
  };
}

export class LimitsStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async get(familyId: string, memberId: string, db: Kysely<ExpenseDatabase> = this.db) {
    const row = await db
      .selectFrom('spending_limits')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return row && toLimits(row);
  }

  async forMembers(db: Kysely<ExpenseDatabase>, familyId: string, memberIds: string[]): Promise<SpendingLimits[]> {
    if (memberIds.length === 0) return [];
    const rows = await db
      .selectFrom('spending_limits')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('member_id', 'in', memberIds)
      .execute();
    return rows.map(toLimits);
  }

  /** Every member of the family with a limits row, by member id. */
  async forFamily(familyId: string): Promise<SpendingLimits[]> {
    const rows = await this.db
      .selectFrom('spending_limits')
      .selectAll()
      .where('family_id', '=', familyId)
      .orderBy('member_id')
      .execute();
    return rows.map(toLimits);
  }

  async forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, memberId: string) {
    const row = await db
      .selectFrom('spending_limits')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('member_id', '=', memberId)
      .forUpdate()
      .executeTakeFirst();
    return row && toLimits(row);
  }

  /** Replaces a member's limits; the version starts at 1 and grows by one per put. */
  async put(db: Kysely<ExpenseDatabase>, l: NewSpendingLimits): Promise<SpendingLimits> {
    const values = {
      day_minor: l.dayMinor,
      week_minor: l.weekMinor,
      month_minor: l.monthMinor,
      blocked_category_ids: l.blockedCategoryIds,
    };
    const row = await db
      .insertInto('spending_limits')
      .values({ family_id: l.familyId, member_id: l.memberId, ...values })
      .onConflict((oc) =>
        oc.columns(['family_id', 'member_id']).doUpdateSet({
          ...values,
          version: sql<number>`spending_limits.version + 1`,
          updated_at: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toLimits(row);
  }
}
