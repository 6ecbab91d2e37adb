// Who hears about which domain event, in which category, with which template: one planned
// notification per recipient. Planning only reads this service's copy of the family's members; the
// fan-out loads it first and applies member events to it after (FamilyRoster).
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { PARENT_ROLES } from '@family/grpc-kit';
import { formatMoney } from '@family/service-kit/money';
import type { Category } from '../domain/notification.types.js';
import type { TemplateKey } from '../domain/message.templates.js';
import type { KnownMember, MembersStore } from '../store/members.store.js';
import { memberRoles } from './family.roster.js';

export interface PlannedNotification {
  userId: string;
  /** The recipient's membership in the event's family, when the recipient is a member. */
  memberId?: string;
  category: Category;
  template: TemplateKey;
  params: Record<string, string>;
  data: Record<string, string>;
  urgent: boolean;
  /** The child the news is about, when there is one (parental controls apply to them). */
  childMemberId?: string;
  /** The recipient is that child (rather than a parent hearing about them). */
  toChild: boolean;
  /** Parental SMS escalation applies (a child's spending-limit breach). */
  escalateSms?: boolean;
}

const money = (m: { amountMinor: number; currency: string } | undefined) =>
  m ? formatMoney(m.amountMinor, m.currency) : '';

export class EventPlanner {
  constructor(private readonly members: MembersStore) {}

  /** Who hears about the event; reads only (the family's members must be loaded: FamilyRoster.ensure). */
  async plan(event: DomainEvent): Promise<PlannedNotification[]> {
    const payload = event.payload;
    if (!payload) return [];
    const familyId = event.familyId;
    const parents = async (exceptUserId = '') =>
      (await this.members.list(familyId)).filter((m) => PARENT_ROLES.includes(m.role) && m.userId !== exceptUserId);
    const member = (id: string) => this.members.get(familyId, id);
    const name = (m: KnownMember | undefined) => m?.displayName || 'Your child';
    const each = (
      list: KnownMember[],
      n: Omit<PlannedNotification, 'userId' | 'toChild'>,
      toChild = false,
    ): PlannedNotification[] => list.map((m) => ({ ...n, userId: m.userId, memberId: m.memberId, toChild }));

    switch (payload.$case) {
      case 'memberJoined': {
        const v = payload.value;
        const role = memberRoles.fromPeer(v.role);
        // The family's creator joining needs no announcement.
        if (v.via === 'CREATED_FAMILY') return [];
        // Neither the joiner nor the parent who added them needs telling.
        const audience = (await parents(v.userId)).filter((m) => m.userId !== event.actorUserId);
        return each(audience, {
          category: 'FAMILY',
          template: 'member.joined',
          params: { member: v.displayName, role: (role ?? 'member').toLowerCase() },
          data: { memberId: v.memberId },
          urgent: false,
        });
      }
      case 'sessionsRevoked':
        return [
          {
            userId: payload.value.userId,
            category: 'SECURITY',
            template: 'security.sessions_revoked',
            params: { reason: payload.value.reason.toLowerCase().replace(/_/g, ' ') },
            data: { reason: payload.value.reason },
            urgent: true,
            toChild: false,
          },
        ];
      case 'spendingLimitExceeded': {
        const v = payload.value;
        const child = await member(v.memberId);
        return each(await parents(), {
          category: 'SPENDING_LIMIT',
          template: 'spending_limit.exceeded',
          params: {
            child: name(child),
            spent: formatMoney(v.spentMinor, v.currency),
            limit: formatMoney(v.limitMinor, v.currency),
            period: v.period.toLowerCase() || 'period',
          },
          data: { memberId: v.memberId, expenseId: v.expenseId },
          urgent: true,
          childMemberId: v.memberId,
          escalateSms: true,
        });
      }
      case 'budgetThresholdCrossed': {
        const v = payload.value;
        return each(await parents(), {
          category: 'BUDGET',
          template: 'budget.threshold_crossed',
          params: {
            budget: v.budgetName,
            percent: String(v.thresholdPercent),
            spent: formatMoney(v.spentMinor, v.currency),
            limit: formatMoney(v.limitMinor, v.currency),
          },
          data: { budgetId: v.budgetId },
          urgent: false,
        });
      }
      case 'choreSubmitted': {
        const v = payload.value;
        const child = await member(v.assigneeMemberId);
        return each(await parents(), {
          category: 'CHORES',
          template: 'chore.submitted',
          params: { child: name(child), chore: v.title, note: v.note },
          data: { choreId: v.choreId, memberId: v.assigneeMemberId },
          urgent: false,
          childMemberId: v.assigneeMemberId,
        });
      }
      case 'choreApproved':
      case 'choreRejected':
      case 'allowancePaid':
      case 'interestPaid': {
        const childId = payload.$case.startsWith('chore')
          ? (payload.value as { assigneeMemberId: string }).assigneeMemberId
          : (payload.value as { memberId: string }).memberId;
        const child = await member(childId);
        if (!child) return [];
        const base = { urgent: false, childMemberId: childId };
        let n: Omit<PlannedNotification, 'userId' | 'toChild'>;
        if (payload.$case === 'choreApproved') {
          const v = payload.value;
          n = {
            ...base,
            category: 'CHORES',
            template: 'chore.approved',
            params: { chore: v.title, reward: money(v.reward) || `${v.points} points` },
            data: { choreId: v.choreId },
          };
        } else if (payload.$case === 'choreRejected') {
          const v = payload.value;
          n = {
            ...base,
            category: 'CHORES',
            template: 'chore.rejected',
            params: { chore: v.title, reason: v.reason },
            data: { choreId: v.choreId },
          };
        } else if (payload.$case === 'allowancePaid') {
          const v = payload.value;
          n = {
            ...base,
            category: 'ALLOWANCE',
            template: 'allowance.paid',
            params: { amount: money(v.amount) },
            data: { allowanceId: v.allowanceId },
          };
        } else {
          const v = payload.value;
          n = {
            ...base,
            category: 'ALLOWANCE',
            template: 'interest.paid',
            params: { amount: money(v.amount) },
            data: {},
          };
        }
        return each([child], n, true);
      }
      case 'goalAchieved': {
        const v = payload.value;
        const owner = await member(v.ownerMemberId);
        const params = { child: name(owner), goal: v.goalName, target: money(v.target) };
        const base = { category: 'GOALS' as const, params, data: { goalId: v.goalId }, urgent: false };
        const isChild = owner?.role === 'CHILD';
        const toOwner = owner
          ? each(
              [owner],
              { ...base, template: 'goal.achieved.owner', ...(isChild ? { childMemberId: owner.memberId } : {}) },
              isChild,
            )
          : [];
        const toParents = each(
          (await parents()).filter((p) => p.memberId !== v.ownerMemberId),
          { ...base, template: 'goal.achieved.parent', childMemberId: v.ownerMemberId },
        );
        return [...toOwner, ...toParents];
      }
      case 'bankConnectionNeedsReauth': {
        const v = payload.value;
        const n = {
          category: 'BANK' as const,
          template: 'bank.connection_needs_reauth' as const,
          params: { institution: v.institutionName || 'your bank' },
          data: { connectionId: v.connectionId },
          urgent: false,
        };
        if (event.actorUserId) return [{ ...n, userId: event.actorUserId, toChild: false }];
        return each(
          (await this.members.list(familyId)).filter((m) => m.role === 'OWNER'),
          n,
        );
      }
      default:
        return [];
    }
  }
}
