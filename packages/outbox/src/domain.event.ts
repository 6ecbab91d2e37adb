import type { DomainEvent } from '@family/contracts/events/v1/events';
import { newId } from '@family/db';

export type EventPayload = NonNullable<DomainEvent['payload']>;

// The dotted event type for each payload case: the names the rest of the system speaks.
const typeByCase: Record<EventPayload['$case'], string> = {
  memberJoined: 'member.joined',
  memberRemoved: 'member.removed',
  memberRoleChanged: 'member.role_changed',
  sessionsRevoked: 'security.sessions_revoked',
  accountEmailRequested: 'account.email_requested',
  expenseCreated: 'expense.created',
  expenseUpdated: 'expense.updated',
  expenseDeleted: 'expense.deleted',
  budgetThresholdCrossed: 'budget.threshold_crossed',
  spendingLimitExceeded: 'spending_limit.exceeded',
  jarSpent: 'jar.spent',
  goalContributed: 'goal.contributed',
  goalAchieved: 'goal.achieved',
  choreSubmitted: 'chore.submitted',
  choreApproved: 'chore.approved',
  choreRejected: 'chore.rejected',
  choreOverdue: 'chore.overdue',
  allowancePaid: 'allowance.paid',
  interestPaid: 'interest.paid',
  bankConnectionNeedsReauth: 'bank.connection_needs_reauth',
  bankSyncCompleted: 'bank.sync_completed',
  bankConsentExpiring: 'bank.consent_expiring',
  achievementUnlocked: 'achievement.unlocked',
  levelReached: 'level.reached',
  questCompleted: 'quest.completed',
  streakMilestone: 'streak.milestone',
};

export function eventTypeOf(payload: EventPayload): string {
  return typeByCase[payload.$case];
}

export function newEvent(input: {
  source: string;
  familyId: string;
  actorUserId?: string | undefined;
  payload: EventPayload;
  occurredAt?: Date;
}): DomainEvent {
  return {
    id: newId(),
    type: eventTypeOf(input.payload),
    familyId: input.familyId,
    occurredAt: input.occurredAt ?? new Date(),
    actorUserId: input.actorUserId ?? '',
    source: input.source,
    payload: input.payload,
  };
}
