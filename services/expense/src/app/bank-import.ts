// Normalized bank transactions (from the bank service) → expenses, in one transaction per batch with
// multi-row writes. Idempotent per (family, provider, provider transaction id): a re-sent transaction
// with the same content changes nothing; a posted transaction replaces its pending one in place;
// modified ones are updated; removed ones deleted; money coming in is not an expense and is skipped.
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import { requireScope, type Caller } from '@family/grpc-kit';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { Scopes, type FamilySettings } from '@family/service-kit';
import { isDay, type Day } from '@family/service-kit/calendar';
import { isKnownCurrency } from '@family/service-kit/money';
import { allocate, MAX_AMOUNT_MINOR } from '../domain/money.rules.js';
import { recordedBaseAmount, type BaseAmount } from '../domain/fx.rules.js';
import { isUniqueViolation } from '@family/db';
import type { Expense } from '../domain/expense.records.js';
import type { BankChange } from '../store/expenses.store.js';
import { expenseDeletedEvent, expenseUpdatedEvent } from '../contract/expense.events.js';
import type { ExpenseDeps } from './expense.deps.js';
import { fingerprintOf, type ExpenseDraft, type ExpenseWriter } from './expense.writer.js';

export const MAX_BANK_BATCH = 5000;

export interface BankTransactionInput {
  provider: string | undefined;
  providerTransactionId: string;
  pendingTransactionId: string;
  accountId: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  occurredOn: Day | undefined;
  description: string;
  merchant: string;
  pending: boolean;
  action: 'ADDED' | 'MODIFIED' | 'REMOVED';
}

export interface BankImportResult {
  added: number;
  modified: number;
  removed: number;
  unchanged: number;
  skipped: number;
}

const keyOf = (provider: string, id: string) => `${provider}\u001f${id}`;

export class BankImport {
  constructor(
    private readonly deps: ExpenseDeps,
    private readonly writer: ExpenseWriter,
  ) {}

  async import(caller: Caller, familyId: string, txs: BankTransactionInput[]): Promise<BankImportResult> {
    requireScope(caller, Scopes.EXPENSE_IMPORT);
    const id = requireUuid(familyId, 'familyId');
    if (txs.length > MAX_BANK_BATCH) throw AppError.invalidField('transactions', `at most ${MAX_BANK_BATCH} per call`);
    const v = new Violations();
    txs.forEach((t, i) => {
      const p = `transactions.${i}.`;
      v.check(t.provider !== undefined, `${p}provider`, 'is required');
      v.check(
        t.providerTransactionId.length >= 1 && t.providerTransactionId.length <= 200,
        `${p}providerTransactionId`,
        'must be 1-200 characters',
      );
      if (t.action === 'REMOVED') return;
      v.check(isUuid(t.memberId), `${p}memberId`, 'must be a UUID');
      // A transaction is a past fact: a currency withdrawn since it was booked still reads.
      v.check(isKnownCurrency(t.currency), `${p}currency`, 'must be an ISO 4217 currency code');
      v.check(t.occurredOn !== undefined && isDay(t.occurredOn), `${p}occurredOn`, 'is required');
      v.check(
        Number.isInteger(t.amountMinor) && Math.abs(t.amountMinor) <= MAX_AMOUNT_MINOR,
        `${p}amountMinor`,
        'is out of range',
      );
    });
    v.throwIfAny();
    const family = await this.deps.families.settings(id);
    await this.deps.defaultCategories.ensure(id);
    const foreign = [...new Set(txs.map((t) => t.currency).filter((c) => c && c !== family.currency))];
    const rates = await this.deps.fxRates.rates(id, foreign);
    // A transaction is recorded whether or not the family has a rate for its currency (one without
    // would otherwise stop every sync of the connection): labelled as having none, until a parent sets it.
    const bases = txs.map((t, i) =>
      t.action === 'REMOVED' || t.amountMinor <= 0
        ? undefined
        : recordedBaseAmount(
            {
              amountMinor: t.amountMinor,
              currency: t.currency,
              baseCurrency: family.currency,
              tableRate: rates.get(t.currency),
            },
            `transactions.${i}.`,
          ),
    );

    try {
      return await this.write(id, family, txs, bases);
    } catch (err) {
      if (isUniqueViolation(err, 'expenses_bank_transaction_key')) {
        throw new AppError('ABORTED', 'CONCURRENT_IMPORT', 'The same transactions are being imported at once; retry');
      }
      throw err;
    }
  }

