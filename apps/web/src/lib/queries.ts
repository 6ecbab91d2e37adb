// The GraphQL documents behind the two home screens (one request each).
export const PARENT_DASHBOARD = /* GraphQL */ `
  query WebParentDashboard($familyId: ID!) {
    me {
      unreadNotificationCount
      notifications(first: 5, unreadOnly: true) {
        items {
          id
          title
          body
          createdAt
        }
      }
    }
    family(id: $familyId) {
      id
      name
      currency
      timezone
      members {
        id
        displayName
        role
        balance {
          spendMinor
          saveMinor
          giveMinor
          goalsMinor
          currency
        }
        progress {
          level
          streak {
            current
          }
        }
      }
      budgets {
        id
        name
        amountMinor
        currency
        status {
          spentMinor
          remainingMinor
          percent
          periodEnd
        }
      }
      goals {
        id
        ownerMemberId
        name
        targetMinor
        savedMinor
        currency
        status
        projectedOn
      }
      chores(status: SUBMITTED) {
        id
        title
        assigneeMemberId
        rewardMinor
        currency
        submittedAt
      }
    }
  }
`;

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

export const CHILD_HOME = /* GraphQL */ `
  query WebChildHome($familyId: ID!) {
    family(id: $familyId) {
      id
      currency
      timezone
      me {
        id
        displayName
        balance {
          spendMinor
          saveMinor
          giveMinor
          goalsMinor
          currency
        }
        progress {
          level
          xp
          nextLevelXp
          points
          streak {
            current
            longest
          }
          badges {
            badgeId
            title
            description
            earnedAt
          }
        }
      }
      goals {
        id
        ownerMemberId
        name
        targetMinor
        savedMinor
        currency
        status
        projectedOn
      }
      chores {
        id
        title
        rewardMinor
        currency
        dueOn
        status
        rejectionReason
      }
      leaderboard(period: week) {
        hidden
        entries {
          rank
          memberId
          displayName
          points
        }
      }
    }
  }
`;

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
        badges: { badgeId: string; title: string; description: string | null; earnedAt: string }[];
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
