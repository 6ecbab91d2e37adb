// The one write path for new expenses, whatever their source (manual, CSV, recurring, bank, jar):
// categorization rules, split base amounts, the insert, expense.created events, then spending-limit
// flags and budget thresholds — all inside the caller's transaction, with no other I/O.
import type { Kysely } from 'kysely';
import { newId } from '@family/db';
import { newEvent } from '@family/outbox';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import type { ExpenseDatabase, ExpenseSourceName, FxSourceName } from '../db/schema.js';
import { allocate } from '../domain/money.rules.js';
import { expenseFingerprint, normalizeTags, type SplitInput } from '../domain/expense.rules.js';
import { RuleSet, type Rule } from '../domain/categorization.rules.js';
import { CategoryTree } from '../domain/category.tree.js';
import { periodContaining, todayIn, toYmd, type Day } from '../domain/calendar.days.js';
import { budgetPeriods, budgetStatus, reachedThresholds, rolloverApplies } from '../domain/budget.rules.js';
import { LIMIT_PERIODS, overLimit, type LimitPeriod } from '../domain/limit.rules.js';
import type { ExpenseRow, ExpenseWithSplits, NewExpenseRow, SplitRow } from '../store/expenses.store.js';
import type { RuleRow } from '../store/rules.store.js';
import type { BudgetRow } from '../store/budgets.store.js';
import type { FamilySettings } from './family.directory.js';
import type { ExpenseDeps } from './expense.deps.js';
import { expenseCreatedEvent } from './expense.events.js';

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
}

export function toRule(r: RuleRow): Rule {
  return {
    id: r.id,
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
  };
}

/** Split parts with their share of the base amount (exact: the shares add up to the base amount). */
export function splitRows(
  familyId: string,
  expenseId: string,
  baseAmountMinor: number,
  splits: SplitInput[],
): SplitRow[] {
  const bases = allocate(
    baseAmountMinor,
    splits.map((s) => s.amountMinor),
  );
  return splits.map((s, position) => ({
    expense_id: expenseId,
    position,
    family_id: familyId,
    category_id: s.categoryId,
    amount_minor: s.amountMinor,
    base_amount_minor: bases[position]!,
  }));
}

export function fingerprintOf(e: {
  member_id: string;
  occurred_on: string;
  amount_minor: number;
  currency: string;
  description: string;
  merchant: string;
}): string {
  return expenseFingerprint({
    memberId: e.member_id,
    occurredOn: e.occurred_on,
    amountMinor: e.amount_minor,
    currency: e.currency,
    description: e.description,
    merchant: e.merchant,
  });
}

export class ExpenseWriter {
  constructor(private readonly deps: ExpenseDeps) {}

