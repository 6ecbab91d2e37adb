// Categorization rules; rows map to CategorizationRule here.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CategorizationRulesTable, ExpenseDatabase } from '../db/schema.js';
import type { CategorizationRule, NewCategorizationRule } from '../domain/expense.records.js';

export type RulePatch = Partial<Omit<NewCategorizationRule, 'id' | 'familyId'>>;

function toRule(r: Selectable<CategorizationRulesTable>): CategorizationRule {
  return {
    id: r.id,
    familyId: r.family_id,
    name: r.name,
    priority: r.priority,
    matchField: r.match_field,
    matchType: r.match_type,
    pattern: r.pattern,
    minAmountMinor: r.min_amount_minor,
    maxAmountMinor: r.max_amount_minor,
    memberId: r.member_id,
    source: r.source,
    categoryId: r.category_id,
    addTags: r.add_tags,
    enabled: r.enabled,
    learned: r.learned,
    version: r.version,
    createdAt: r.created_at,
  };
}

function toRow(r: RulePatch) {
  return {
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(r.priority !== undefined ? { priority: r.priority } : {}),
    ...(r.matchField !== undefined ? { match_field: r.matchField } : {}),
    ...(r.matchType !== undefined ? { match_type: r.matchType } : {}),
    ...(r.pattern !== undefined ? { pattern: r.pattern } : {}),
    ...(r.minAmountMinor !== undefined ? { min_amount_minor: r.minAmountMinor } : {}),
    ...(r.maxAmountMinor !== undefined ? { max_amount_minor: r.maxAmountMinor } : {}),
    ...(r.memberId !== undefined ? { member_id: r.memberId } : {}),
    ...(r.source !== undefined ? { source: r.source } : {}),
    ...(r.categoryId !== undefined ? { category_id: r.categoryId } : {}),
    ...(r.addTags !== undefined ? { add_tags: r.addTags } : {}),
    ...(r.enabled !== undefined ? { enabled: r.enabled } : {}),
    ...(r.learned !== undefined ? { learned: r.learned } : {}),
  };
}

export class RulesStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async insert(db: Kysely<ExpenseDatabase>, r: NewCategorizationRule): Promise<CategorizationRule> {
    const row = await db
      .insertInto('categorization_rules')
      .values({
        id: r.id,
        family_id: r.familyId,
        name: r.name,
        priority: r.priority,
        match_field: r.matchField,
        match_type: r.matchType,
        pattern: r.pattern,
        min_amount_minor: r.minAmountMinor,
        max_amount_minor: r.maxAmountMinor,
        member_id: r.memberId,
        source: r.source,
        category_id: r.categoryId,
        add_tags: r.addTags,
        enabled: r.enabled,
        learned: r.learned,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRule(row);
  }

  async byId(familyId: string, id: string, db: Kysely<ExpenseDatabase> = this.db) {
    const row = await db
      .selectFrom('categorization_rules')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRule(row);
  }

  async forUpdate(db: Kysely<ExpenseDatabase>, familyId: string, id: string) {
    const row = await db
      .selectFrom('categorization_rules')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toRule(row);
  }

  /** The family's enabled rules (a family has tens of them). */
  async enabled(familyId: string, db: Kysely<ExpenseDatabase> = this.db): Promise<CategorizationRule[]> {
    const rows = await db
      .selectFrom('categorization_rules')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('enabled', '=', true)
      .orderBy('priority')
      .orderBy('id')
      .execute();
    return rows.map(toRule);
  }

  /** In priority order; the cursor is (priority, id). */
  async list(familyId: string, after: { priority: number; id: string } | undefined, limit: number) {
    let q = this.db.selectFrom('categorization_rules').selectAll().where('family_id', '=', familyId);
    if (after) q = q.where((eb) => eb(eb.refTuple('priority', 'id'), '>', eb.tuple(after.priority, after.id)));
    return (await q.orderBy('priority').orderBy('id').limit(limit).execute()).map(toRule);
  }

  async update(db: Kysely<ExpenseDatabase>, id: string, patch: RulePatch): Promise<CategorizationRule> {
    const row = await db
      .updateTable('categorization_rules')
      .set({ ...toRow(patch), version: sql<number>`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRule(row);
  }

  async delete(db: Kysely<ExpenseDatabase>, id: string): Promise<void> {
    await db.deleteFrom('categorization_rules').where('id', '=', id).execute();
  }

  /** The learned rule for a merchant, creating or re-pointing it (one per merchant and family). */
  async learn(
    db: Kysely<ExpenseDatabase>,
    r: Pick<
      CategorizationRule,
      'id' | 'familyId' | 'name' | 'priority' | 'matchField' | 'matchType' | 'pattern' | 'categoryId'
    >,
  ): Promise<void> {
    await db
      .insertInto('categorization_rules')
      .values({
        id: r.id,
        family_id: r.familyId,
        name: r.name,
        priority: r.priority,
        match_field: r.matchField,
        match_type: r.matchType,
        pattern: r.pattern,
        category_id: r.categoryId,
        add_tags: [],
        enabled: true,
        learned: true,
      })
      .onConflict((oc) =>
        oc
          .expression(sql`family_id, lower(pattern)`)
          .where('learned', '=', true)
          .doUpdateSet({ category_id: r.categoryId, version: sql<number>`categorization_rules.version + 1` })
          .where('categorization_rules.category_id', '<>', r.categoryId),
      )
      .execute();
  }
}
