// Every family-scoped route against the access rules, table-driven: no token → UNAUTHENTICATED, a bad
// family id → INVALID_ARGUMENT on familyId, a family the caller is not in → NOT_FOUND, a child on a
// parent-only action → PERMISSION_DENIED, a child on a sibling's jars → PERMISSION_DENIED and on a
// sibling's goal, chore or allowance → NOT_FOUND, another family's resource ids → NOT_FOUND, a service
// token with goals:read → ListChores only.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { Jar } from '@family/contracts/common/v1/common';
import {
  AllowanceFrequency,
  DayOfWeek,
  GoalContributionSource,
  GoalsServiceDefinition,
  LedgerEntryKind,
} from '@family/contracts/goals/v1/goals';
import { expectGrpcError } from '@family/testing';
import { anonymous, bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';

interface Ids {
  familyId: string;
  memberId: string;
  goalId: string;
  choreId: string;
  allowanceId: string;
}

interface Resources {
  goalId: string;
  choreId: string;
  allowanceId: string;
}

describe('GoalsService access rules on every route', () => {
  let h: GoalsHarness;
  let f: Household;
  let other: Household;
  let siblings: Resources;
  let foreign: Resources;

  async function resourcesOf(house: Household, memberId: string, ownerToken: string): Promise<Resources> {
    const goal = await h.client.createGoal(
      { familyId: house.familyId, name: 'Kite', targetMinor: 1000 },
      bearer(ownerToken),
    );
    const chore = await h.client.createChore(
      { familyId: house.familyId, title: 'Feed the cat', assigneeMemberId: memberId },
      bearer(house.parentToken),
    );
    const allowance = await h.client.createAllowance(
      {
        familyId: house.familyId,
        memberId,
        amountMinor: 100,
        frequency: AllowanceFrequency.ALLOWANCE_FREQUENCY_WEEKLY,
        dayOfWeek: DayOfWeek.DAY_OF_WEEK_FRIDAY,
      },
      bearer(house.parentToken),
    );
    return { goalId: goal.goal!.id, choreId: chore.chore!.id, allowanceId: allowance.allowance!.id };
  }

  before(async () => {
    h = await startGoalsHarness();
    f = await h.household();
    other = await h.household({ name: 'Joneses', kids: 1 });
    siblings = await resourcesOf(f, f.kids[1]!.memberId, f.kids[1]!.token);
    foreign = await resourcesOf(other, other.kids[0]!.memberId, other.kids[0]!.token);
  });
  after(() => h.stop());

  type Call = (ids: Ids, auth: ReturnType<typeof bearer>) => Promise<unknown>;
  const c = () => h.client;
  const routes: Record<string, Call> = {
    GetBalance: (i, a) => c().getBalance({ familyId: i.familyId, memberId: i.memberId }, a),
    BatchGetBalances: (i, a) => c().batchGetBalances({ familyId: i.familyId, memberIds: [i.memberId] }, a),
    ListLedgerEntries: (i, a) => c().listLedgerEntries({ familyId: i.familyId, memberId: i.memberId }, a),
    PostLedgerEntry: (i, a) =>
      c().postLedgerEntry(
        {
          familyId: i.familyId,
          memberId: i.memberId,
          kind: LedgerEntryKind.LEDGER_ENTRY_KIND_TRANSFER,
          jar: Jar.JAR_SPEND,
          toJar: Jar.JAR_SAVE,
          amountMinor: 1,
        },
        a,
      ),
    GetJarSettings: (i, a) => c().getJarSettings({ familyId: i.familyId, memberId: i.memberId }, a),
    UpdateJarSettings: (i, a) => c().updateJarSettings({ familyId: i.familyId, memberId: i.memberId }, a),
    ListGoals: (i, a) => c().listGoals({ familyId: i.familyId, ownerMemberId: i.memberId }, a),
    GetGoal: (i, a) => c().getGoal({ familyId: i.familyId, goalId: i.goalId }, a),
    CreateGoal: (i, a) =>
      c().createGoal({ familyId: i.familyId, ownerMemberId: i.memberId, name: 'x', targetMinor: 1 }, a),
    UpdateGoal: (i, a) => c().updateGoal({ familyId: i.familyId, goalId: i.goalId, name: 'y' }, a),
    DeleteGoal: (i, a) => c().deleteGoal({ familyId: i.familyId, goalId: i.goalId }, a),
    ContributeToGoal: (i, a) =>
      c().contributeToGoal(
        {
          familyId: i.familyId,
          goalId: i.goalId,
          source: GoalContributionSource.GOAL_CONTRIBUTION_SOURCE_SAVE_JAR,
          amountMinor: 1,
        },
        a,
      ),
    ListGoalContributions: (i, a) => c().listGoalContributions({ familyId: i.familyId, goalId: i.goalId }, a),
    WithdrawFromGoal: (i, a) => c().withdrawFromGoal({ familyId: i.familyId, goalId: i.goalId, amountMinor: 1 }, a),
    CancelGoal: (i, a) => c().cancelGoal({ familyId: i.familyId, goalId: i.goalId }, a),
    ListChores: (i, a) => c().listChores({ familyId: i.familyId, assigneeMemberId: i.memberId }, a),
    GetChore: (i, a) => c().getChore({ familyId: i.familyId, choreId: i.choreId }, a),
    CreateChore: (i, a) => c().createChore({ familyId: i.familyId, title: 'x', assigneeMemberId: i.memberId }, a),
    UpdateChore: (i, a) => c().updateChore({ familyId: i.familyId, choreId: i.choreId, title: 'y' }, a),
    DeleteChore: (i, a) => c().deleteChore({ familyId: i.familyId, choreId: i.choreId }, a),
    SubmitChore: (i, a) => c().submitChore({ familyId: i.familyId, choreId: i.choreId }, a),
    ApproveChore: (i, a) => c().approveChore({ familyId: i.familyId, choreId: i.choreId }, a),
    RejectChore: (i, a) => c().rejectChore({ familyId: i.familyId, choreId: i.choreId, reason: 'no' }, a),
    ListAllowances: (i, a) => c().listAllowances({ familyId: i.familyId, memberId: i.memberId }, a),
    GetAllowance: (i, a) => c().getAllowance({ familyId: i.familyId, allowanceId: i.allowanceId }, a),
    CreateAllowance: (i, a) =>
      c().createAllowance(
        {
          familyId: i.familyId,
          memberId: i.memberId,
          amountMinor: 1,
          frequency: AllowanceFrequency.ALLOWANCE_FREQUENCY_WEEKLY,
          dayOfWeek: DayOfWeek.DAY_OF_WEEK_MONDAY,
        },
        a,
      ),
    UpdateAllowance: (i, a) =>
      c().updateAllowance({ familyId: i.familyId, allowanceId: i.allowanceId, amountMinor: 5 }, a),
    DeleteAllowance: (i, a) => c().deleteAllowance({ familyId: i.familyId, allowanceId: i.allowanceId }, a),
  };

  const parentOnly = [
    'UpdateJarSettings',
    'CreateChore',
    'UpdateChore',
    'DeleteChore',
    'ApproveChore',
    'RejectChore',
    'CreateAllowance',
    'UpdateAllowance',
    'DeleteAllowance',
  ];
  /** Routes naming a member: a child naming a sibling is refused outright. */
  const memberScoped = [
    'GetBalance',
    'BatchGetBalances',
    'ListLedgerEntries',
    'PostLedgerEntry',
    'GetJarSettings',
    'ListGoals',
    'CreateGoal',
    'ListChores',
    'ListAllowances',
  ];
  /** Routes naming a goal, chore or allowance: a sibling's is as if it did not exist. */
  const resourceScoped = [
    'GetGoal',
    'UpdateGoal',
    'DeleteGoal',
    'ContributeToGoal',
    'ListGoalContributions',
    'WithdrawFromGoal',
    'CancelGoal',
    'GetChore',
    'SubmitChore',
    'GetAllowance',
  ];

  const own = (): Ids => ({ familyId: f.familyId, memberId: f.kids[1]!.memberId, ...siblings });

  it('covers every family-scoped method of the contract', () => {
    const methods = Object.values(GoalsServiceDefinition.methods)
      .map((m) => m.name)
      .filter((n) => n !== 'RunScheduler');
    expect(Object.keys(routes)).to.have.members(methods);
    expect([...parentOnly, ...memberScoped, ...resourceScoped].every((r) => r in routes)).to.equal(true);
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    for (const [name, call] of Object.entries(routes)) {
      const failure = await expectGrpcError(call(own(), anonymous() as never), Status.UNAUTHENTICATED);
      expect(failure.code, name).to.equal('TOKEN_MISSING');
    }
  });

  it('answers INVALID_ARGUMENT naming familyId for a malformed family id', async () => {
    for (const [name, call] of Object.entries(routes)) {
      const failure = await expectGrpcError(
        call({ ...own(), familyId: 'not-a-uuid' }, bearer(f.parentToken)),
        Status.INVALID_ARGUMENT,
      );
      expect(
        failure.violations.map((v) => v.field),
        name,
      ).to.deep.equal(['familyId']);
    }
  });

  it('answers NOT_FOUND for a family the caller is not in, never PERMISSION_DENIED', async () => {
    for (const call of Object.values(routes)) {
      await expectGrpcError(call(own(), bearer(other.parentToken)), Status.NOT_FOUND);
      await expectGrpcError(call(own(), bearer(other.kids[0]!.token)), Status.NOT_FOUND);
    }
  });

  it("answers NOT_FOUND for another family's goals, chores, allowances and members inside one's own family", async () => {
    const mixed: Ids = { familyId: f.familyId, memberId: other.kids[0]!.memberId, ...foreign };
    for (const [name, call] of Object.entries(routes)) {
      if (name === 'CreateChore' || name === 'CreateAllowance') continue; // an assignee is a field: 400
      await expectGrpcError(call(mixed, bearer(f.parentToken)), Status.NOT_FOUND);
    }
  });

  it('refuses a child every parent-only action with PERMISSION_DENIED', async () => {
    const kid = f.kids[0]!;
    const mine = await resourcesOf(f, kid.memberId, kid.token);
    for (const name of parentOnly) {
      await expectGrpcError(
        routes[name]!({ familyId: f.familyId, memberId: kid.memberId, ...mine }, bearer(kid.token)),
        Status.PERMISSION_DENIED,
      );
    }
  });

  it("refuses a child a sibling's jars and lists, and hides a sibling's goals, chores and allowances", async () => {
    const kid = f.kids[0]!;
    for (const name of memberScoped) {
      await expectGrpcError(routes[name]!(own(), bearer(kid.token)), Status.PERMISSION_DENIED);
    }
    for (const name of resourceScoped) {
      await expectGrpcError(routes[name]!(own(), bearer(kid.token)), Status.NOT_FOUND);
    }
  });

  it('admits a service token with goals:read to ListChores only, and refuses it every other route', async () => {
    const asDigest = bearer(await h.serviceToken('notification', ['goals:read']));
    for (const [name, call] of Object.entries(routes)) {
      if (name === 'ListChores') await call(own(), asDigest);
      else await expectGrpcError(call(own(), asDigest), Status.PERMISSION_DENIED, 'USER_TOKEN_REQUIRED');
    }
  });

  it('names malformed resource ids as the field they came in', async () => {
    const bad: Ids = { familyId: f.familyId, memberId: 'm', goalId: 'g', choreId: 'c', allowanceId: 'a' };
    const expected: Record<string, string> = {
      GetBalance: 'memberId',
      BatchGetBalances: 'memberIds.0',
      GetGoal: 'goalId',
      CancelGoal: 'goalId',
      ListGoals: 'ownerMemberId',
      CreateGoal: 'ownerMemberId',
      GetChore: 'choreId',
      ApproveChore: 'choreId',
      ListChores: 'assigneeMemberId',
      CreateChore: 'assigneeMemberId',
      GetAllowance: 'allowanceId',
      DeleteAllowance: 'allowanceId',
      CreateAllowance: 'memberId',
    };
    for (const [name, field] of Object.entries(expected)) {
      const failure = await expectGrpcError(routes[name]!(bad, bearer(f.parentToken)), Status.INVALID_ARGUMENT);
      expect(
        failure.violations.map((v) => v.field),
        name,
      ).to.deep.equal([field]);
    }
  });
});
