// Generated from bff/src/graphql/operations by packages/sdk/scripts/persisted.operations.ts: do not edit.
import type { PersistedOperation } from './persisted.operation.js';

export const persistedOperations = {
  ApproveChore: {
    id: 'sha256:9a3b5183e24bcd01f11957ed8ebc1731023e1e3216124b60ebc1cd0f8a469509',
    document:
      "# A parent approves a submitted chore: its reward is paid into the child's jars.\nmutation ApproveChore($familyId: ID!, $choreId: ID!) {\n  approveChore(familyId: $familyId, choreId: $choreId) {\n    chore {\n      id\n      status\n    }\n  }\n}\n",
  },
  ChildHome: {
    id: 'sha256:6d947d270c0a165cc495b0af374fa662a9450fd9a4d46a477f2e4850db031db3',
    document:
      "# A child's home screen in one request: their jars, progress with badges, recent ledger, goals with\n# projections, chores and the family leaderboard.\nquery ChildHome($familyId: ID!) {\n  me {\n    id\n    displayName\n    unreadNotificationCount\n  }\n  family(id: $familyId) {\n    id\n    currency\n    timezone\n    me {\n      id\n      displayName\n      balance {\n        spendMinor\n        saveMinor\n        giveMinor\n        goalsMinor\n        currency\n      }\n      progress {\n        level\n        xp\n        nextLevelXp\n        points\n        streak {\n          current\n          longest\n          atRisk\n        }\n        badges {\n          badgeId\n          kind\n          step\n          title\n          description\n          earnedAt\n        }\n      }\n      ledger(first: 10) {\n        items {\n          id\n          jar\n          amountMinor\n          memo\n          at\n        }\n      }\n    }\n    goals {\n      id\n      ownerMemberId\n      name\n      targetMinor\n      savedMinor\n      currency\n      status\n      projectedOn\n    }\n    chores {\n      id\n      title\n      rewardMinor\n      currency\n      dueOn\n      status\n      rejectionReason\n    }\n    leaderboard(period: week) {\n      hidden\n      entries {\n        rank\n        memberId\n        displayName\n        points\n      }\n    }\n  }\n}\n",
  },
  ParentDashboard: {
    id: 'sha256:91908aaaa84a74a8fb0eeb5a807b8480e194f54d466886241205b75444064869',
    document:
      "# A parent's home screen in one request: members with balances and progress, budgets with status,\n# goals with projections, chores waiting for approval, the unread count and the newest unread news.\nquery ParentDashboard($familyId: ID!) {\n  me {\n    id\n    displayName\n    unreadNotificationCount\n    notifications(first: 5, unreadOnly: true) {\n      items {\n        id\n        title\n        body\n        createdAt\n      }\n    }\n  }\n  family(id: $familyId) {\n    id\n    name\n    currency\n    timezone\n    members {\n      id\n      displayName\n      role\n      balance {\n        spendMinor\n        saveMinor\n        giveMinor\n        goalsMinor\n        currency\n      }\n      progress {\n        level\n        xp\n        nextLevelXp\n        streak {\n          current\n          atRisk\n        }\n      }\n    }\n    budgets {\n      id\n      name\n      amountMinor\n      currency\n      status {\n        spentMinor\n        remainingMinor\n        percent\n        periodEnd\n      }\n    }\n    goals {\n      id\n      ownerMemberId\n      name\n      targetMinor\n      savedMinor\n      currency\n      status\n      projectedOn\n    }\n    chores(status: SUBMITTED) {\n      id\n      title\n      assigneeMemberId\n      rewardMinor\n      currency\n      submittedAt\n    }\n  }\n}\n",
  },
  RejectChore: {
    id: 'sha256:e820b7ad12791034b32b9b310f7ff4a702439b1c47a87cceeff303b3fd9b09b8',
    document:
      '# A parent sends a submitted chore back, with the reason the child sees.\nmutation RejectChore($familyId: ID!, $choreId: ID!, $reason: String!) {\n  rejectChore(familyId: $familyId, choreId: $choreId, reason: $reason) {\n    id\n    status\n  }\n}\n',
  },
  SubmitChore: {
    id: 'sha256:f01945ff02382d60e7180294365e3d252e80b6789981ea4e5c9bab23ac9956b4',
    document:
      '# A child says a chore is done; a parent then approves or rejects it.\nmutation SubmitChore($familyId: ID!, $choreId: ID!) {\n  submitChore(familyId: $familyId, choreId: $choreId) {\n    id\n    status\n  }\n}\n',
  },
} as const satisfies Record<string, PersistedOperation>;
