// Expenses: record, read, change, delete and list. Reads and checks that need other services (members,
// family settings) happen before the transaction; the transaction holds only this schema's queries.
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import { newId, pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { Actor } from '@family/service-kit';
import { dayIn, type Day } from '@family/service-kit/calendar';
import type { Expense, ExpenseSourceName, ExpenseSplit } from '../domain/expense.records.js';
import { checkExpenseFields, normalizeTags, type SplitInput } from '../domain/expense.rules.js';
import { resolveBaseAmount, type BaseAmount } from '../domain/fx.rules.js';
import { CategoryTree } from '../domain/category.tree.js';
import { LEARNED_RULE_PRIORITY, normalizeText } from '../domain/categorization.rules.js';
import type { ExpenseFilter, ExpensePatch } from '../store/expenses.store.js';
import { expenseDeletedEvent, expenseUpdatedEvent } from '../contract/expense.events.js';
import type { ExpenseDeps } from './expense.deps.js';
import { fingerprintOf, withBaseShares, type ExpenseWriter } from './expense.writer.js';
import { afterDayAndId } from './page.cursors.js';

export interface CreateExpenseInput {
  memberId: string;
  amountMinor: number;
  currency: string;
  occurredOn: Day | undefined;
  description: string;
  merchant: string;
  categoryId: string;
  tags: string[];
  note: string;
  splits: SplitInput[];
  fxRate?: string | undefined;
  baseAmountMinor?: number | undefined;
}

export interface UpdateExpenseInput {
  expectedVersion: number;
  memberId?: string | undefined;
  amountMinor?: number | undefined;
  currency?: string | undefined;
  occurredOn?: Day | undefined;
  description?: string | undefined;
  merchant?: string | undefined;
  categoryId?: string | undefined;
  tags?: string[] | undefined;
  note?: string | undefined;
  splits?: SplitInput[] | undefined;
  fxRate?: string | undefined;
  baseAmountMinor?: number | undefined;
  flagged?: boolean | undefined;
}

export interface ExpenseListInput {
  memberId: string;
  categoryId: string;
  tag: string;
  from: Day | undefined;
  to: Day | undefined;
  q: string;
  source: ExpenseSourceName | undefined;
  flaggedOnly: boolean;
  uncategorizedOnly: boolean;
}

/** Words of a search text as a prefix tsquery: "Coffee sh" → "coffee:* & sh:*". */
export function searchQuery(q: string): string | undefined {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : undefined;
}

/** Checks that category ids (the expense's or its splits') exist in the family and are not archived. */
export function checkCategoryRefs(
  v: Violations,
  tree: CategoryTree,
  categoryId: string | null,
  splits: readonly SplitInput[],
  prefix = '',
): void {
  const check = (id: string, field: string) => {
    if (!isUuid(id)) return v.add(field, 'must be a UUID');
    const node = tree.get(id.toLowerCase());
    if (!node) v.add(field, 'is not a category of this family');
    else if (node.archived) v.add(field, 'is archived');
  };
  if (categoryId) check(categoryId, `${prefix}categoryId`);
  splits.forEach((s, i) => check(s.categoryId, `${prefix}splits.${i}.categoryId`));
}

/**
 * An exchange rate or base amount given by hand decides how much spending an expense counts for, so
 * only a parent may give one; a child's expenses take the family's rate table.
 */
function requireParentForRate(
  actor: Actor,
  input: { fxRate?: string | undefined; baseAmountMinor?: number | undefined },
) {
  if (!actor.isParent && (input.fxRate !== undefined || input.baseAmountMinor !== undefined)) {
    throw AppError.forbidden(
      'Only a parent can set an exchange rate or base amount; the family rate table applies',
      'PARENT_SETS_EXCHANGE_RATE',
    );
  }
}
export class Expenses {
  constructor(
    private readonly deps: ExpenseDeps,
    private readonly writer: ExpenseWriter,
  ) {}

  private async tree(familyId: string) {
    return new CategoryTree(await this.deps.categories.all(familyId));
  }

  private async tableRate(familyId: string, currency: string, base: string, needed: boolean) {
    if (currency === base || !needed) return undefined;
    return (await this.deps.fxRates.rates(familyId, [currency])).get(currency);
  }

  async create(caller: Caller, familyId: string, input: CreateExpenseInput): Promise<Expense> {
    const actor = await this.deps.access.actor(caller, familyId);
    const memberId = await this.deps.access.subject(actor, input.memberId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const family = actor.family;
    const currency = input.currency ? input.currency.toUpperCase() : family.currency;
    const splits = input.splits.map((s) => ({ ...s, categoryId: s.categoryId.toLowerCase() }));
    const categoryId = input.categoryId ? input.categoryId.toLowerCase() : null;
    requireParentForRate(actor, input);
    const v = new Violations();
    checkExpenseFields(v, { ...input, currency, categoryId, splits }, '', [family.currency]);
    // One version read instead of the tree, rules, limits and budgets (FamilyConfigCache).
    const config = await this.deps.familyConfig.current(family.familyId);
    checkCategoryRefs(v, config.tree, categoryId, splits);
    v.throwIfAny();
    const userGave = input.fxRate !== undefined || input.baseAmountMinor !== undefined;
    const base = resolveBaseAmount({
      amountMinor: input.amountMinor,
      currency,
      baseCurrency: family.currency,
      userRate: input.fxRate,
      userBaseAmountMinor: input.baseAmountMinor,
      tableRate: await this.tableRate(family.familyId, currency, family.currency, !userGave),
    });
    const [created] = await this.deps.db.transaction().execute((trx) =>
      this.writer.create(
        trx,
        family,
        [
          {
            memberId,
            amountMinor: input.amountMinor,
            currency,
            ...base,
            occurredOn: input.occurredOn ?? dayIn(family.timezone, this.deps.now()),
            description: input.description,
            merchant: input.merchant,
            categoryId,
            tags: input.tags,
            note: input.note,
            splits,
            source: 'MANUAL',
            createdByMemberId: actor.memberId,
          },
        ],
        { actorUserId: actor.userId, config },
      ),
    );
    return created!;
  }

  /** The expense if the actor may see it; NOT_FOUND otherwise (foreign, missing, or a sibling's). */
  private async visible(actor: Actor, expenseId: string): Promise<Expense> {
    const id = requireUuid(expenseId, 'expenseId');
    const expense = await this.deps.expenses.byId(actor.familyId, id);
    if (!expense) throw AppError.notFound('Expense');
    this.deps.access.assertVisible(actor, expense.memberId, 'Expense');
    return expense;
  }

  async get(caller: Caller, familyId: string, expenseId: string): Promise<Expense> {
    const actor = await this.deps.access.actor(caller, familyId);
    return this.visible(actor, expenseId);
  }

  async update(caller: Caller, familyId: string, expenseId: string, input: UpdateExpenseInput): Promise<Expense> {
    const actor = await this.deps.access.actor(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    for (let attempt = 0; ; attempt++) {
      const current = await this.visible(actor, expenseId);
      if (input.expectedVersion && current.version !== input.expectedVersion) {
        throw AppError.versionMismatch(current.version);
      }
      const plan = await this.plan(actor, current, input);
      const updated = await this.deps.db.transaction().execute(async (trx) => {
        const locked = await this.deps.expenses.forUpdate(trx, actor.familyId, current.id);
        if (!locked) throw AppError.notFound('Expense');
        if (input.expectedVersion && locked.version !== input.expectedVersion) {
          throw AppError.versionMismatch(locked.version);
        }
        if (locked.version !== current.version) return undefined; // changed since it was read: plan again
        const after = await this.deps.expenses.update(trx, current.id, plan.patch, plan.splits);
        if (plan.learnMerchant && after.categoryId) {
          await this.deps.rules.learn(trx, {
            id: newId(),
            familyId: actor.familyId,
            name: `Learned: ${after.merchant}`,
            priority: LEARNED_RULE_PRIORITY,
            matchField: 'MERCHANT',
            matchType: 'EQUALS',
            pattern: normalizeText(after.merchant),
            categoryId: after.categoryId,
          });
        }
        const events = [expenseUpdatedEvent(after, actor.userId)];
        if (plan.recheck) {
          const flags = await this.writer.afterChange(trx, actor.family, [after], events, {
            actorUserId: actor.userId,
          });
          const reason = flags.get(after.id);
          if (reason) Object.assign(after, { flagged: true, flagReason: reason });
        }
        await this.writer.enqueue(trx, events);
        return after;
      });
      if (updated) return updated;
      if (attempt >= 2) throw new AppError('ABORTED', 'CONCURRENT_UPDATE', 'The expense keeps changing; try again');
    }
  }

  /** Validates an update against the current expense and works out the new row (outside any transaction). */
  private async plan(actor: Actor, current: Expense, input: UpdateExpenseInput) {
    const family = actor.family;
    let memberId = current.memberId;
    if (input.memberId !== undefined && input.memberId !== '' && input.memberId !== current.memberId) {
      memberId = await this.deps.access.subject(actor, input.memberId);
    }
    if (input.flagged !== undefined) this.deps.access.requireParent(actor, 'Only parents can change the flag');
    requireParentForRate(actor, input);
    const currency = input.currency ? input.currency.toUpperCase() : current.currency;
    const amountMinor = input.amountMinor ?? current.amountMinor;
    const categoryInput = input.categoryId === undefined ? undefined : input.categoryId.toLowerCase() || null;
    let splits: SplitInput[] | undefined = input.splits?.map((s) => ({ ...s, categoryId: s.categoryId.toLowerCase() }));
    if (categoryInput && splits === undefined && current.splits.length) splits = []; // a category replaces the splits
    const effectiveSplits =
      splits ?? current.splits.map((s) => ({ categoryId: s.categoryId, amountMinor: s.amountMinor }));
    const categoryId =
      effectiveSplits.length > 0 ? null : categoryInput === undefined ? current.categoryId : categoryInput;
    const fields = {
      amountMinor,
      currency,
      description: input.description ?? current.description,
      merchant: input.merchant ?? current.merchant,
      categoryId: splits && splits.length ? (categoryInput ?? null) : categoryId,
      tags: input.tags ?? current.tags,
      note: input.note ?? current.note,
      splits: effectiveSplits,
    };
    const v = new Violations();
    checkExpenseFields(v, fields, '', [family.currency, current.currency]);
    checkCategoryRefs(v, await this.tree(family.familyId), categoryInput ?? null, splits ?? []);
    v.throwIfAny();

    const moneyChanged =
      input.amountMinor !== undefined ||
      input.currency !== undefined ||
      input.fxRate !== undefined ||
      input.baseAmountMinor !== undefined;
    let base: BaseAmount = {
      baseAmountMinor: current.baseAmountMinor,
      fxRate: current.fxRate,
      fxRateSource: current.fxRateSource,
    };
    if (moneyChanged) {
      const keepUserRate =
        input.fxRate === undefined &&
        input.baseAmountMinor === undefined &&
        currency === current.currency &&
        current.fxRateSource === 'USER';
      const userRate = input.fxRate ?? (keepUserRate ? current.fxRate : undefined);
      base = resolveBaseAmount({
        amountMinor,
        currency,
        baseCurrency: family.currency,
        userRate: currency === family.currency ? input.fxRate : userRate,
        userBaseAmountMinor: input.baseAmountMinor,
        tableRate: await this.tableRate(
          family.familyId,
          currency,
          family.currency,
          userRate === undefined && input.baseAmountMinor === undefined,
        ),
      });
    }
    const occurredOn = input.occurredOn ?? current.occurredOn;
    const changed = {
      memberId,
      amountMinor,
      currency,
      ...base,
      occurredOn,
      description: fields.description.trim(),
      merchant: fields.merchant.trim(),
      categoryId,
      tags: normalizeTags(fields.tags),
      note: fields.note,
    };
    const patch: ExpensePatch = { ...changed, fingerprint: fingerprintOf(changed) };
    if (input.flagged !== undefined) {
      patch.flagged = input.flagged;
      if (!input.flagged) patch.flagReason = '';
    }
    const baseChanged = base.baseAmountMinor !== current.baseAmountMinor;
    const newSplits: ExpenseSplit[] | undefined =
      splits !== undefined || (baseChanged && effectiveSplits.length > 0)
        ? withBaseShares(base.baseAmountMinor, effectiveSplits)
        : undefined;
    const categoryChanged = categoryId !== current.categoryId || splits !== undefined;
    return {
      patch,
      splits: newSplits,
      learnMerchant:
        actor.isParent &&
        categoryInput !== undefined &&
        categoryId !== null &&
        categoryId !== current.categoryId &&
        changed.merchant !== '',
      recheck:
        input.flagged === undefined &&
        (baseChanged || categoryChanged || occurredOn !== current.occurredOn || memberId !== current.memberId),
    };
  }

  async delete(caller: Caller, familyId: string, expenseId: string, expectedVersion: number): Promise<void> {
    const actor = await this.deps.access.actor(caller, familyId);
    const current = await this.visible(actor, expenseId);
    await this.deps.db.transaction().execute(async (trx) => {
      const locked = await this.deps.expenses.forUpdate(trx, actor.familyId, current.id);
      if (!locked) throw AppError.notFound('Expense');
      if (expectedVersion && locked.version !== expectedVersion) throw AppError.versionMismatch(locked.version);
      await this.deps.expenses.delete(trx, [locked.id]);
      await this.writer.enqueue(trx, [expenseDeletedEvent(locked, actor.userId)]);
    });
  }

  /** The store filter for a list or export: a child's is always narrowed to themselves. */
  async filterFor(actor: Actor, input: ExpenseListInput): Promise<ExpenseFilter> {
    const v = new Violations();
    if (input.memberId) v.check(isUuid(input.memberId), 'memberId', 'must be a UUID');
    if (input.categoryId) v.check(isUuid(input.categoryId), 'categoryId', 'must be a UUID');
    if (input.from && input.to) v.check(input.from <= input.to, 'to', 'must not be before from');
    v.throwIfAny();
    let categoryIds: string[] | undefined;
    if (input.categoryId) {
      const id = input.categoryId.toLowerCase();
      const tree = await this.tree(actor.familyId);
      categoryIds = tree.has(id) ? tree.subtree(id) : [id];
    }
    return {
      memberId: await this.deps.access.listScope(actor, input.memberId),
      categoryIds,
      tag: input.tag ? normalizeTags([input.tag])[0] : undefined,
      from: input.from,
      to: input.to,
      tsquery: searchQuery(input.q),
      source: input.source,
      flaggedOnly: input.flaggedOnly,
      uncategorizedOnly: input.uncategorizedOnly,
    };
  }

  async list(caller: Caller, familyId: string, input: ExpenseListInput, page: { limit: number; cursor: string }) {
    const actor = await this.deps.access.actor(caller, familyId);
    const filter = await this.filterFor(actor, input);
    const limit = pageLimit(page.limit);
    const rows = await this.deps.expenses.list(actor.familyId, filter, afterDayAndId(page.cursor), limit + 1);
    return toPage(rows, limit, (e) => [e.occurredOn, e.id]);
  }
}
