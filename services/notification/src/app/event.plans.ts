// Who hears about which domain event, in which category, with which template: one planned
// notification per recipient. Planning only reads this service's copy of the family's members; the
// fan-out loads it first and applies member events to it after (FamilyRoster).
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { PARENT_ROLES } from '@family/grpc-kit';
import { formatMoney } from '@family/service-kit/money';
import type { Category } from '../domain/notification.types.js';
import type { CelebrationKey, TemplateKey } from '../domain/message.templates.js';
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

/** "Kim", "Kim and Max", "Kim, Max, and Lea". */
const listOf = (names: string[]) =>
  names.length > 0 ? new Intl.ListFormat('en', { type: 'conjunction' }).format(names) : 'Your family';

/** "on 9 December 2026": the day a provider's consent ends (UTC; the exact hour is not what matters). */
const consentDate = (at: Date | undefined) =>
  at
    ? `on ${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(at)}`
    : 'soon';

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
    // Progress news (ACHIEVEMENTS): the member is congratulated; when the member is a child, the
    // parents hear it too, each under their own news settings for that child.
    const celebrate = async (
      memberId: string,
      key: CelebrationKey,
      params: Record<string, string>,
      data: Record<string, string>,
    ): Promise<PlannedNotification[]> => {
      const m = await member(memberId);
      if (!m) return [];
      const isChild = m.role === 'CHILD';
      const base = { category: 'ACHIEVEMENTS' as const, urgent: false, data: { ...data, memberId } };
      const toMember = each(
        [m],
        { ...base, template: `${key}.member`, params, ...(isChild ? { childMemberId: memberId } : {}) },
        isChild,
      );
      if (!isChild) return toMember;
      const toParents = each(await parents(), {
        ...base,
        template: `${key}.parent`,
        params: { ...params, child: name(m) },
        childMemberId: memberId,
      });
      return [...toMember, ...toParents];
    };

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
      case 'achievementUnlocked': {
        const v = payload.value;
        const reward = v.reward && v.reward.amountMinor > 0 ? money(v.reward) : '';
        return celebrate(
          v.memberId,
          reward ? 'achievement.rewarded' : 'achievement.unlocked',
          { badge: v.title || v.achievementId, reward },
          { achievementId: v.achievementId, badgeId: v.badgeId, step: v.step },
        );
      }
      case 'levelReached': {
        const v = payload.value;
        return celebrate(v.memberId, 'level.reached', { level: String(v.level) }, { level: String(v.level) });
      }
      case 'streakMilestone': {
        const v = payload.value;
        return celebrate(v.memberId, 'streak.milestone', { days: String(v.days) }, { days: String(v.days) });
      }
      case 'questCompleted': {
        // A family quest is news about the family, not one child: those who took part are
        // congratulated (children as their parents allow), and parents who did not take part hear it
        // under their own ACHIEVEMENTS preference.
        const v = payload.value;
        const everyone = await this.members.list(familyId);
        const inQuest =
          v.memberIds.length === 0 ? everyone : v.memberIds.flatMap((id) => everyone.filter((m) => m.memberId === id));
        const base = { category: 'ACHIEVEMENTS' as const, urgent: false, data: { questId: v.questId } };
        const params = { quest: v.title };
        const toTakers = inQuest.flatMap((m) =>
          m.role === 'CHILD'
            ? each([m], { ...base, template: 'quest.completed.member', params, childMemberId: m.memberId }, true)
            : each([m], { ...base, template: 'quest.completed.member', params }),
        );
        const names = inQuest.map((m) => m.displayName).filter(Boolean);
        const toParents = each(
          everyone.filter((m) => PARENT_ROLES.includes(m.role) && !inQuest.includes(m)),
          { ...base, template: 'quest.completed.parent', params: { ...params, members: listOf(names) } },
        );
        return [...toTakers, ...toParents];
      }
      case 'bankConnectionNeedsReauth':
      case 'bankConsentExpiring': {
        // Every parent hears it (any of them may manage the family's bank links); the others are told
        // who linked it. Never urgent: nothing is lost, syncing resumes once someone links it again.
        const v = payload.value;
        const linkerId =
          payload.$case === 'bankConsentExpiring' ? v.createdByMemberId : (payload.value.createdByMemberId ?? '');
        const linker = linkerId ? await member(linkerId) : undefined;
        let template: TemplateKey;
        const params: Record<string, string> = { institution: v.institutionName || 'your bank' };
        if (payload.$case === 'bankConsentExpiring') {
          template = 'bank.consent_expiring';
          params.when = consentDate(payload.value.consentExpiresAt);
        } else {
          const reason = payload.value.reason ?? '';
          template =
            reason === 'REVOKED' || payload.value.status === 'REVOKED'
              ? 'bank.connection_revoked'
              : reason === 'CONSENT_EXPIRED'
                ? 'bank.consent_expired'
                : 'bank.connection_needs_reauth';
        }
        const data: Record<string, string> = { connectionId: v.connectionId };
        if (payload.$case === 'bankConnectionNeedsReauth' && payload.value.reason) data.reason = payload.value.reason;
        if (payload.$case === 'bankConsentExpiring' && payload.value.consentExpiresAt) {
          data.consentExpiresAt = payload.value.consentExpiresAt.toISOString();
        }
        return (await parents()).map((p) => ({
          category: 'BANK' as const,
          template,
          params: {
            ...params,
            linkedBy:
              linker && linker.memberId !== p.memberId && linker.displayName
                ? `, linked by ${linker.displayName},`
                : '',
          },
          data,
          urgent: false,
          userId: p.userId,
          memberId: p.memberId,
          toChild: false,
        }));
      }
      default:
        return [];
    }
  }
}
