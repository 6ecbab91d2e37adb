// Budgets: parents set them (overall or per category, optionally per member); everyone sees the ones
// that concern them (a child only budgets for themselves), each with its status for a period. A service
// with expense:read lists them all, like a parent.
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import { newId, pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import { Scopes, type Actor } from '@family/service-kit';
import { dayIn, type Day } from '@family/service-kit/calendar';
import {
  checkBudgetAmount,
  checkBudgetName,
  checkThresholds,
  DEFAULT_THRESHOLDS,
  type BudgetPeriodKind,
  type BudgetStatus,
} from '../domain/budget.rules.js';
import { CategoryTree } from '../domain/category.tree.js';
import type { Budget } from '../domain/expense.records.js';
import type { ExpenseDeps } from './expense.deps.js';
import type { ExpenseWriter } from './expense.writer.js';
import { afterId } from './page.cursors.js';

export interface BudgetInput {
  name: string;
  categoryId: string;
  memberId: string;
  period: BudgetPeriodKind | undefined;
  amountMinor: number;
  rollover: boolean;
  thresholds: number[];
}

export type BudgetWithStatus = Budget & { status: BudgetStatus };

export class Budgets {
  constructor(
    private readonly deps: ExpenseDeps,
    private readonly writer: ExpenseWriter,
  ) {}

  private async withStatus(actor: Actor, rows: Budget[], on: Day | undefined): Promise<BudgetWithStatus[]> {
    const day = on ?? dayIn(actor.family.timezone, this.deps.now());
    const tree = rows.some((b) => b.categoryId)
      ? new CategoryTree(await this.deps.categories.all(actor.familyId))
      : undefined;
    return Promise.all(
      rows.map(async (b) => ({
        ...b,
        status: (await this.writer.budgetStatus(this.deps.db, actor.family, b, day, tree)).status,
      })),
    );
  }

  async list(
    caller: Caller,
    familyId: string,
    filter: { memberId: string; categoryId: string; on: Day | undefined },
    page: { limit: number; cursor: string },
  ) {
    const actor = await this.deps.access.reader(caller, familyId, Scopes.EXPENSE_READ);
    const limit = pageLimit(page.limit);
    const rows = await this.deps.budgets.list(
      actor.familyId,
      {
        memberId: await this.deps.access.listScope(actor, filter.memberId),
        categoryId: filter.categoryId ? requireUuid(filter.categoryId, 'categoryId') : undefined,
      },
      afterId(page.cursor),
      limit + 1,
    );
    const p = toPage(rows, limit, (b) => [b.id]);
    return { items: await this.withStatus(actor, p.items, filter.on), nextCursor: p.nextCursor };
  }

  private async visible(actor: Actor, budgetId: string): Promise<Budget> {
    const b = await this.deps.budgets.byId(actor.familyId, requireUuid(budgetId, 'budgetId'));
    if (!b) throw AppError.notFound('Budget');
    this.deps.access.assertVisible(actor, b.memberId, 'Budget');
    return b;
  }

  async get(caller: Caller, familyId: string, budgetId: string, on: Day | undefined) {
    const actor = await this.deps.access.actor(caller, familyId);
    return (await this.withStatus(actor, [await this.visible(actor, budgetId)], on))[0]!;
  }

  private async check(actor: Actor, b: BudgetInput): Promise<void> {
    const v = new Violations();
    checkBudgetName(v, b.name);
    checkBudgetAmount(v, b.amountMinor);
    if (!b.period) v.add('period', 'must be WEEK, MONTH or YEAR');
    checkThresholds(v, b.thresholds);
    if (b.categoryId) {
      if (!isUuid(b.categoryId)) v.add('categoryId', 'must be a UUID');
      else if (!(await this.deps.categories.byId(actor.familyId, b.categoryId.toLowerCase()))) {
        v.add('categoryId', 'is not a category of this family');
      }
    }
    if (b.memberId && !isUuid(b.memberId)) v.add('memberId', 'must be a UUID');
    v.throwIfAny();
    if (b.memberId && b.memberId.toLowerCase() !== actor.memberId) {
      const member = await this.deps.families.member(actor.familyId, b.memberId.toLowerCase(), actor.token);
      if (!member) throw AppError.invalidField('memberId', 'is not a member of this family');
    }
  }

  async create(caller: Caller, familyId: string, input: BudgetInput): Promise<BudgetWithStatus> {
    const actor = await this.deps.access.parent(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const thresholds = input.thresholds.length ? input.thresholds : DEFAULT_THRESHOLDS;
    await this.check(actor, { ...input, thresholds });
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const b = await this.deps.budgets.insert(trx, {
        id: newId(),
        familyId: actor.familyId,
        name: input.name.trim(),
        categoryId: input.categoryId ? input.categoryId.toLowerCase() : null,
        memberId: input.memberId ? input.memberId.toLowerCase() : null,
        period: input.period!,
        amountMinor: input.amountMinor,
        currency: actor.family.currency,
        rollover: input.rollover,
        thresholds: [...thresholds].sort((a, b) => a - b),
        startsOn: dayIn(actor.family.timezone, this.deps.now()),
      });
      await this.evaluate(trx, actor, b);
      return b;
    });
    return (await this.withStatus(actor, [row], undefined))[0]!;
  }

  /** A new or changed budget may already be past a threshold: that counts as crossing it. */
  private async evaluate(trx: Parameters<ExpenseWriter['enqueue']>[0], actor: Actor, b: Budget) {
    const events: Parameters<ExpenseWriter['enqueue']>[1] = [];
    await this.writer.evaluateBudgets(trx, actor.family, [b], events, { actorUserId: actor.userId });
    await this.writer.enqueue(trx, events);
  }

  async update(
    caller: Caller,
    familyId: string,
    budgetId: string,
    patch: { [K in keyof BudgetInput]?: BudgetInput[K] | undefined } & { expectedVersion: number },
  ): Promise<BudgetWithStatus> {
    const actor = await this.deps.access.parent(caller, familyId);
    await this.deps.defaultCategories.ensure(actor.familyId);
    const current = await this.visible(actor, budgetId);
    const merged: BudgetInput = {
      name: patch.name ?? current.name,
      categoryId: patch.categoryId ?? current.categoryId ?? '',
      memberId: patch.memberId ?? current.memberId ?? '',
      period: patch.period ?? current.period,
      amountMinor: patch.amountMinor ?? current.amountMinor,
      rollover: patch.rollover ?? current.rollover,
      thresholds: patch.thresholds ?? current.thresholds,
    };
    await this.check(actor, merged);
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const locked = await this.deps.budgets.forUpdate(trx, actor.familyId, current.id);
      if (!locked) throw AppError.notFound('Budget');
      if (patch.expectedVersion && locked.version !== patch.expectedVersion)
        throw AppError.versionMismatch(locked.version);
      const b = await this.deps.budgets.update(trx, current.id, {
        name: merged.name.trim(),
        categoryId: merged.categoryId ? merged.categoryId.toLowerCase() : null,
        memberId: merged.memberId ? merged.memberId.toLowerCase() : null,
        period: merged.period!,
        amountMinor: merged.amountMinor,
        rollover: merged.rollover,
        thresholds: [...merged.thresholds].sort((a, b) => a - b),
      });
      await this.evaluate(trx, actor, b);
      return b;
    });
    return (await this.withStatus(actor, [row], undefined))[0]!;
  }

  async delete(caller: Caller, familyId: string, budgetId: string, expectedVersion: number): Promise<void> {
    const actor = await this.deps.access.parent(caller, familyId);
    const id = requireUuid(budgetId, 'budgetId');
    await this.deps.db.transaction().execute(async (trx) => {
      const locked = await this.deps.budgets.forUpdate(trx, actor.familyId, id);
      if (!locked) throw AppError.notFound('Budget');
      if (expectedVersion && locked.version !== expectedVersion) throw AppError.versionMismatch(locked.version);
      await this.deps.budgets.delete(trx, id);
    });
  }
}