  /** Applies the family's rules to drafts without a category (and without splits). */
  async categorize(db: Kysely<ExpenseDatabase>, familyId: string, drafts: ExpenseDraft[]): Promise<void> {
    const open = drafts.filter((d) => !d.categoryId && d.splits.length === 0);
    if (open.length === 0) return;
    const rules = new RuleSet((await this.deps.rules.enabled(familyId, db)).map(toRule));
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
  ): Promise<ExpenseWithSplits[]> {
    if (drafts.length === 0) return [];
    await this.categorize(trx, family.familyId, drafts);
    const rows: NewExpenseRow[] = [];
    const splits: SplitRow[] = [];
    for (const d of drafts) {
      const id = d.id ?? newId();
      const row: NewExpenseRow = {
        id,
        family_id: family.familyId,
        member_id: d.memberId,
        amount_minor: d.amountMinor,
        currency: d.currency,
        base_amount_minor: d.baseAmountMinor,
        base_currency: family.currency,
        fx_rate: d.fxRate,
        fx_rate_source: d.fxRateSource,
        occurred_on: d.occurredOn,
        description: d.description.trim(),
        merchant: d.merchant.trim(),
        category_id: d.splits.length ? null : d.categoryId,
        split: d.splits.length > 0,
        tags: normalizeTags(d.tags),
        note: d.note,
        source: d.source,
        flagged: false,
        flag_reason: '',
        recurring_expense_id: d.recurringExpenseId ?? null,
        bank_provider: d.bankProvider ?? null,
        bank_transaction_id: d.bankTransactionId ?? null,
        bank_account_id: d.bankAccountId ?? null,
        pending: d.pending ?? false,
        ledger_entry_id: d.ledgerEntryId ?? null,
        fingerprint: '',
        created_by_member_id: d.createdByMemberId,
      };
      row.fingerprint = fingerprintOf(row as Parameters<typeof fingerprintOf>[0]);
      rows.push(row);
      if (d.splits.length) splits.push(...splitRows(family.familyId, id, d.baseAmountMinor, d.splits));
    }
    const inserted = await this.deps.expenses.insertMany(trx, rows, splits);
    const byId = new Map(inserted.map((r) => [r.id, r]));
    const splitsById = new Map<string, SplitRow[]>();
    for (const s of splits) splitsById.set(s.expense_id, [...(splitsById.get(s.expense_id) ?? []), s]);
    const created: ExpenseWithSplits[] = rows.map((r) => ({
      ...byId.get(r.id as string)!,
      splits: splitsById.get(r.id as string) ?? [],
    }));

    const events: DomainEvent[] = created.map((e) => expenseCreatedEvent(e, ctx.actorUserId));
    const flags = await this.checkLimits(trx, family, created, events, ctx);
    for (const e of created) {
      const reason = flags.get(e.id);
      if (reason) Object.assign(e, { flagged: true, flag_reason: reason });
    }
    await this.checkBudgets(trx, family, created, events, ctx);
    await this.enqueue(trx, events);
    return created;
  }

  /** Consequences of changed expenses (updates, imports): limits for newly flagged ones, budgets. */
  async afterChange(
    trx: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    changed: ExpenseWithSplits[],
    events: DomainEvent[],
    ctx: WriteContext,
  ): Promise<Map<string, string>> {
    const unflagged = changed.filter((e) => !e.flagged);
    const flags = await this.checkLimits(trx, family, unflagged, events, ctx);
    await this.checkBudgets(trx, family, changed, events, ctx);
    return flags;
  }

