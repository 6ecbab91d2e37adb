// The one write path for new expenses, whatever their source (manual, CSV, recurring, bank, jar):
// categorization rules, split base amounts, the insert, expense.created events, then spending-limit
// flags and budget thresholds — all inside the caller's transaction, with no other I/O.
import type { Kysely } from 'kysely';
import { newId } from '@family/db';
import { newEvent } from '@family/outbox';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import type { FamilySettings } from '@family/service-kit';
import { periodContaining, dayIn, toYmd, type Day } from '@family/service-kit/calendar';
import type { ExpenseDatabase } from '../db/schema.js';
import type {
  Budget,
  Expense,
  ExpenseSourceName,
  ExpenseSplit,
  FxSourceName,
  NewExpense,
} from '../domain/expense.records.js';
import { allocate } from '../domain/money.rules.js';
import { expenseFingerprint, normalizeTags, type SplitInput } from '../domain/expense.rules.js';
import { RuleSet } from '../domain/categorization.rules.js';
import { CategoryTree } from '../domain/category.tree.js';
import { budgetPeriods, budgetStatus, reachedThresholds, rolloverApplies } from '../domain/budget.rules.js';
import { LIMIT_PERIODS, overLimit, type LimitPeriod } from '../domain/limit.rules.js';
import { expenseCreatedEvent } from '../contract/expense.events.js';
import type { ExpenseDeps } from './expense.deps.js';
import type { FamilyConfig } from './family.config.js';

export interface ExpenseDraft {
  /** A preset id (the scheduler reserves the occurrence under it first); new when absent. */
  id?: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  baseAmountMinor: number;
  fxRate: string;
  fxRateSource: FxSourceName;
  occurredOn: Day;
  description: string;
  merchant: string;
  categoryId: string | null;
  tags: string[];
  note: string;
  splits: SplitInput[];
  source: ExpenseSourceName;
  createdByMemberId: string | null;
  recurringExpenseId?: string | null;
  bankProvider?: string | null;
  bankTransactionId?: string | null;
  bankAccountId?: string | null;
  pending?: boolean;
  ledgerEntryId?: string | null;
}

export interface WriteContext {
  actorUserId?: string | undefined;
  /**
   * The family's categories, rules, limits and budgets as read (version-checked) just before the
   * transaction; without it they are read inside it.
   */
  config?: FamilyConfig | undefined;
}

/** Split parts with their share of the base amount (exact: the shares add up to the base amount). */
export function withBaseShares(baseAmountMinor: number, splits: readonly SplitInput[]): ExpenseSplit[] {
  const bases = allocate(
    baseAmountMinor,
    splits.map((s) => s.amountMinor),
  );
  return splits.map((s, i) => ({ categoryId: s.categoryId, amountMinor: s.amountMinor, baseAmountMinor: bases[i]! }));
}

export function fingerprintOf(
  e: Pick<Expense, 'memberId' | 'occurredOn' | 'amountMinor' | 'currency' | 'description' | 'merchant'>,
): string {
  return expenseFingerprint(e);
}

export class ExpenseWriter {
  constructor(private readonly deps: ExpenseDeps) {}

  /** Applies the family's rules to drafts without a category (and without splits). */
  async categorize(
    db: Kysely<ExpenseDatabase>,
    familyId: string,
    drafts: ExpenseDraft[],
    config?: FamilyConfig,
  ): Promise<void> {
    const open = drafts.filter((d) => !d.categoryId && d.splits.length === 0);
    if (open.length === 0) return;
    const rules = config?.rules ?? new RuleSet(await this.deps.rules.enabled(familyId, db));
    if (rules.size === 0) return;
    for (const d of open) {
      const rule = rules.firstMatch({
        description: d.description,
        merchant: d.merchant,
        baseAmountMinor: d.baseAmountMinor,
        memberId: d.memberId,
        source: d.source,
      });
      if (rule) {
        d.categoryId = rule.categoryId;
        d.tags = normalizeTags([...d.tags, ...rule.addTags]);
      }
    }
  }

  /** Inserts the drafts and runs every consequence; returns the stored expenses in draft order. */
  async create(
    trx: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    drafts: ExpenseDraft[],
    ctx: WriteContext,
  ): Promise<Expense[]> {
    if (drafts.length === 0) return [];
    await this.categorize(trx, family.familyId, drafts, ctx.config);
    const created = await this.deps.expenses.insertMany(
      trx,
      drafts.map((d) => newExpense(family, d)),
    );
    const events: DomainEvent[] = created.map((e) => expenseCreatedEvent(e, ctx.actorUserId));
    const flags = await this.checkLimits(trx, family, created, events, ctx);
    for (const e of created) {
      const reason = flags.get(e.id);
      if (reason) Object.assign(e, { flagged: true, flagReason: reason });
    }
    await this.checkBudgets(trx, family, created, events, ctx);
    await this.enqueue(trx, events);
    return created;
  }

