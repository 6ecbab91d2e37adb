// The expense.* domain events, encoded from the Expense record (the same record the responses are).
import { newEvent } from '@family/outbox';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { dayToMessage } from '@family/service-kit';
import type { Expense } from '../domain/expense.records.js';
import { expenseSource } from './expense.enums.js';

export function expenseCreatedEvent(e: Expense, actorUserId: string | undefined): DomainEvent {
  return newEvent({
    source: 'expense',
    familyId: e.familyId,
    actorUserId,
    payload: {
      $case: 'expenseCreated',
      value: {
        expenseId: e.id,
        memberId: e.memberId,
        amount: { amountMinor: e.amountMinor, currency: e.currency },
        baseAmountMinor: e.baseAmountMinor,
        occurredOn: dayToMessage(e.occurredOn),
        categoryId: e.categoryId ?? '',
        source: expenseSource.encode(e.source),
        merchant: e.merchant,
        description: e.description,
      },
    },
  });
}

export function expenseUpdatedEvent(e: Expense, actorUserId: string | undefined): DomainEvent {
  return newEvent({
    source: 'expense',
    familyId: e.familyId,
    actorUserId,
    payload: {
      $case: 'expenseUpdated',
      value: {
        expenseId: e.id,
        memberId: e.memberId,
        baseAmountMinor: e.baseAmountMinor,
        categoryId: e.categoryId ?? '',
        version: e.version,
      },
    },
  });
}

export function expenseDeletedEvent(e: Pick<Expense, 'id' | 'familyId' | 'memberId'>, actorUserId: string | undefined) {
  return newEvent({
    source: 'expense',
    familyId: e.familyId,
    actorUserId,
    payload: { $case: 'expenseDeleted', value: { expenseId: e.id, memberId: e.memberId } },
  });
}
