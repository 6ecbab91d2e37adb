// Categorization rules: parents manage them; every new expense without a category runs through them
// (ExpenseWriter), and they can be re-applied on demand to past uncategorized expenses.
import { AppError, charLength, isUuid, requireUuid, Violations } from '@family/errors';
import { newId, pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { Actor } from '@family/service-kit';
import type { Day } from '@family/service-kit/calendar';
import type { CategorizationRule, ExpenseSourceName } from '../domain/expense.records.js';
import { checkRulePattern, RuleSet, type MatchField, type MatchType } from '../domain/categorization.rules.js';
import { checkTags, normalizeTags } from '../domain/expense.rules.js';
import { MAX_AMOUNT_MINOR } from '../domain/money.rules.js';
import type { RulePatch as RuleChanges } from '../store/rules.store.js';
import { expenseUpdatedEvent } from '../contract/expense.events.js';
import type { ExpenseDeps } from './expense.deps.js';
import type { ExpenseWriter } from './expense.writer.js';
import { afterPriorityAndId } from './page.cursors.js';

export interface RuleInput {
  name: string;
  priority: number;
  matchField: MatchField;
  matchType: MatchType;
  pattern: string;
  minAmountMinor: number | null;
  maxAmountMinor: number | null;
  memberId: string;
  source: ExpenseSourceName | null;
  categoryId: string;
  addTags: string[];
  enabled: boolean;
}

export type RulePatch = { [K in keyof RuleInput]?: RuleInput[K] | undefined } & { expectedVersion: number };

const APPLY_BATCH = 1000;

export class CategorizationRules {
  constructor(
    private readonly deps: ExpenseDeps,
    private readonly writer: ExpenseWriter,
  ) {}

  async list(caller: Caller, familyId: string, page: { limit: number; cursor: string }) {
    const actor = await this.deps.access.actor(caller, familyId);
    const limit = pageLimit(page.limit);
    const rows = await this.deps.rules.list(actor.familyId, afterPriorityAndId(page.cursor), limit + 1);
    return toPage(rows, limit, (r) => [r.priority, r.id]);
  }

  private async check(actor: Actor, r: RuleInput): Promise<void> {
    const v = new Violations();
    const name = r.name.trim();
    v.check(charLength(name) <= 80, 'name', 'must be at most 80 characters');
    v.check(Number.isInteger(r.priority) && r.priority >= 0 && r.priority <= 100_000, 'priority', 'must be 0-100000');
    checkRulePattern(v, r.matchType, r.pattern);
    for (const [field, value] of [
      ['minAmountMinor', r.minAmountMinor],
      ['maxAmountMinor', r.maxAmountMinor],
    ] as const) {
      if (value !== null) {
        v.check(
          Number.isInteger(value) && value >= 0 && value <= MAX_AMOUNT_MINOR,
          field,
          'must be a non-negative amount',
        );
      }
    }
    if (r.minAmountMinor !== null && r.maxAmountMinor !== null) {
      v.check(r.minAmountMinor <= r.maxAmountMinor, 'maxAmountMinor', 'must not be below minAmountMinor');
    }
    checkTags(v, 'addTags', r.addTags);
    if (!r.categoryId) v.add('categoryId', 'is required');
    else if (!isUuid(r.categoryId)) v.add('categoryId', 'must be a UUID');
    else if (!(await this.deps.categories.byId(actor.familyId, r.categoryId.toLowerCase()))) {
      v.add('categoryId', 'is not a category of this family');
    }
    if (r.memberId && !isUuid(r.memberId)) v.add('memberId', 'must be a UUID');
    v.throwIfAny();
    if (r.memberId && r.memberId !== actor.memberId) {
      const member = await this.deps.families.member(actor.familyId, r.memberId.toLowerCase(), actor.token);
      if (!member) throw AppError.invalidField('memberId', 'is not a member of this family');
    }
  }

  private fields(r: RuleInput): Required<Omit<RuleChanges, 'learned'>> {
    return {
      name: r.name.trim() || r.pattern.trim().slice(0, 80),
      priority: r.priority,
      matchField: r.matchField,
      matchType: r.matchType,
      pattern: r.pattern,
      minAmountMinor: r.minAmountMinor,
      maxAmountMinor: r.maxAmountMinor,
      memberId: r.memberId ? r.memberId.toLowerCase() : null,
      source: r.source,
      categoryId: r.categoryId.toLowerCase(),
      addTags: normalizeTags(r.addTags),
      enabled: r.enabled,
    };
  }

  async create(caller: Caller, familyId: string, input: RuleInput): Promise<CategorizationRule> {
    const actor = await this.deps.access.parent(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    await this.check(actor, input);
    return this.deps.rules.insert(this.deps.db, {
      id: newId(),
      familyId: actor.familyId,
      learned: false,
      ...this.fields(input),
    });
  }

  async update(caller: Caller, familyId: string, ruleId: string, patch: RulePatch): Promise<CategorizationRule> {
    const actor = await this.deps.access.parent(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const id = requireUuid(ruleId, 'ruleId');
    const current = await this.deps.rules.byId(actor.familyId, id);
    if (!current) throw AppError.notFound('Categorization rule');
    const merged: RuleInput = {
      name: patch.name ?? current.name,
      priority: patch.priority ?? current.priority,
      matchField: patch.matchField ?? current.matchField,
      matchType: patch.matchType ?? current.matchType,
      pattern: patch.pattern ?? current.pattern,
      minAmountMinor: patch.minAmountMinor !== undefined ? patch.minAmountMinor : current.minAmountMinor,
      maxAmountMinor: patch.maxAmountMinor !== undefined ? patch.maxAmountMinor : current.maxAmountMinor,
      memberId: patch.memberId ?? current.memberId ?? '',
      source: patch.source !== undefined ? patch.source : current.source,
      categoryId: patch.categoryId ?? current.categoryId,
      addTags: patch.addTags ?? current.addTags,
      enabled: patch.enabled ?? current.enabled,
    };
    await this.check(actor, merged);
    return this.deps.db.transaction().execute(async (trx) => {
      const locked = await this.deps.rules.forUpdate(trx, actor.familyId, id);
      if (!locked) throw AppError.notFound('Categorization rule');
      if (patch.expectedVersion && locked.version !== patch.expectedVersion)
        throw AppError.versionMismatch(locked.version);
      // A rule a person edited is theirs now: it is no longer re-pointed by learning.
      return this.deps.rules.update(trx, id, { ...this.fields(merged), learned: false });
    });
  }

  async delete(caller: Caller, familyId: string, ruleId: string, expectedVersion: number): Promise<void> {
    const actor = await this.deps.access.parent(caller, familyId);
    const id = requireUuid(ruleId, 'ruleId');
    await this.deps.db.transaction().execute(async (trx) => {
      const locked = await this.deps.rules.forUpdate(trx, actor.familyId, id);
      if (!locked) throw AppError.notFound('Categorization rule');
      if (expectedVersion && locked.version !== expectedVersion) throw AppError.versionMismatch(locked.version);
      await this.deps.rules.delete(trx, id);
    });
  }

  /** Runs rules over past uncategorized expenses, a batch per short transaction. */
  async apply(
    caller: Caller,
    familyId: string,
    input: { ruleIds: string[]; from: Day | undefined; to: Day | undefined; dryRun: boolean },
  ): Promise<{ examined: number; categorized: number }> {
    const actor = await this.deps.access.parent(caller, familyId);
    const ids = input.ruleIds.map((id, i) => requireUuid(id, `ruleIds.${i}`));
    if (input.from && input.to && input.from > input.to) throw AppError.invalidField('to', 'must not be before from');
    let rules = await this.deps.rules.enabled(actor.familyId);
    if (ids.length) {
      const v = new Violations();
      const all = await Promise.all(ids.map((id) => this.deps.rules.byId(actor.familyId, id)));
      all.forEach((r, i) => v.check(r !== undefined, `ruleIds.${i}`, 'is not a rule of this family'));
      v.throwIfAny();
      rules = all.map((r) => ({ ...r!, enabled: true }));
    }
    const set = new RuleSet(rules);
    let examined = 0;
    let categorized = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await this.deps.expenses.uncategorized(actor.familyId, input.from, input.to, after, APPLY_BATCH);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.id;
      examined += batch.length;
      const changes = batch.flatMap((e) => {
        const rule = set.firstMatch({
          description: e.description,
          merchant: e.merchant,
          baseAmountMinor: e.baseAmountMinor,
          memberId: e.memberId,
          source: e.source,
        });
        return rule
          ? [{ id: e.id, categoryId: rule.categoryId, tags: normalizeTags([...e.tags, ...rule.addTags]) }]
          : [];
      });
      if (input.dryRun) {
        categorized += changes.length;
      } else if (changes.length) {
        categorized += await this.deps.db.transaction().execute(async (trx) => {
          const updated = await this.deps.expenses.categorizeMany(trx, changes);
          const events = updated.map((e) => expenseUpdatedEvent(e, actor.userId));
          await this.writer.checkBudgets(trx, actor.family, updated, events, { actorUserId: actor.userId });
          await this.writer.enqueue(trx, events);
          return updated.length;
        });
      }
      if (batch.length < APPLY_BATCH) break;
    }
    return { examined, categorized };
  }
}