  /** Consequences of changed expenses (updates, imports): limits for newly flagged ones, budgets. */
  async afterChange(
    trx: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    changed: Expense[],
    events: DomainEvent[],
    ctx: WriteContext,
  ): Promise<Map<string, string>> {
    const unflagged = changed.filter((e) => !e.flagged);
    const flags = await this.checkLimits(trx, family, unflagged, events, ctx);
    await this.checkBudgets(trx, family, changed, events, ctx);
    return flags;
  }

  async enqueue(trx: Kysely<ExpenseDatabase>, events: DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 5000) await this.deps.outbox.enqueue(trx, events.slice(i, i + 5000));
  }

  private async tree(trx: Kysely<ExpenseDatabase>, familyId: string) {
    return new CategoryTree(await this.deps.categories.all(familyId, trx));
  }

  /**
   * Flags expenses that take a member over a spending limit or fall in a blocked category, and adds a
   * spending_limit.exceeded event for each breach. Returns expense id → flag reason.
   */
  private async checkLimits(
    trx: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    expenses: Expense[],
    events: DomainEvent[],
    ctx: WriteContext,
  ): Promise<Map<string, string>> {
    const reasons = new Map<string, string[]>();
    if (expenses.length === 0) return new Map();
    const members = new Set(expenses.map((e) => e.memberId));
    const limits = ctx.config
      ? ctx.config.limits.filter((l) => members.has(l.memberId))
      : await this.deps.limits.forMembers(trx, family.familyId, [...members]);
    if (limits.length === 0) return new Map();
    const tree = limits.some((l) => l.blockedCategoryIds.length)
      ? (ctx.config?.tree ?? (await this.tree(trx, family.familyId)))
      : undefined;
    const breach = (e: Expense, period: string, limitMinor: number, spentMinor: number, categoryId: string) => {
      reasons.set(e.id, [
        ...(reasons.get(e.id) ?? []),
        period === 'BLOCKED_CATEGORY' ? 'BLOCKED_CATEGORY' : `${period}_LIMIT`,
      ]);
      events.push(
        newEvent({
          source: 'expense',
          familyId: family.familyId,
          actorUserId: ctx.actorUserId,
          payload: {
            $case: 'spendingLimitExceeded',
            value: {
              memberId: e.memberId,
              expenseId: e.id,
              period,
              limitMinor,
              spentMinor,
              currency: family.currency,
              categoryId,
            },
          },
        }),
      );
    };
    for (const l of limits) {
      const mine = expenses
        .filter((e) => e.memberId === l.memberId)
        .sort((a, b) =>
          a.occurredOn === b.occurredOn ? (a.id < b.id ? -1 : 1) : a.occurredOn < b.occurredOn ? -1 : 1,
        );
      if (tree && l.blockedCategoryIds.length) {
        const blocked = new Set(l.blockedCategoryIds.flatMap((id) => tree.subtree(id)));
        for (const e of mine) {
          const hit = categoriesOf(e).find((c) => blocked.has(c));
          if (hit) breach(e, 'BLOCKED_CATEGORY', 0, e.baseAmountMinor, hit);
        }
      }
      const amounts: Record<LimitPeriod, number | null> = {
        DAY: l.dayMinor,
        WEEK: l.weekMinor,
        MONTH: l.monthMinor,
      };
      for (const period of LIMIT_PERIODS) {
        const limit = amounts[period];
        if (limit === null) continue;
        const windows = new Map<string, Expense[]>();
        for (const e of mine) {
          const w = periodContaining(period, e.occurredOn);
          const key = `${w.start}|${w.end}`;
          windows.set(key, [...(windows.get(key) ?? []), e]);
        }
        for (const [key, inWindow] of windows) {
          const [start, end] = key.split('|') as [string, string];
          const total = await this.deps.expenses.memberSpent(trx, family.familyId, l.memberId, start, end);
          const added = inWindow.reduce((s, e) => s + e.baseAmountMinor, 0);
          let running = total - added;
          const over = overLimit(
            limit,
            running,
            inWindow.map((e) => e.baseAmountMinor),
          );
          inWindow.forEach((e, i) => {
            running += e.baseAmountMinor;
            if (over[i]) breach(e, period, limit, running, e.categoryId ?? '');
          });
        }
      }
    }
    const flags = new Map([...reasons].map(([id, r]) => [id, r.join(',')]));
    await this.deps.expenses.setFlags(
      trx,
      [...flags].map(([id, reason]) => ({ id, reason })),
    );
    return flags;
  }

  /**
   * Emits budget.threshold_crossed for budgets of the current period that the expenses count toward,
   * once per (budget, period, threshold): the unique key decides which transaction emits it.
   */
  async checkBudgets(
    trx: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    expenses: readonly Expense[],
    events: DomainEvent[],
    ctx: WriteContext,
  ): Promise<void> {
    if (expenses.length === 0) return;
    const budgets = ctx.config ? [...ctx.config.budgets] : await this.deps.budgets.all(family.familyId, trx);
    if (budgets.length === 0) return;
    const today = dayIn(family.timezone, this.deps.now());
    const tree = budgets.some((b) => b.categoryId)
      ? (ctx.config?.tree ?? (await this.tree(trx, family.familyId)))
      : undefined;
    const relevant = budgets.filter((b) => {
      const { current } = budgetPeriods(b.period, today);
      const cats = b.categoryId && tree ? new Set(tree.subtree(b.categoryId)) : undefined;
      return expenses.some((e) => {
        if (e.occurredOn < current.start || e.occurredOn > current.end) return false;
        if (b.memberId && e.memberId !== b.memberId) return false;
        return !cats || categoriesOf(e).some((c) => cats.has(c));
      });
    });
    await this.evaluateBudgets(trx, family, relevant, events, ctx, tree);
  }

  /** Current-period status of each budget, emitting each newly reached threshold once. */
  async evaluateBudgets(
    trx: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    budgets: Budget[],
    events: DomainEvent[],
    ctx: WriteContext,
    knownTree?: CategoryTree,
  ): Promise<void> {
    if (budgets.length === 0) return;
    const today = dayIn(family.timezone, this.deps.now());
    const tree = knownTree ?? (budgets.some((b) => b.categoryId) ? await this.tree(trx, family.familyId) : undefined);
    for (const b of budgets) {
      const { current, status, spent } = await this.budgetStatus(trx, family, b, today, tree);
      for (const threshold of reachedThresholds(b.thresholds, status)) {
        if (!(await this.deps.budgets.markCrossed(trx, b.id, current.start, threshold))) continue;
        events.push(
          newEvent({
            source: 'expense',
            familyId: family.familyId,
            actorUserId: ctx.actorUserId,
            payload: {
              $case: 'budgetThresholdCrossed',
              value: {
                budgetId: b.id,
                budgetName: b.name,
                thresholdPercent: threshold,
                periodStart: toYmd(current.start),
                spentMinor: spent,
                limitMinor: b.amountMinor + status.rolloverMinor,
                currency: family.currency,
                memberId: b.memberId ?? '',
              },
            },
          }),
        );
      }
    }
  }

  /** A budget's status for the period containing `on` (spending in base currency, rollover applied). */
  async budgetStatus(
    db: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    b: Budget,
    on: Day,
    knownTree?: CategoryTree,
  ) {
    const today = dayIn(family.timezone, this.deps.now());
    const { current, previous } = budgetPeriods(b.period, on);
    const tree = knownTree ?? (b.categoryId ? await this.tree(db, family.familyId) : undefined);
    const catList = b.categoryId && tree ? tree.subtree(b.categoryId) : null;
    const spent = await this.deps.expenses.spent(db, family.familyId, current.start, current.end, b.memberId, catList);
    const rollover = rolloverApplies(b, previous);
    const previousSpent = rollover
      ? await this.deps.expenses.spent(db, family.familyId, previous.start, previous.end, b.memberId, catList)
      : 0;
    return { current, spent, status: budgetStatus(b, current, today, spent, previousSpent, rollover) };
  }
}

