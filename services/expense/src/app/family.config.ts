// What every expense write reads about its family — the category tree, the enabled categorization
// rules (compiled), the spending limits and the budgets — kept in memory per family and read again
// only when the family's configuration version has moved. Triggers bump the version in the very
// transaction that changes any of those tables (migration 0006), so one indexed read tells every
// replica whether what it holds is current; a write never trusts memory without that read.
import type { Kysely } from 'kysely';
import type { Logger } from '@family/logger';
import type { ExpenseDatabase } from '../db/schema.js';
import type { Budget, SpendingLimits } from '../domain/expense.records.js';
import { RuleSet } from '../domain/categorization.rules.js';
import { CategoryTree } from '../domain/category.tree.js';
import type { CategoriesStore } from '../store/categories.store.js';
import type { RulesStore } from '../store/rules.store.js';
import type { LimitsStore } from '../store/limits.store.js';
import type { BudgetsStore } from '../store/budgets.store.js';

export interface FamilyConfig {
  readonly version: string;
  readonly tree: CategoryTree;
  readonly rules: RuleSet;
  /** Every member's limits row. */
  readonly limits: readonly SpendingLimits[];
  readonly budgets: readonly Budget[];
}

export class FamilyConfigCache {
  private readonly held = new Map<string, FamilyConfig>();

  constructor(
    private readonly db: Kysely<ExpenseDatabase>,
    private readonly stores: {
      categories: CategoriesStore;
      rules: RulesStore;
      limits: LimitsStore;
      budgets: BudgetsStore;
    },
    private readonly logger?: Logger,
    private readonly maxFamilies = 5000,
  ) {}

  /** The family's configuration as committed now: from memory when its version has not moved. */
  async current(familyId: string): Promise<FamilyConfig> {
    const row = await this.db
      .selectFrom('family_config_versions')
      .select('version')
      .where('family_id', '=', familyId)
      .executeTakeFirst();
    const version = String(row?.version ?? '0');
    const known = this.held.get(familyId);
    if (known?.version === version) {
      // Most recently used last: the first key is the one to evict.
      this.held.delete(familyId);
      this.held.set(familyId, known);
      return known;
    }
    // Read after the version: a change committed in between bumps it again, and the next write
    // sees a newer version than the one this snapshot is filed under.
    const [categories, rules, limits, budgets] = await Promise.all([
      this.stores.categories.all(familyId),
      this.stores.rules.enabled(familyId),
      this.stores.limits.forFamily(familyId),
      this.stores.budgets.all(familyId),
    ]);
    const ruleSet = new RuleSet(rules);
    for (const r of ruleSet.skipped) {
      this.logger?.warn({ familyId, ruleId: r.id }, 'skipping a categorization rule whose pattern RE2 refuses');
    }
    const config: FamilyConfig = {
      version,
      tree: new CategoryTree(categories),
      rules: ruleSet,
      limits,
      budgets,
    };
    this.held.delete(familyId);
    if (this.held.size >= this.maxFamilies) this.held.delete(this.held.keys().next().value!);
    this.held.set(familyId, config);
    return config;
  }
}
