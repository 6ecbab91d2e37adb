// Delivered DomainEvents → the domain's ActivityEvents: which member an event is about (the chore's
// assignee, the goal's owner, the spender, the allowance's child) and the numbers the rules read.
// Types the rules do not count map to no activity (acknowledged and dropped).
import { isUuid } from '@family/errors';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import type { ActivityEvent } from '../domain/gamification.records.js';
import type { DeliveredEvent } from '../app/event.recorder.js';

export function deliveredEvent(event: DomainEvent): DeliveredEvent {
  const mapped = activityOf(event);
  // An event that names no member (or a malformed one) is about nobody the rules could credit.
  const activity = mapped && isUuid(mapped.memberId) && isUuid(mapped.familyId) ? mapped : undefined;
  return { familyId: event.familyId, type: event.type, ...(activity ? { activity } : {}) };
}

export function activityOf(event: DomainEvent): ActivityEvent | undefined {
  const p = event.payload;
  if (!p || !event.id || !event.familyId || !event.occurredAt) return undefined;
  const base = { eventId: event.id, familyId: event.familyId, occurredAt: event.occurredAt };
  const opt = (key: 'categoryId' | 'goalId' | 'choreId', value: string) => (value ? { [key]: value } : {});
  switch (p.$case) {
    case 'choreSubmitted':
      return {
        ...base,
        type: 'chore.submitted',
        memberId: p.value.assigneeMemberId,
        ...opt('choreId', p.value.choreId),
      };
    case 'choreApproved':
      return {
        ...base,
        type: 'chore.approved',
        memberId: p.value.assigneeMemberId,
        points: p.value.points,
        ...opt('choreId', p.value.choreId),
      };
    case 'goalContributed':
      return {
        ...base,
        type: 'goal.contributed',
        memberId: p.value.ownerMemberId,
        amountMinor: p.value.amount?.amountMinor ?? 0,
        ...opt('goalId', p.value.goalId),
      };
    case 'goalAchieved':
      return { ...base, type: 'goal.achieved', memberId: p.value.ownerMemberId, ...opt('goalId', p.value.goalId) };
    case 'allowancePaid':
      return {
        ...base,
        type: 'allowance.paid',
        memberId: p.value.memberId,
        amountMinor: p.value.amount?.amountMinor ?? 0,
        saveMinor: p.value.saveMinor,
      };
    case 'expenseCreated':
      return {
        ...base,
        type: 'expense.created',
        memberId: p.value.memberId,
        amountMinor: p.value.baseAmountMinor,
        ...opt('categoryId', p.value.categoryId),
      };
    case 'jarSpent':
      return {
        ...base,
        type: 'jar.spent',
        memberId: p.value.memberId,
        amountMinor: p.value.amount?.amountMinor ?? 0,
        ...opt('categoryId', p.value.categoryId),
      };
    case 'spendingLimitExceeded':
      return {
        ...base,
        type: 'spending_limit.exceeded',
        memberId: p.value.memberId,
        ...opt('categoryId', p.value.categoryId),
      };
    default:
      return undefined;
  }
}
