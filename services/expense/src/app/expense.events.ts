// The expense.* domain events.
import { newEvent } from '@family/outbox';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import type { ExpenseSourceName } from '../db/schema.js';
import type { ExpenseRow } from '../store/expenses.store.js';
import { toYmd } from '../domain/calendar.days.js';

export const protoSource: Record<ExpenseSourceName, ExpenseSource> = {
  MANUAL: ExpenseSource.EXPENSE_SOURCE_MANUAL,
  RECURRING: ExpenseSource.EXPENSE_SOURCE_RECURRING,
  BANK: ExpenseSource.EXPENSE_SOURCE_BANK,
  JAR: ExpenseSource.EXPENSE_SOURCE_JAR,
};

export function expenseCreatedEvent(e: ExpenseRow, actorUserId: string | undefined): DomainEvent {
  return newEvent({
    source: 'expense',
    familyId: e.family_id,
    actorUserId,
    payload: {
      $case: 'expenseCreated',
      value: {
        expenseId: e.id,
        memberId: e.member_id,
        amount: { amountMinor: e.amount_minor, currency: e.currency },
        baseAmountMinor: e.base_amount_minor,
        occurredOn: toYmd(e.occurred_on),
        categoryId: e.category_id ?? '',
        source: protoSource[e.source],
        merchant: e.merchant,
        description: e.description,
      },
    },
  });
}

export function expenseUpdatedEvent(e: ExpenseRow, actorUserId: string | undefined): DomainEvent {
  return newEvent({
    source: 'expense',
    familyId: e.family_id,
    actorUserId,
    payload: {
      $case: 'expenseUpdated',
      value: {
        expenseId: e.id,
        memberId: e.member_id,
        baseAmountMinor: e.base_amount_minor,
        categoryId: e.category_id ?? '',
        version: e.version,
      },
    },
  });
}

export function expenseDeletedEvent(e: ExpenseRow, actorUserId: string | undefined): DomainEvent {
  return newEvent({
    source: 'expense',
    familyId: e.family_id,
    actorUserId,
    payload: { $case: 'expenseDeleted', value: { expenseId: e.id, memberId: e.member_id } },
  });
}
