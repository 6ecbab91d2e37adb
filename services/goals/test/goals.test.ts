import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { Jar } from '@family/contracts/common/v1/common';
import { GoalContributionSource, GoalStatus, LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { expectGrpcError, waitFor } from '@family/testing';
import { bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';
import { startSubscriber, type RecordingSubscriber } from './subscriber.stub.js';

const SAVE_JAR = GoalContributionSource.GOAL_CONTRIBUTION_SOURCE_SAVE_JAR;
const GIFT = GoalContributionSource.GOAL_CONTRIBUTION_SOURCE_PARENT_GIFT;

function todayIn(timeZone: string, plusDays = 0) {
  const d = new Date(Date.now() + plusDays * 86_400_000);
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone }).format(d).split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}

describe('GoalsService savings goals', () => {
  let h: GoalsHarness;
  let notification: RecordingSubscriber;
  let expense: RecordingSubscriber;
  let f: Household;
  let other: Household;

  before(async () => {
    notification = await startSubscriber('notification');
    expense = await startSubscriber('expense');
    h = await startGoalsHarness({
      EVENT_SUBSCRIBERS: `notification=${notification.address},expense=${expense.address}[jar.spent]`,
    });
    f = await h.household();
    other = await h.household({ name: 'Joneses' });
  });
  after(async () => {
    await h.stop();
    await notification.stop();
    await expense.stop();
  });

  const kid = () => f.kids[0]!;
  const sibling = () => f.kids[1]!;
  const eventsOf = (goalId: string, type: string) =>
    [...notification.processed.values()].filter(
      (e) =>
        e.type === type &&
        e.payload &&
        'value' in e.payload &&
        (e.payload.value as { goalId?: string }).goalId === goalId,
    );

  async function matchedGoal(target = 2000, percent = 50, monthlyCapMinor = 300) {
    const { goal } = await h.client.createGoal(
      {
        familyId: f.familyId,
        ownerMemberId: kid().memberId,
        name: 'Bike',
        targetMinor: target,
        matching: { percent, monthlyCapMinor },
      },
      bearer(f.parentToken),
    );
    return goal!;
  }

  it('lets a child create their own goal and see it with its progress', async () => {
    const { goal } = await h.client.createGoal(
      { familyId: f.familyId, name: ' Lego ', targetMinor: 5000, deadline: todayIn('Europe/Berlin', 60), icon: '🧱' },
      bearer(kid().token),
    );
    expect(goal).to.deep.include({
      ownerMemberId: kid().memberId,
      name: 'Lego',
      targetMinor: 5000,
      savedMinor: 0,
      currency: 'EUR',
      status: GoalStatus.GOAL_STATUS_ACTIVE,
      version: 1,
      matching: undefined,
      projectedOn: undefined,
    });
    const got = await h.client.getGoal({ familyId: f.familyId, goalId: goal!.id }, bearer(kid().token));
    expect(got.goal?.name).to.equal('Lego');
  });

  it('matches SAVE-jar contributions by the parents’ rule, up to the monthly cap, rounding down', async () => {
    await h.deposit(f, kid().memberId, Jar.JAR_SAVE, 2000);
    const goal = await matchedGoal();
    const contribute = (amountMinor: number) =>
      h.client.contributeToGoal(
        { familyId: f.familyId, goalId: goal.id, source: SAVE_JAR, amountMinor },
        bearer(kid().token),
      );
    const first = await contribute(201);
    expect(first.contribution).to.include({ amountMinor: 201, matchedMinor: 100, contributorMemberId: kid().memberId });
    expect(first.goal?.savedMinor).to.equal(301);
    expect(first.balance?.saveMinor).to.equal(1799);
    const second = await contribute(500);
    expect(second.contribution?.matchedMinor).to.equal(200); // 250 asked, 200 left of the 300 cap
    const third = await contribute(100);
    expect(third.contribution?.matchedMinor).to.equal(0);
    expect(third.goal?.savedMinor).to.equal(1101);
    expect(third.balance).to.include({ saveMinor: 1199 });
    expect(third.goal?.projectedOn).to.not.equal(undefined);

    const list = await h.client.listGoalContributions({ familyId: f.familyId, goalId: goal.id }, bearer(kid().token));
    expect(list.contributions.map((c) => [c.amountMinor, c.matchedMinor])).to.deep.equal([
      [100, 0],
      [500, 200],
      [201, 100],
    ]);
    const ledger = await h.client.listLedgerEntries(
      { familyId: f.familyId, memberId: kid().memberId, kind: LedgerEntryKind.LEDGER_ENTRY_KIND_GOAL_CONTRIBUTION },
      bearer(kid().token),
    );
    expect(ledger.entries.map((e) => [e.amountMinor, e.goalId])).to.deep.equal([
      [-100, goal.id],
      [-500, goal.id],
      [-201, goal.id],
    ]);
    const contributed = await waitFor(
      () => eventsOf(goal.id, 'goal.contributed').length === 3 && eventsOf(goal.id, 'goal.contributed'),
    );
    const payload = contributed[0]!.payload;
    expect(payload?.$case === 'goalContributed' && payload.value).to.deep.include({
      ownerMemberId: kid().memberId,
      amount: { amountMinor: 201, currency: 'EUR' },
      matched: { amountMinor: 100, currency: 'EUR' },
      savedMinor: 301,
      targetMinor: 2000,
      goalName: 'Bike',
    });
  });

  it('reaches a goal once: goal.achieved is emitted a single time and the goal takes no more money', async () => {
    await h.deposit(f, kid().memberId, Jar.JAR_SAVE, 1000);
    const goal = await matchedGoal(1000, 100, 0);
    const failure = await expectGrpcError(
      h.client.contributeToGoal(
        { familyId: f.familyId, goalId: goal.id, source: SAVE_JAR, amountMinor: 1001 },
        bearer(kid().token),
      ),
      Status.FAILED_PRECONDITION,
      'EXCEEDS_TARGET',
    );
    expect(failure.metadata.remainingMinor).to.equal('1000');
    // 100% match of 600 would overshoot: the match stops at the target.
    const r = await h.client.contributeToGoal(
      { familyId: f.familyId, goalId: goal.id, source: SAVE_JAR, amountMinor: 600 },
      bearer(kid().token),
    );
    expect(r.contribution?.matchedMinor).to.equal(400);
    expect(r.goal).to.include({ savedMinor: 1000, status: GoalStatus.GOAL_STATUS_ACHIEVED });
    expect(r.goal?.achievedAt).to.be.instanceOf(Date);
    await expectGrpcError(
      h.client.contributeToGoal(
        { familyId: f.familyId, goalId: goal.id, source: GIFT, amountMinor: 1 },
        bearer(f.parentToken),
      ),
      Status.FAILED_PRECONDITION,
      'GOAL_NOT_ACTIVE',
    );
    await waitFor(() => eventsOf(goal.id, 'goal.achieved').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eventsOf(goal.id, 'goal.achieved')).to.have.length(1);
    const achieved = eventsOf(goal.id, 'goal.achieved')[0]!.payload;
    expect(achieved?.$case === 'goalAchieved' && achieved.value).to.deep.equal({
      goalId: goal.id,
      ownerMemberId: kid().memberId,
      goalName: 'Bike',
      target: { amountMinor: 1000, currency: 'EUR' },
    });
    expect([...expense.processed.values()].filter((e) => e.type.startsWith('goal.'))).to.have.length(0);
  });

  it('takes parent gifts unmatched and without touching the jars; children cannot give gifts', async () => {
    const goal = await matchedGoal(1000, 50, 0);
    const before = (await h.client.getBalance({ familyId: f.familyId, memberId: kid().memberId }, bearer(kid().token)))
      .balance!;
    const r = await h.client.contributeToGoal(
      { familyId: f.familyId, goalId: goal.id, source: GIFT, amountMinor: 300, memo: 'From grandma' },
      bearer(f.parentToken),
    );
    expect(r.contribution).to.include({ matchedMinor: 0, source: GIFT, contributorMemberId: f.parentMemberId });
    expect(r.balance?.saveMinor).to.equal(before.saveMinor);
    expect(r.balance?.goalsMinor).to.equal(before.goalsMinor + 300);
    await expectGrpcError(
      h.client.contributeToGoal(
        { familyId: f.familyId, goalId: goal.id, source: GIFT, amountMinor: 1 },
        bearer(kid().token),
      ),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
  });

  it('refuses a contribution larger than the SAVE jar', async () => {
    const goal = await matchedGoal(1_000_000, 10, 0);
    const balance = (await h.client.getBalance({ familyId: f.familyId, memberId: kid().memberId }, bearer(kid().token)))
      .balance!;
    const failure = await expectGrpcError(
      h.client.contributeToGoal(
        { familyId: f.familyId, goalId: goal.id, source: SAVE_JAR, amountMinor: balance.saveMinor + 1 },
        bearer(kid().token),
      ),
      Status.FAILED_PRECONDITION,
      'INSUFFICIENT_FUNDS',
    );
    expect(failure.metadata).to.include({ jar: 'SAVE', balanceMinor: String(balance.saveMinor) });
    const goalAfter = await h.client.getGoal({ familyId: f.familyId, goalId: goal.id }, bearer(kid().token));
    expect(goalAfter.goal?.savedMinor).to.equal(0);
  });

  it('withdraws from, cancels and deletes goals, always returning the money to the SAVE jar', async () => {
    const fam = await h.household({ kids: 1 });
    const child = fam.kids[0]!;
    await h.deposit(fam, child.memberId, Jar.JAR_SAVE, 1000);
    const make = async () =>
      (await h.client.createGoal({ familyId: fam.familyId, name: 'Game', targetMinor: 5000 }, bearer(child.token)))
        .goal!;
    const a = await make();
    await h.client.contributeToGoal(
      { familyId: fam.familyId, goalId: a.id, source: SAVE_JAR, amountMinor: 600 },
      bearer(child.token),
    );
    const withdrawn = await h.client.withdrawFromGoal(
      { familyId: fam.familyId, goalId: a.id, amountMinor: 200 },
      bearer(child.token),
    );
    expect(withdrawn.goal?.savedMinor).to.equal(400);
    expect(withdrawn.balance).to.include({ saveMinor: 600, goalsMinor: 400 });
    await expectGrpcError(
      h.client.withdrawFromGoal({ familyId: fam.familyId, goalId: a.id, amountMinor: 401 }, bearer(child.token)),
      Status.FAILED_PRECONDITION,
      'INSUFFICIENT_FUNDS',
    );
    await expectGrpcError(
      h.client.cancelGoal({ familyId: fam.familyId, goalId: a.id, expectedVersion: 7 }, bearer(child.token)),
      Status.FAILED_PRECONDITION,
      'VERSION_MISMATCH',
    );
    const cancelled = await h.client.cancelGoal(
      { familyId: fam.familyId, goalId: a.id, expectedVersion: 1 },
      bearer(child.token),
    );
    expect(cancelled.goal).to.include({ status: GoalStatus.GOAL_STATUS_CANCELLED, savedMinor: 0, version: 2 });
    expect(cancelled.balance).to.include({ saveMinor: 1000, goalsMinor: 0 });
    await expectGrpcError(
      h.client.cancelGoal({ familyId: fam.familyId, goalId: a.id }, bearer(child.token)),
      Status.FAILED_PRECONDITION,
      'GOAL_NOT_ACTIVE',
    );

    const b = await make();
    await h.client.contributeToGoal(
      { familyId: fam.familyId, goalId: b.id, source: SAVE_JAR, amountMinor: 250 },
      bearer(child.token),
    );
    const deleted = await h.client.deleteGoal({ familyId: fam.familyId, goalId: b.id }, bearer(fam.parentToken));
    expect(deleted.balance).to.include({ saveMinor: 1000, goalsMinor: 0 });
    await expectGrpcError(
      h.client.getGoal({ familyId: fam.familyId, goalId: b.id }, bearer(child.token)),
      Status.NOT_FOUND,
    );
    const refunds = await h.client.listLedgerEntries(
      { familyId: fam.familyId, memberId: child.memberId, kind: LedgerEntryKind.LEDGER_ENTRY_KIND_GOAL_REFUND },
      bearer(child.token),
    );
    expect(refunds.entries.map((e) => e.amountMinor)).to.deep.equal([250, 400, 200]);
  });

  it('lets parents edit matching and anyone allowed edit the rest, with If-Match versions', async () => {
    const goal = await matchedGoal(1000);
    const edited = await h.client.updateGoal(
      { familyId: f.familyId, goalId: goal.id, expectedVersion: 1, name: 'Red bike', clearMatching: true },
      bearer(f.parentToken),
    );
    expect(edited.goal).to.deep.include({ name: 'Red bike', matching: undefined, version: 2 });
    await expectGrpcError(
      h.client.updateGoal(
        { familyId: f.familyId, goalId: goal.id, expectedVersion: 1, name: 'x' },
        bearer(kid().token),
      ),
      Status.FAILED_PRECONDITION,
      'VERSION_MISMATCH',
    );
    await expectGrpcError(
      h.client.updateGoal(
        { familyId: f.familyId, goalId: goal.id, matching: { percent: 100, monthlyCapMinor: 0 } },
        bearer(kid().token),
      ),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    await h.client.contributeToGoal(
      { familyId: f.familyId, goalId: goal.id, source: GIFT, amountMinor: 400 },
      bearer(f.parentToken),
    );
    const lowered = await h.client.updateGoal(
      { familyId: f.familyId, goalId: goal.id, targetMinor: 400, clearDeadline: true },
      bearer(kid().token),
    );
    expect(lowered.goal?.status).to.equal(GoalStatus.GOAL_STATUS_ACHIEVED);
    await waitFor(() => eventsOf(goal.id, 'goal.achieved').length === 1);
  });

  it('projects the completion day at the pace of the last 30 days', async () => {
    const fam = await h.household({ kids: 1, timezone: 'America/New_York' });
    const child = fam.kids[0]!;
    const { goal } = await h.client.createGoal(
      { familyId: fam.familyId, name: 'Drone', targetMinor: 1000 },
      bearer(child.token),
    );
    const r = await h.client.contributeToGoal(
      { familyId: fam.familyId, goalId: goal!.id, source: GIFT, amountMinor: 300 },
      bearer(fam.parentToken),
    );
    // 300 in 30 days = 10/day; 700 missing → 70 days from today in the family's zone.
    expect(r.goal?.projectedOn).to.deep.equal(todayIn('America/New_York', 70));
  });

  it("hides a sibling's goals from a child and other families' goals from everyone", async () => {
    const { goal } = await h.client.createGoal(
      { familyId: f.familyId, name: 'Doll', targetMinor: 100 },
      bearer(sibling().token),
    );
    await expectGrpcError(
      h.client.getGoal({ familyId: f.familyId, goalId: goal!.id }, bearer(kid().token)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.contributeToGoal(
        { familyId: f.familyId, goalId: goal!.id, source: SAVE_JAR, amountMinor: 1 },
        bearer(kid().token),
      ),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.withdrawFromGoal({ familyId: f.familyId, goalId: goal!.id, amountMinor: 1 }, bearer(kid().token)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.deleteGoal({ familyId: f.familyId, goalId: goal!.id }, bearer(kid().token)),
      Status.NOT_FOUND,
    );
    const mine = await h.client.listGoals({ familyId: f.familyId }, bearer(kid().token));
    expect(mine.goals.every((g) => g.ownerMemberId === kid().memberId)).to.equal(true);
    await expectGrpcError(
      h.client.listGoals({ familyId: f.familyId, ownerMemberId: sibling().memberId }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.createGoal(
        { familyId: f.familyId, ownerMemberId: sibling().memberId, name: 'x', targetMinor: 1 },
        bearer(kid().token),
      ),
      Status.PERMISSION_DENIED,
    );
    const all = await h.client.listGoals({ familyId: f.familyId }, bearer(f.parentToken));
    expect(all.goals.some((g) => g.id === goal!.id)).to.equal(true);
    const achieved = await h.client.listGoals(
      { familyId: f.familyId, status: GoalStatus.GOAL_STATUS_ACHIEVED },
      bearer(f.parentToken),
    );
    expect(achieved.goals.every((g) => g.status === GoalStatus.GOAL_STATUS_ACHIEVED)).to.equal(true);
    await expectGrpcError(
      h.client.getGoal({ familyId: f.familyId, goalId: goal!.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.getGoal({ familyId: other.familyId, goalId: goal!.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.createGoal(
        { familyId: f.familyId, ownerMemberId: other.kids[0]!.memberId, name: 'x', targetMinor: 1 },
        bearer(f.parentToken),
      ),
      Status.NOT_FOUND,
    );
  });

  it('pages through goals in creation order with the shared cursor', async () => {
    const fam = await h.household({ kids: 1 });
    const child = fam.kids[0]!;
    for (const name of ['A', 'B', 'C']) {
      await h.client.createGoal({ familyId: fam.familyId, name, targetMinor: 100 }, bearer(child.token));
    }
    const first = await h.client.listGoals(
      { familyId: fam.familyId, page: { limit: 2, cursor: '' } },
      bearer(child.token),
    );
    expect(first.goals.map((g) => g.name)).to.deep.equal(['A', 'B']);
    const second = await h.client.listGoals(
      { familyId: fam.familyId, page: { limit: 2, cursor: first.page!.nextCursor } },
      bearer(fam.parentToken),
    );
    expect(second.goals.map((g) => g.name)).to.deep.equal(['C']);
    expect(second.page?.nextCursor).to.equal('');
  });

  it('names every invalid goal field', async () => {
    const create = await expectGrpcError(
      h.client.createGoal(
        {
          familyId: f.familyId,
          name: '',
          description: 'd'.repeat(501),
          targetMinor: -5,
          deadline: { year: 2001, month: 1, day: 1 },
          matching: { percent: 0, monthlyCapMinor: -1 },
          icon: 'i'.repeat(51),
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(create.violations.map((v) => v.field)).to.deep.equal([
      'name',
      'description',
      'targetMinor',
      'deadline',
      'matching.percent',
      'matching.monthlyCapMinor',
      'icon',
    ]);
    const goal = await matchedGoal();
    const source = await expectGrpcError(
      h.client.contributeToGoal({ familyId: f.familyId, goalId: goal.id, amountMinor: 1 }, bearer(kid().token)),
      Status.INVALID_ARGUMENT,
    );
    expect(source.violations.map((v) => v.field)).to.deep.equal(['source']);
    const amount = await expectGrpcError(
      h.client.contributeToGoal(
        { familyId: f.familyId, goalId: goal.id, source: SAVE_JAR, amountMinor: 0 },
        bearer(kid().token),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(amount.violations.map((v) => v.field)).to.deep.equal(['amountMinor']);
    const id = await expectGrpcError(
      h.client.getGoal({ familyId: f.familyId, goalId: '42' }, bearer(kid().token)),
      Status.INVALID_ARGUMENT,
    );
    expect(id.violations.map((v) => v.field)).to.deep.equal(['goalId']);
    const date = await expectGrpcError(
      h.client.createGoal(
        { familyId: f.familyId, name: 'x', targetMinor: 1, deadline: { year: 2030, month: 2, day: 31 } },
        bearer(kid().token),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(date.violations.map((v) => v.field)).to.deep.equal(['deadline']);
  });
});
