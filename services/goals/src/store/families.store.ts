import type { Kysely, Selectable } from 'kysely';
import type { FamiliesTable, GoalsDatabase } from '../db/schema.js';

export type FamilyRow = Selectable<FamiliesTable>;

export class FamiliesStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  byId(familyId: string, db: Kysely<GoalsDatabase> = this.db): Promise<FamilyRow | undefined> {
    return db.selectFrom('families').selectAll().where('family_id', '=', familyId).executeTakeFirst();
  }

  all(): Promise<FamilyRow[]> {
    return this.db.selectFrom('families').selectAll().orderBy('family_id').execute();
  }

  async insertIfAbsent(row: { family_id: string; currency: string; timezone: string }): Promise<void> {
    await this.db
      .insertInto('families')
      .values(row)
      .onConflict((oc) => oc.column('family_id').doNothing())
      .execute();
  }
}
