// ExpenseService handlers: decode → use case → encode. Nothing else happens here.
import type { ServiceImplementation } from 'nice-grpc';
import type { AuthContext } from '@family/grpc-kit';
import { BankTransactionStatus, type ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import type { ExpenseApp } from '../app/expense.app.js';
import type { BankTransactionInput } from '../app/bank-import.js';
import { dayFromMessage as dayFrom, dayToMessage as toDate } from '@family/service-kit';
import {
  decodeTemplate,
  encodeBudget,
  encodeCategory,
  encodeCsvImport,
  encodeExpense,
  encodeFxRate,
  encodeLimits,
  encodeRecurring,
  encodeRule,
} from './expense.codec.js';
import {
  bankAction,
  bankProvider,
  budgetPeriod,
  expenseSource,
  frequency,
  limitPeriod,
  matchField,
  matchType,
  reportGrouping,
} from '../contract/expense.enums.js';

const page = (p: { limit: number; cursor: string } | undefined) => ({ limit: p?.limit ?? 0, cursor: p?.cursor ?? '' });

export function expenseHandlers(app: ExpenseApp): ServiceImplementation<typeof ExpenseServiceDefinition, AuthContext> {
  return {
    async listExpenses(req, ctx) {
      const r = await app.expenses.list(
        ctx.caller,
        req.familyId,
        {
          memberId: req.memberId,
          categoryId: req.categoryId,
          tag: req.tag,
          from: dayFrom(req.from, 'from'),
          to: dayFrom(req.to, 'to'),
          q: req.q,
          source: expenseSource.decode(req.source, 'source'),
          flaggedOnly: req.flaggedOnly,
          uncategorizedOnly: req.uncategorizedOnly,
        },
        page(req.page),
      );
      return { expenses: r.items.map(encodeExpense), page: { nextCursor: r.nextCursor } };
    },
    async getExpense(req, ctx) {
      return { expense: encodeExpense(await app.expenses.get(ctx.caller, req.familyId, req.expenseId)) };
    },
    async createExpense(req, ctx) {
      const e = await app.expenses.create(ctx.caller, req.familyId, {
        memberId: req.memberId,
        amountMinor: req.amountMinor,
        currency: req.currency,
        occurredOn: dayFrom(req.occurredOn, 'occurredOn'),
        description: req.description,
        merchant: req.merchant,
        categoryId: req.categoryId,
        tags: req.tags,
        note: req.note,
        splits: req.splits,
        fxRate: req.fxRate,
        baseAmountMinor: req.baseAmountMinor,
      });
      return { expense: encodeExpense(e) };
    },
    async updateExpense(req, ctx) {
      const e = await app.expenses.update(ctx.caller, req.familyId, req.expenseId, {
        expectedVersion: req.expectedVersion,
        memberId: req.memberId,
        amountMinor: req.amountMinor,
        currency: req.currency,
        occurredOn: dayFrom(req.occurredOn, 'occurredOn'),
        description: req.description,
        merchant: req.merchant,
        categoryId: req.categoryId,
        tags: req.tags?.tags,
        note: req.note,
        splits: req.splits?.splits,
        fxRate: req.fxRate,
        baseAmountMinor: req.baseAmountMinor,
        flagged: req.flagged,
      });
      return { expense: encodeExpense(e) };
    },
    async deleteExpense(req, ctx) {
      await app.expenses.delete(ctx.caller, req.familyId, req.expenseId, req.expectedVersion);
      return {};
    },

    async listFxRates(req, ctx) {
      const r = await app.fxRates.list(ctx.caller, req.familyId, page(req.page));
      return { rates: r.items.map((x) => encodeFxRate(x, r.baseCurrency)), page: { nextCursor: r.nextCursor } };
    },
    async setFxRate(req, ctx) {
      const r = await app.fxRates.set(ctx.caller, req.familyId, req.currency, req.rate);
      return { rate: encodeFxRate(r.rate, r.baseCurrency) };
    },

    async listCategories(req, ctx) {
      const r = await app.categories.list(ctx.caller, req.familyId, req.includeArchived, page(req.page));
      return { categories: r.items.map(encodeCategory), page: { nextCursor: r.nextCursor } };
    },
    async createCategory(req, ctx) {
      return { category: encodeCategory(await app.categories.create(ctx.caller, req.familyId, req)) };
    },
    async updateCategory(req, ctx) {
      const c = await app.categories.update(ctx.caller, req.familyId, req.categoryId, req);
      return { category: encodeCategory(c) };
    },
    async archiveCategory(req, ctx) {
      const c = await app.categories.archive(
        ctx.caller,
        req.familyId,
        req.categoryId,
        req.expectedVersion,
        req.archived,
      );
      return { category: encodeCategory(c) };
    },
    async deleteCategory(req, ctx) {
      await app.categories.delete(
        ctx.caller,
        req.familyId,
        req.categoryId,
        req.expectedVersion,
        req.reassignToCategoryId,
      );
      return {};
    },

    async listRecurringExpenses(req, ctx) {
      const r = await app.recurring.list(ctx.caller, req.familyId, req.memberId, page(req.page));
      return { recurringExpenses: r.items.map(encodeRecurring), page: { nextCursor: r.nextCursor } };
    },
    async getRecurringExpense(req, ctx) {
      return {
        recurringExpense: encodeRecurring(await app.recurring.get(ctx.caller, req.familyId, req.recurringExpenseId)),
      };
    },
    async createRecurringExpense(req, ctx) {
      const r = await app.recurring.create(ctx.caller, req.familyId, {
        template: decodeTemplate(req.template),
        frequency: frequency.decode(req.frequency, 'frequency'),
        interval: req.interval,
        startOn: dayFrom(req.startOn, 'startOn'),
        endOn: dayFrom(req.endOn, 'endOn'),
        paused: req.paused,
      });
      return { recurringExpense: encodeRecurring(r) };
    },
    async updateRecurringExpense(req, ctx) {
      const r = await app.recurring.update(ctx.caller, req.familyId, req.recurringExpenseId, {
        expectedVersion: req.expectedVersion,
        template: decodeTemplate(req.template),
        frequency: frequency.decode(req.frequency, 'frequency'),
        interval: req.interval,
        startOn: dayFrom(req.startOn, 'startOn'),
        endOn: dayFrom(req.endOn, 'endOn'),
        clearEndOn: req.clearEndOn,
        paused: req.paused,
      });
      return { recurringExpense: encodeRecurring(r) };
    },
    async deleteRecurringExpense(req, ctx) {
      await app.recurring.delete(ctx.caller, req.familyId, req.recurringExpenseId, req.expectedVersion);
      return {};
    },
    async previewRecurringExpense(req, ctx) {
      const dates = await app.recurring.preview(ctx.caller, req.familyId, {
        id: req.recurringExpenseId,
        frequency: frequency.decode(req.frequency, 'frequency'),
        interval: req.interval,
        startOn: dayFrom(req.startOn, 'startOn'),
        endOn: dayFrom(req.endOn, 'endOn'),
        count: req.count,
        after: dayFrom(req.after, 'after'),
      });
      return { dates: dates.map((x) => toDate(x)!) };
    },

    async listCategorizationRules(req, ctx) {
      const r = await app.rules.list(ctx.caller, req.familyId, page(req.page));
      return { rules: r.items.map(encodeRule), page: { nextCursor: r.nextCursor } };
    },
    async createCategorizationRule(req, ctx) {
      const rule = await app.rules.create(ctx.caller, req.familyId, {
        name: req.name,
        priority: req.priority,
        matchField: matchField.decode(req.matchField, 'matchField') ?? 'ANY',
        matchType: matchType.decode(req.matchType, 'matchType') ?? 'CONTAINS',
        pattern: req.pattern,
        minAmountMinor: req.minAmountMinor ?? null,
        maxAmountMinor: req.maxAmountMinor ?? null,
        memberId: req.memberId,
        source: expenseSource.decode(req.source, 'source') ?? null,
        categoryId: req.categoryId,
        addTags: req.addTags,
        enabled: req.enabled ?? true,
      });
      return { rule: encodeRule(rule) };
    },
    async updateCategorizationRule(req, ctx) {
      const rule = await app.rules.update(ctx.caller, req.familyId, req.ruleId, {
        expectedVersion: req.expectedVersion,
        name: req.name,
        priority: req.priority,
        matchField: matchField.decode(req.matchField, 'matchField'),
        matchType: matchType.decode(req.matchType, 'matchType'),
        pattern: req.pattern,
        ...(req.clearMinAmountMinor
          ? { minAmountMinor: null }
          : req.minAmountMinor !== undefined
            ? { minAmountMinor: req.minAmountMinor }
            : {}),
        ...(req.clearMaxAmountMinor
          ? { maxAmountMinor: null }
          : req.maxAmountMinor !== undefined
            ? { maxAmountMinor: req.maxAmountMinor }
            : {}),
        memberId: req.memberId,
        ...(req.source !== undefined ? { source: expenseSource.decode(req.source, 'source') ?? null } : {}),
        categoryId: req.categoryId,
        addTags: req.addTags?.tags,
        enabled: req.enabled,
      });
      return { rule: encodeRule(rule) };
    },
    async deleteCategorizationRule(req, ctx) {
      await app.rules.delete(ctx.caller, req.familyId, req.ruleId, req.expectedVersion);
      return {};
    },
    async applyCategorizationRules(req, ctx) {
      const r = await app.rules.apply(ctx.caller, req.familyId, {
        ruleIds: req.ruleIds,
        from: dayFrom(req.from, 'from'),
        to: dayFrom(req.to, 'to'),
        dryRun: req.dryRun,
      });
      return { examinedCount: r.examined, categorizedCount: r.categorized };
    },

    async listBudgets(req, ctx) {
      const r = await app.budgets.list(
        ctx.caller,
        req.familyId,
        { memberId: req.memberId, categoryId: req.categoryId, on: dayFrom(req.on, 'on') },
        page(req.page),
      );
      return { budgets: r.items.map(encodeBudget), page: { nextCursor: r.nextCursor } };
    },
    async getBudget(req, ctx) {
      return {
        budget: encodeBudget(await app.budgets.get(ctx.caller, req.familyId, req.budgetId, dayFrom(req.on, 'on'))),
      };
    },
    async createBudget(req, ctx) {
      const b = await app.budgets.create(ctx.caller, req.familyId, {
        name: req.name,
        categoryId: req.categoryId,
        memberId: req.memberId,
        period: budgetPeriod.decode(req.period, 'period'),
        amountMinor: req.amountMinor,
        rollover: req.rollover,
        thresholds: req.thresholds,
      });
      return { budget: encodeBudget(b) };
    },
    async updateBudget(req, ctx) {
      const b = await app.budgets.update(ctx.caller, req.familyId, req.budgetId, {
        expectedVersion: req.expectedVersion,
        name: req.name,
        categoryId: req.categoryId,
        memberId: req.memberId,
        period: budgetPeriod.decode(req.period, 'period'),
        amountMinor: req.amountMinor,
        rollover: req.rollover,
        thresholds: req.thresholds?.thresholds,
      });
      return { budget: encodeBudget(b) };
    },
    async deleteBudget(req, ctx) {
      await app.budgets.delete(ctx.caller, req.familyId, req.budgetId, req.expectedVersion);
      return {};
    },

    async getSpendingLimits(req, ctx) {
      return { spendingLimits: encodeLimits(await app.limits.get(ctx.caller, req.familyId, req.memberId)) };
    },
    async listSpendingLimits(req, ctx) {
      return { spendingLimits: (await app.limits.list(ctx.caller, req.familyId)).map(encodeLimits) };
    },
    async putSpendingLimits(req, ctx) {
      const l = await app.limits.put(ctx.caller, req.familyId, req.memberId, {
        limits: req.limits.map((x, i) => ({
          period: limitPeriod.decode(x.period, `limits.${i}.period`),
          amountMinor: x.amountMinor,
        })),
        blockedCategoryIds: req.blockedCategoryIds,
        expectedVersion: req.expectedVersion,
      });
      return { spendingLimits: encodeLimits(l) };
    },

    async getSpendingReport(req, ctx) {
      const r = await app.reports.spending(ctx.caller, req.familyId, {
        from: dayFrom(req.from, 'from'),
        to: dayFrom(req.to, 'to'),
        groupBy: reportGrouping.decode(req.groupBy, 'groupBy'),
        memberId: req.memberId,
        categoryId: req.categoryId,
        topMerchantsLimit: req.topMerchantsLimit,
      });
      return {
        currency: r.currency,
        previousFrom: toDate(r.previousFrom),
        previousTo: toDate(r.previousTo),
        totalMinor: r.total,
        previousTotalMinor: r.previousTotal,
        groups: r.groups.map((g) => ({
          key: g.key,
          label: g.label,
          totalMinor: g.total,
          previousTotalMinor: g.previousTotal,
          expenseCount: g.count,
        })),
        topMerchants: r.topMerchants.map((m) => ({ merchant: m.merchant, totalMinor: m.total, expenseCount: m.count })),
      };
    },
    async *exportExpensesCsv(req, ctx) {
      const chunks = app.csv.export(ctx.caller, req.familyId, {
        memberId: req.memberId,
        categoryId: req.categoryId,
        tag: req.tag,
        from: dayFrom(req.from, 'from'),
        to: dayFrom(req.to, 'to'),
        q: req.q,
        source: expenseSource.decode(req.source, 'source'),
        flaggedOnly: false,
        uncategorizedOnly: false,
      });
      for await (const c of chunks) yield { chunk: c.chunk, filename: c.filename };
    },
    async importExpensesCsv(req, ctx) {
      const r = await app.csv.import(ctx.caller, req.familyId, {
        csv: req.csv,
        defaultMemberId: req.defaultMemberId,
        defaultCurrency: req.defaultCurrency,
        dryRun: req.dryRun,
        signal: ctx.signal,
      });
      return {
        importedCount: r.imported,
        duplicatesSkipped: r.duplicates,
        errors: r.errors,
        job: r.job && encodeCsvImport(r.job),
      };
    },
    async getCsvImport(req, ctx) {
      return { import: encodeCsvImport(await app.csvImports.get(ctx.caller, req.familyId, req.importId)) };
    },
    async importBankTransactions(req, ctx) {
      const txs: BankTransactionInput[] = req.transactions.map((t, i) => {
        const action = bankAction.decode(t.action, `transactions.${i}.action`) ?? 'ADDED';
        return {
          provider: bankProvider.decode(t.provider, `transactions.${i}.provider`),
          providerTransactionId: t.providerTransactionId,
          pendingTransactionId: t.pendingTransactionId,
          accountId: t.accountId,
          memberId: t.memberId,
          amountMinor: t.amountMinor,
          currency: t.currency.toUpperCase(),
          occurredOn: action === 'REMOVED' ? undefined : dayFrom(t.occurredOn, `transactions.${i}.occurredOn`),
          description: t.description,
          merchant: t.merchant,
          pending: t.status === BankTransactionStatus.BANK_TRANSACTION_STATUS_PENDING,
          action,
        };
      });
      const r = await app.bank.import(ctx.caller, req.familyId, txs);
      return { added: r.added, modified: r.modified, removed: r.removed, unchanged: r.unchanged, skipped: r.skipped };
    },
    async handleEvents(req, ctx) {
      return { accepted: await app.events.handle(ctx.caller, req.events) };
    },
  };
}
