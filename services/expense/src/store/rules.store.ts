import { sql, type Kysely, type Selectable, type Insertable } from 'kysely';
import type { CategorizationRulesTable, ExpenseDatabase } from '../db/schema.js';

export type RuleRow = Selectable<CategorizationRulesTable>;
export type NewRuleRow = Omit<Insertable<CategorizationRulesTable>, 'version' | 'created_at'>;

export class RulesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  insert(db: Kysely<ExpenseDatabase>, row: NewRuleRow): Promise<RuleRow> {
    return db.insertInto('categorization_rules').values(row).returningAll().executeTakeFirstOrThrow();
  }

  byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db) {
    return db
      .selectFrom('categorization_rules')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string) {
    return db
      .selectFrom('categorization_rules')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  /** The family's enabled rules (a family has tens of them). */
  enabled(familyId: string, db: Kysely<ExpenseDatabase> = this.db): Promise<RuleRow[]> {
    return db
      .selectFrom('categorization_rules')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('enabled', '=', true)
      .orderBy('priority')
      .orderBy('id')
      .execute();
  }

  /** In priority order; the cursor is (priority, id). */
  list(familyId: string, after: { priority: number; id: string } | undefined, limit: number) {
    let q = this.db.selectFrom('categorization_rules').selectAll().where('family_id', '=', familyId);
    if (after) q = q.where((eb) => eb(eb.refTuple('priority', 'id'), '>', eb.tuple(after.priority, after.id)));
    return q.orderBy('priority').orderBy('id').limit(limit).execute();
  }

  update(db: Kysely<ExpenseDatabase>, id: string, patch: Partial<NewRuleRow>): Promise<RuleRow> {
    return db
      .updateTable('categorization_rules')
      .set({ ...patch, version: sql<number>`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(db: Kysely<ExpenseDatabase>, id: string): Promise<void> {
    await db.deleteFrom('categorization_rules').where('id', '=', id).execute();
  }

  /** The learned rule for a merchant, creating or re-pointing it (one per merchant and family). */
  async learn(
    db: Kysely<ExpenseDatabase>,
    row: Pick<
      RuleRow,
      'id' | 'family_id' | 'name' | 'priority' | 'match_field' | 'match_type' | 'pattern' | 'category_id'
    >,
  ): Promise<void> {
    await db
      .insertInto('categorization_rules')
      .values({ ...row, add_tags: [], enabled: true, learned: true })
      .onConflict((oc) =>
        oc
          .expression(sql`family_id, lower(pattern)`)
          .where('learned', '=', true)
          .doUpdateSet({ category_id: row.category_id, version: sql<number>`categorization_rules.version + 1` })
          .where('categorization_rules.category_id', '<>', row.category_id),
      )
      .execute();
  }
}