  async enqueue(trx: Kysely<ExpenseDatabase>, events: DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 1000) await this.deps.outbox.enqueue(trx, events.slice(i, i + 1000));
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
    expenses: ExpenseWithSplits[],
    events: DomainEvent[],
    ctx: WriteContext,
  ): Promise<Map<string, string>> {
    const reasons = new Map<string, string[]>();
    if (expenses.length === 0) return new Map();
    const limits = await this.deps.limits.forMembers(trx, family.familyId, [
      ...new Set(expenses.map((e) => e.member_id)),
    ]);
    if (limits.length === 0) return new Map();
    const tree = limits.some((l) => l.blocked_category_ids.length) ? await this.tree(trx, family.familyId) : undefined;
    const breach = (e: ExpenseRow, period: string, limitMinor: number, spentMinor: number, categoryId: string) => {
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
              memberId: e.member_id,
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
        .filter((e) => e.member_id === l.member_id)
        .sort((a, b) =>
          a.occurred_on === b.occurred_on ? (a.id < b.id ? -1 : 1) : a.occurred_on < b.occurred_on ? -1 : 1,
        );
      if (tree && l.blocked_category_ids.length) {
        const blocked = new Set(l.blocked_category_ids.flatMap((id) => tree.subtree(id)));
        for (const e of mine) {
          const cats = e.split ? e.splits.map((s) => s.category_id) : e.category_id ? [e.category_id] : [];
          const hit = cats.find((c) => blocked.has(c));
          if (hit) breach(e, 'BLOCKED_CATEGORY', 0, e.base_amount_minor, hit);
        }
      }
      const amounts: Record<LimitPeriod, number | null> = {
        DAY: l.day_minor,
        WEEK: l.week_minor,
        MONTH: l.month_minor,
      };
      for (const period of LIMIT_PERIODS) {
        const limit = amounts[period];
        if (limit === null) continue;
        const windows = new Map<string, ExpenseWithSplits[]>();
        for (const e of mine) {
          const w = periodContaining(period, e.occurred_on);
          const key = `${w.start}|${w.end}`;
          windows.set(key, [...(windows.get(key) ?? []), e]);
        }
        for (const [key, inWindow] of windows) {
          const [start, end] = key.split('|') as [string, string];
          const total = await this.deps.expenses.memberSpent(trx, family.familyId, l.member_id, start, end);
          const added = inWindow.reduce((s, e) => s + e.base_amount_minor, 0);
          let running = total - added;
          const over = overLimit(
            limit,
            running,
            inWindow.map((e) => e.base_amount_minor),
          );
          inWindow.forEach((e, i) => {
            running += e.base_amount_minor;
            if (over[i]) breach(e, period, limit, running, e.category_id ?? '');
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
    expenses: ExpenseWithSplits[],
    events: DomainEvent[],
    ctx: WriteContext,
  ): Promise<void> {
    if (expenses.length === 0) return;
    const budgets = await this.deps.budgets.all(family.familyId, trx);
    if (budgets.length === 0) return;
    const today = todayIn(family.timezone, this.deps.now());
    const tree = budgets.some((b) => b.category_id) ? await this.tree(trx, family.familyId) : undefined;
    const relevant = budgets.filter((b) => {
      const { current } = budgetPeriods(b.period, today);
      const cats = b.category_id && tree ? new Set(tree.subtree(b.category_id)) : undefined;
      return expenses.some((e) => {
        if (e.occurred_on < current.start || e.occurred_on > current.end) return false;
        if (b.member_id && e.member_id !== b.member_id) return false;
        if (!cats) return true;
        return e.split
          ? e.splits.some((s) => cats.has(s.category_id))
          : e.category_id !== null && cats.has(e.category_id);
      });
    });
    await this.evaluateBudgets(trx, family, relevant, events, ctx, tree);
  }

  /** Current-period status of each budget, emitting each newly reached threshold once. */
  async evaluateBudgets(
    trx: Kysely<ExpenseDatabase>,
    family: FamilySettings,
    budgets: BudgetRow[],
    events: DomainEvent[],
    ctx: WriteContext,
    knownTree?: CategoryTree,
  ): Promise<void> {
    if (budgets.length === 0) return;
    const today = todayIn(family.timezone, this.deps.now());
    const tree = knownTree ?? (budgets.some((b) => b.category_id) ? await this.tree(trx, family.familyId) : undefined);
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
                limitMinor: b.amount_minor + status.rolloverMinor,
                currency: family.currency,
                memberId: b.member_id ?? '',
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
    b: BudgetRow,
    on: Day,
    knownTree?: CategoryTree,
  ) {
    const today = todayIn(family.timezone, this.deps.now());
    const { current, previous } = budgetPeriods(b.period, on);
    const tree = knownTree ?? (b.category_id ? await this.tree(db, family.familyId) : undefined);
    const catList = b.category_id && tree ? tree.subtree(b.category_id) : null;
    const spent = await this.deps.expenses.spent(db, family.familyId, current.start, current.end, b.member_id, catList);
    const shape = { period: b.period, amountMinor: b.amount_minor, rollover: b.rollover, startsOn: b.starts_on };
    const rollover = rolloverApplies(shape, previous);
    const previousSpent = rollover
      ? await this.deps.expenses.spent(db, family.familyId, previous.start, previous.end, b.member_id, catList)
      : 0;
    return { current, spent, status: budgetStatus(shape, current, today, spent, previousSpent, rollover) };
  }
}
