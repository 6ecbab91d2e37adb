import type { Kysely, Selectable } from 'kysely';
import type { ExpenseDatabase, FamiliesTable } from '../db/schema.js';

export type FamilyRow = Selectable<FamiliesTable>;

export class FamiliesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  byId(familyId: string, db: Kysely<ExpenseDatabase> = this.db): Promise<FamilyRow | undefined> {
    return db.selectFrom('families').selectAll().where('family_id', '=', familyId).executeTakeFirst();
  }

  /** Inserts the family unless it exists; true when this call inserted it. */
  async insertIfAbsent(db: Kysely<ExpenseDatabase>, f: { family_id: string; currency: string; timezone: string }) {
    const row = await db
      .insertInto('families')
      .values(f)
      .onConflict((oc) => oc.column('family_id').doNothing())
      .returning('family_id')
      .executeTakeFirst();
    return row !== undefined;
  }
}
