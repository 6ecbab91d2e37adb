// Expenses: record, read, change, delete and list. Reads and checks that need other services (members,
// family settings) happen before the transaction; the transaction holds only this schema's queries.
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import { decodeCursor, pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { ExpenseSourceName } from '../db/schema.js';
import { isDay, todayIn, type Day } from '../domain/calendar.days.js';
import { checkExpenseFields, normalizeTags, type SplitInput } from '../domain/expense.rules.js';
import { resolveBaseAmount, type BaseAmount } from '../domain/fx.rules.js';
import { CategoryTree } from '../domain/category.tree.js';
import { LEARNED_RULE_PRIORITY, normalizeText } from '../domain/categorization.rules.js';
import { newId } from '@family/db';
import type { ExpenseFilter, ExpenseRow, ExpenseWithSplits, NewExpenseRow } from '../store/expenses.store.js';
import type { ExpenseDeps } from './expense.deps.js';
import type { Actor } from './access.js';
import { fingerprintOf, splitRows, type ExpenseWriter } from './expense.writer.js';
import { expenseDeletedEvent, expenseUpdatedEvent } from './expense.events.js';

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

  async create(caller: Caller, familyId: string, input: CreateExpenseInput): Promise<ExpenseWithSplits> {
    const actor = await this.deps.access.actor(caller, familyId);
    const memberId = await this.deps.access.writeTarget(actor, input.memberId);
    const family = actor.family;
    const currency = input.currency ? input.currency.toUpperCase() : family.currency;
    const splits = input.splits.map((s) => ({ ...s, categoryId: s.categoryId.toLowerCase() }));
    const categoryId = input.categoryId ? input.categoryId.toLowerCase() : null;
    const v = new Violations();
    checkExpenseFields(v, { ...input, currency, categoryId, splits });
    checkCategoryRefs(v, await this.tree(family.familyId), categoryId, splits);
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
            occurredOn: input.occurredOn ?? todayIn(family.timezone, this.deps.now()),
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
        { actorUserId: actor.userId },
      ),
    );
    return created!;
  }

  /** The expense if the actor may see it; NOT_FOUND otherwise (foreign, missing, or a sibling's). */
  private async visible(actor: Actor, expenseId: string): Promise<ExpenseWithSplits> {
    const id = requireUuid(expenseId, 'expenseId');
    const expense = await this.deps.expenses.byId(actor.familyId, id);
    if (!expense) throw AppError.notFound('Expense');
    this.deps.access.assertOwn(actor, expense.member_id, 'Expense');
    return expense;
  }

  async get(caller: Caller, familyId: string, expenseId: string): Promise<ExpenseWithSplits> {
    const actor = await this.deps.access.actor(caller, familyId);
    return this.visible(actor, expenseId);
  }

  async update(caller: Caller, familyId: string, expenseId: string, input: UpdateExpenseInput) {
    const actor = await this.deps.access.actor(caller, familyId);
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
        const row = await this.deps.expenses.update(trx, current.id, plan.patch, plan.splits);
        const after: ExpenseWithSplits = {
          ...row,
          splits: plan.splits ?? current.splits,
        };
        if (plan.learnMerchant && row.category_id) {
          await this.deps.rules.learn(trx, {
            id: newId(),
            family_id: actor.familyId,
            name: `Learned: ${row.merchant}`,
            priority: LEARNED_RULE_PRIORITY,
            match_field: 'MERCHANT',
            match_type: 'EQUALS',
            pattern: normalizeText(row.merchant),
            category_id: row.category_id,
          });
        }
        const events = [expenseUpdatedEvent(row, actor.userId)];
        if (plan.recheck) {
          const flags = await this.writer.afterChange(trx, actor.family, [after], events, {
            actorUserId: actor.userId,
          });
          const reason = flags.get(row.id);
          if (reason) Object.assign(after, { flagged: true, flag_reason: reason });
        }
        await this.writer.enqueue(trx, events);
        return after;
      });
      if (updated) return updated;
      if (attempt >= 2) throw new AppError('ABORTED', 'CONCURRENT_UPDATE', 'The expense keeps changing; try again');
    }
  }

  /** Validates an update against the current expense and works out the new row (outside any transaction). */
  private async plan(actor: Actor, current: ExpenseWithSplits, input: UpdateExpenseInput) {
    const family = actor.family;
    let memberId = current.member_id;
    if (input.memberId !== undefined && input.memberId !== '' && input.memberId !== current.member_id) {
      memberId = await this.deps.access.writeTarget(actor, input.memberId);
    }
    if (input.flagged !== undefined && !actor.isParent) {
      throw AppError.forbidden('Only parents can change the flag', 'ROLE_REQUIRED');
    }
    const currency = input.currency ? input.currency.toUpperCase() : current.currency;
    const amountMinor = input.amountMinor ?? current.amount_minor;
    const categoryInput = input.categoryId === undefined ? undefined : input.categoryId.toLowerCase() || null;
    let splits: SplitInput[] | undefined = input.splits?.map((s) => ({ ...s, categoryId: s.categoryId.toLowerCase() }));
    if (categoryInput && splits === undefined && current.split) splits = []; // a category replaces the splits
    const effectiveSplits =
      splits ?? current.splits.map((s) => ({ categoryId: s.category_id, amountMinor: s.amount_minor }));
    const categoryId =
      effectiveSplits.length > 0 ? null : categoryInput === undefined ? current.category_id : categoryInput;
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
    checkExpenseFields(v, fields);
    checkCategoryRefs(v, await this.tree(family.familyId), categoryInput ?? null, splits ?? []);
    v.throwIfAny();

    const moneyChanged =
      input.amountMinor !== undefined ||
      input.currency !== undefined ||
      input.fxRate !== undefined ||
      input.baseAmountMinor !== undefined;
    let base: BaseAmount = {
      baseAmountMinor: current.base_amount_minor,
      fxRate: current.fx_rate,
      fxRateSource: current.fx_rate_source,
    };
    if (moneyChanged) {
      const keepUserRate =
        input.fxRate === undefined &&
        input.baseAmountMinor === undefined &&
        currency === current.currency &&
        current.fx_rate_source === 'USER';
      const userRate = input.fxRate ?? (keepUserRate ? current.fx_rate : undefined);
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
    const occurredOn = input.occurredOn ?? current.occurred_on;
    const patch: Partial<NewExpenseRow> = {
      member_id: memberId,
      amount_minor: amountMinor,
      currency,
      ...{ base_amount_minor: base.baseAmountMinor, fx_rate: base.fxRate, fx_rate_source: base.fxRateSource },
      occurred_on: occurredOn,
      description: fields.description.trim(),
      merchant: fields.merchant.trim(),
      category_id: categoryId,
      split: effectiveSplits.length > 0,
      tags: normalizeTags(fields.tags),
      note: fields.note,
    };
    patch.fingerprint = fingerprintOf(patch as Parameters<typeof fingerprintOf>[0]);
    if (input.flagged !== undefined) {
      patch.flagged = input.flagged;
      if (!input.flagged) patch.flag_reason = '';
    }
    const baseChanged = base.baseAmountMinor !== current.base_amount_minor;
    const newSplits =
      splits !== undefined || (baseChanged && effectiveSplits.length > 0)
        ? splitRows(family.familyId, current.id, base.baseAmountMinor, effectiveSplits)
        : undefined;
    const categoryChanged = categoryId !== current.category_id || splits !== undefined;
    return {
      patch,
      splits: newSplits,
      learnMerchant:
        actor.isParent &&
        categoryInput !== undefined &&
        categoryId !== null &&
        categoryId !== current.category_id &&
        patch.merchant !== '',
      recheck:
        input.flagged === undefined &&
        (baseChanged || categoryChanged || occurredOn !== current.occurred_on || memberId !== current.member_id),
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
      memberId: this.deps.access.readScope(actor, input.memberId),
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
    const after = page.cursor ? decodeExpenseCursor(page.cursor) : undefined;
    const rows = await this.deps.expenses.list(actor.familyId, filter, after, limit + 1);
    const p = toPage(rows, limit, (e: ExpenseRow) => [e.occurred_on, e.id]);
    return { items: await this.deps.expenses.withSplits(this.deps.db, p.items), nextCursor: p.nextCursor };
  }
}

export function decodeExpenseCursor(cursor: string): { occurredOn: string; id: string } {
  const [occurredOn, id] = decodeCursor(cursor, 2);
  if (typeof occurredOn !== 'string' || !isDay(occurredOn) || typeof id !== 'string' || !isUuid(id)) {
    throw AppError.invalidField('cursor', 'is not a cursor from a previous page');
  }
  return { occurredOn, id };
}