/** The categories an expense counts toward: its split parts' or its own. */
function categoriesOf(e: Pick<Expense, 'categoryId' | 'splits'>): string[] {
  if (e.splits.length) return e.splits.map((s) => s.categoryId);
  return e.categoryId ? [e.categoryId] : [];
}

/** The expense a draft becomes in the family (the rules have run). */
function newExpense(family: FamilySettings, d: ExpenseDraft): NewExpense {
  const description = d.description.trim();
  const merchant = d.merchant.trim();
  // Built once, with its fingerprint (thousands per bank batch: no copy).
  return {
    id: d.id ?? newId(),
    familyId: family.familyId,
    memberId: d.memberId,
    amountMinor: d.amountMinor,
    currency: d.currency,
    baseAmountMinor: d.baseAmountMinor,
    baseCurrency: family.currency,
    fxRate: d.fxRate,
    fxRateSource: d.fxRateSource,
    occurredOn: d.occurredOn,
    description,
    merchant,
    categoryId: d.splits.length ? null : d.categoryId,
    tags: normalizeTags(d.tags),
    note: d.note,
    source: d.source,
    flagged: false,
    flagReason: '',
    recurringExpenseId: d.recurringExpenseId ?? null,
    bankProvider: d.bankProvider ?? null,
    bankTransactionId: d.bankTransactionId ?? null,
    bankAccountId: d.bankAccountId ?? null,
    pending: d.pending ?? false,
    ledgerEntryId: d.ledgerEntryId ?? null,
    createdByMemberId: d.createdByMemberId,
    splits: d.splits.length ? withBaseShares(d.baseAmountMinor, d.splits) : [],
    fingerprint: fingerprintOf({
      memberId: d.memberId,
      occurredOn: d.occurredOn,
      amountMinor: d.amountMinor,
      currency: d.currency,
      description,
      merchant,
    }),
  };
}