  private write(
    id: string,
    family: FamilySettings,
    txs: BankTransactionInput[],
    bases: (BaseAmount | undefined)[],
  ): Promise<BankImportResult> {
    return this.deps.db.transaction().execute(async (trx) => {
      const result: BankImportResult = { added: 0, modified: 0, removed: 0, unchanged: 0, skipped: 0 };
      const keys = new Map<string, { provider: string; id: string }>();
      for (const t of txs) {
        const provider = t.provider!;
        keys.set(keyOf(provider, t.providerTransactionId), { provider, id: t.providerTransactionId });
        if (t.pendingTransactionId)
          keys.set(keyOf(provider, t.pendingTransactionId), { provider, id: t.pendingTransactionId });
      }
      const existing = new Map<string, Expense>();
      for (const e of await this.deps.expenses.bankExpenses(trx, id, [...keys.values()])) {
        existing.set(keyOf(e.bankProvider!, e.bankTransactionId!), e);
      }
      const inserts: ExpenseDraft[] = [];
      const updates = new Map<string, BankChange>();
      const deletes = new Map<string, Expense>();
      const insertAt = new Map<string, number>();
      txs.forEach((t, i) => {
        const key = keyOf(t.provider!, t.providerTransactionId);
        let row = existing.get(key);
        const base = bases[i];
        if (t.action === 'REMOVED' || !base) {
          if (row) {
            deletes.set(row.id, row);
            existing.delete(key);
            if (t.action === 'REMOVED') result.removed++;
            else result.skipped++;
          } else if (t.action === 'REMOVED') result.unchanged++;
          else result.skipped++;
          return;
        }
        if (!row && t.pendingTransactionId) {
          const pendingKey = keyOf(t.provider!, t.pendingTransactionId);
          row = existing.get(pendingKey);
          if (row) existing.delete(pendingKey);
        }
        const next = {
          amountMinor: t.amountMinor,
          currency: t.currency,
          ...base,
          occurredOn: t.occurredOn!,
          description: (t.description || t.merchant || 'Bank transaction').trim().slice(0, 200),
          merchant: t.merchant.trim().slice(0, 100),
          pending: t.pending,
          bankTransactionId: t.providerTransactionId,
          bankAccountId: t.accountId,
        };
        if (row) {
          const same =
            row.amountMinor === next.amountMinor &&
            row.currency === next.currency &&
            row.baseAmountMinor === next.baseAmountMinor &&
            row.occurredOn === next.occurredOn &&
            row.description === next.description &&
            row.merchant === next.merchant &&
            row.pending === next.pending &&
            row.bankTransactionId === next.bankTransactionId &&
            (row.bankAccountId ?? '') === next.bankAccountId;
          existing.set(key, row);
          if (same && !updates.has(row.id)) {
            result.unchanged++;
            return;
          }
          if (!updates.has(row.id)) result.modified++;
          updates.set(row.id, { id: row.id, ...next, fingerprint: fingerprintOf({ ...next, memberId: row.memberId }) });
          return;
        }
        // A transaction sent twice in one batch: the last version wins.
        const at = insertAt.get(key);
        const draft: ExpenseDraft = {
          memberId: t.memberId.toLowerCase(),
          ...next,
          categoryId: null,
          tags: [],
          note: '',
          splits: [],
          source: 'BANK',
          createdByMemberId: null,
          bankProvider: t.provider!,
        };
        if (at !== undefined) inserts[at] = draft;
        else {
          insertAt.set(key, inserts.length);
          inserts.push(draft);
          result.added++;
        }
      });

      await this.deps.expenses.delete(trx, [...deletes.keys()]);
      const events: DomainEvent[] = [...deletes.values()].map((e) => expenseDeletedEvent(e, undefined));
      // A split expense keeps its split, rescaled to the new amount.
      const changed = (await this.deps.expenses.updateBankMany(trx, [...updates.values()])).map((e) => {
        if (!e.splits.length) return e;
        const weights = e.splits.map((s) => s.amountMinor);
        const amounts = allocate(e.amountMinor, weights);
        const bases = allocate(e.baseAmountMinor, weights);
        const splits = e.splits.map((s, i) => ({ ...s, amountMinor: amounts[i]!, baseAmountMinor: bases[i]! }));
        return { ...e, splits };
      });
      await this.deps.expenses.replaceSplits(
        trx,
        changed.filter((e) => e.splits.length),
      );
      events.push(...changed.map((e) => expenseUpdatedEvent(e, undefined)));
      await this.writer.afterChange(trx, family, changed, events, {});
      await this.writer.enqueue(trx, events);
      await this.writer.create(trx, family, inserts, {});
      return result;
    });
  }
}
