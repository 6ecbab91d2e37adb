// The GraphQL operations of the web app: the two home screens (one request each), with the shapes
// they answer, and the chore mutations.
// The documents are the BFF's persisted operations (bff/src/graphql/operations), sent by
// their id, so a BFF that runs only persisted operations serves the web app too.
import { persistedOperations } from '@family/sdk';

export const PARENT_DASHBOARD = persistedOperations.ParentDashboard;

export interface DashboardData {
  me: {
    unreadNotificationCount: number;
    notifications: { items: { id: string; title: string; body: string; createdAt: string }[] };
  };
  family: {
    id: string;
    name: string;
    currency: string;
    timezone: string;
    members: {
      id: string;
      displayName: string;
      role: 'OWNER' | 'PARENT' | 'CHILD';
      balance: {
        spendMinor: number;
        saveMinor: number;
        giveMinor: number;
        goalsMinor: number;
        currency: string;
      } | null;
      progress: { level: number; streak: { current: number } } | null;
    }[];
    budgets: {
      id: string;
      name: string;
      amountMinor: number;
      currency: string;
      status: { spentMinor: number; remainingMinor: number; percent: number; periodEnd: string };
    }[];
    goals: GoalData[];
    chores: {
      id: string;
      title: string;
      assigneeMemberId: string;
      rewardMinor: number;
      currency: string;
      submittedAt: string | null;
    }[];
  };
}

export interface GoalData {
  id: string;
  ownerMemberId: string;
  name: string;
  targetMinor: number;
  savedMinor: number;
  currency: string;
  status: string;
  projectedOn: string | null;
}

export const CHILD_HOME = persistedOperations.ChildHome;

export const SUBMIT_CHORE = persistedOperations.SubmitChore;
export const APPROVE_CHORE = persistedOperations.ApproveChore;
export const REJECT_CHORE = persistedOperations.RejectChore;

export interface ChildHomeData {
  family: {
    id: string;
    currency: string;
    timezone: string;
    me: {
      id: string;
      displayName: string;
      balance: { spendMinor: number; saveMinor: number; giveMinor: number; goalsMinor: number; currency: string };
      progress: {
        level: number;
        xp: number;
        nextLevelXp: number;
        points: number;
        streak: { current: number; longest: number };
        badges: {
          badgeId: string;
          kind: string;
          step: string;
          title: string;
          description: string | null;
          earnedAt: string;
        }[];
      } | null;
    };
    goals: GoalData[];
    chores: {
      id: string;
      title: string;
      rewardMinor: number;
      currency: string;
      dueOn: string | null;
      status: 'TODO' | 'SUBMITTED' | 'APPROVED' | 'REJECTED';
      rejectionReason: string | null;
    }[];
    leaderboard: {
      hidden: boolean;
      entries: { rank: number; memberId: string; displayName: string; points: number }[];
    };
  };
}
