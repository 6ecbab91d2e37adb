import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { Jar } from '@family/contracts/common/v1/common';
import { ChoreFrequency, ChoreStatus, DayOfWeek, LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { expectGrpcError, waitFor } from '@family/testing';
import { bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';
import { startSubscriber, type RecordingSubscriber } from './subscriber.stub.js';

const S = ChoreStatus;

describe('GoalsService chores and approval', () => {
  let h: GoalsHarness;
  let notification: RecordingSubscriber;
  let f: Household;
  let other: Household;

  before(async () => {
    notification = await startSubscriber('notification');
    h = await startGoalsHarness({ EVENT_SUBSCRIBERS: `notification=${notification.address}` });
    f = await h.household();
    other = await h.household({ name: 'Joneses' });
  });
  after(async () => {
    await h.stop();
    await notification.stop();
  });
  afterEach(() => h.setNow(undefined));

  const kid = () => f.kids[0]!;
  const sibling = () => f.kids[1]!;
  const eventsOf = (choreId: string, type: string) =>
    [...notification.processed.values()].filter(
      (e) => e.type === type && e.payload && (e.payload.value as { choreId?: string }).choreId === choreId,
    );

  async function chore(input: { rewardMinor?: number; points?: number; assignee?: string } = {}) {
    const { chore } = await h.client.createChore(
      {
        familyId: f.familyId,
        title: 'Walk the dog',
        description: 'Around the park',
        assigneeMemberId: input.assignee ?? kid().memberId,
        rewardMinor: input.rewardMinor ?? 333,
        points: input.points ?? 10,
      },
      bearer(f.parentToken),
    );
    return chore!;
  }

  it('runs TODO → SUBMITTED → APPROVED and pays the reward into the jars by the child’s split', async () => {
    await h.client.updateJarSettings(
      { familyId: f.familyId, memberId: kid().memberId, defaultSplit: { spend: 50, save: 40, give: 10 } },
      bearer(f.parentToken),
    );
    const c = await chore();
    expect(c).to.include({ status: S.CHORE_STATUS_TODO, rewardMinor: 333, points: 10, currency: 'EUR', version: 1 });
    const submitted = await h.client.submitChore(
      { familyId: f.familyId, choreId: c.id, note: 'Done, he was happy' },
      bearer(kid().token),
    );
    expect(submitted.chore).to.include({ status: S.CHORE_STATUS_SUBMITTED, note: 'Done, he was happy' });
    const approved = await h.client.approveChore({ familyId: f.familyId, choreId: c.id }, bearer(f.parentToken));
    expect(approved.chore).to.include({ status: S.CHORE_STATUS_APPROVED, reviewedByMemberId: f.parentMemberId });
    // floor(333 × 50%) = 166, floor(333 × 40%) = 133, floor(333 × 10%) = 33, remainder 1 → GIVE.
    expect(approved.entries.map((e) => [e.jar, e.amountMinor, e.kind, e.choreId])).to.deep.equal([
      [Jar.JAR_SPEND, 166, LedgerEntryKind.LEDGER_ENTRY_KIND_CHORE_REWARD, c.id],
      [Jar.JAR_SAVE, 133, LedgerEntryKind.LEDGER_ENTRY_KIND_CHORE_REWARD, c.id],
      [Jar.JAR_GIVE, 34, LedgerEntryKind.LEDGER_ENTRY_KIND_CHORE_REWARD, c.id],
    ]);
    await expectGrpcError(
      h.client.approveChore({ familyId: f.familyId, choreId: c.id }, bearer(f.parentToken)),
      Status.FAILED_PRECONDITION,
      'CHORE_NOT_SUBMITTED',
    );
    const [event] = await waitFor(
      () => eventsOf(c.id, 'chore.approved').length > 0 && eventsOf(c.id, 'chore.approved'),
    );
    expect(event!.payload?.$case === 'choreApproved' && event!.payload.value).to.deep.equal({
      choreId: c.id,
      assigneeMemberId: kid().memberId,
      title: 'Walk the dog',
      reward: { amountMinor: 333, currency: 'EUR' },
      points: 10,
      approvedByMemberId: f.parentMemberId,
    });
    await waitFor(() => eventsOf(c.id, 'chore.submitted').length === 1);
  });

  it('sends a rejected chore back to the child with the reason, who may submit again', async () => {
    const c = await chore({ rewardMinor: 0, points: 5 });
    await h.client.submitChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token));
    const noReason = await expectGrpcError(
      h.client.rejectChore({ familyId: f.familyId, choreId: c.id, reason: ' ' }, bearer(f.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(noReason.violations.map((v) => v.field)).to.deep.equal(['reason']);
    const rejected = await h.client.rejectChore(
      { familyId: f.familyId, choreId: c.id, reason: 'The dog is still at home' },
      bearer(f.parentToken),
    );
    expect(rejected.chore).to.include({ status: S.CHORE_STATUS_REJECTED, rejectionReason: 'The dog is still at home' });
    await waitFor(() => eventsOf(c.id, 'chore.rejected').length === 1);
    const again = await h.client.submitChore(
      { familyId: f.familyId, choreId: c.id, note: 'Really' },
      bearer(kid().token),
    );
    expect(again.chore?.status).to.equal(S.CHORE_STATUS_SUBMITTED);
    await expectGrpcError(
      h.client.submitChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token)),
      Status.FAILED_PRECONDITION,
      'CHORE_NOT_OPEN',
    );
    const approved = await h.client.approveChore({ familyId: f.familyId, choreId: c.id }, bearer(f.parentToken));
    expect(approved.entries).to.deep.equal([]);
    const [event] = await waitFor(
      () => eventsOf(c.id, 'chore.approved').length > 0 && eventsOf(c.id, 'chore.approved'),
    );
    expect(event!.payload?.$case === 'choreApproved' && event!.payload.value.points).to.equal(5);
  });

  it('never lets a child approve or reject a chore, their own included, nor create one', async () => {
    const c = await chore();
    await h.client.submitChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token));
    await expectGrpcError(
      h.client.approveChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    await expectGrpcError(
      h.client.rejectChore({ familyId: f.familyId, choreId: c.id, reason: 'no' }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.createChore({ familyId: f.familyId, title: 'x', assigneeMemberId: kid().memberId }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.updateChore({ familyId: f.familyId, choreId: c.id, title: 'x' }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.deleteChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
    );
    const still = await h.client.getChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token));
    expect(still.chore?.status).to.equal(S.CHORE_STATUS_SUBMITTED);
  });

  it("hides a sibling's chores from a child, and only the assignee submits", async () => {
    const c = await chore({ assignee: sibling().memberId });
    await expectGrpcError(
      h.client.getChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.submitChore({ familyId: f.familyId, choreId: c.id }, bearer(kid().token)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.submitChore({ familyId: f.familyId, choreId: c.id }, bearer(f.parentToken)),
      Status.PERMISSION_DENIED,
      'ASSIGNEE_ONLY',
    );
    const mine = await h.client.listChores({ familyId: f.familyId }, bearer(kid().token));
    expect(mine.chores.length).to.be.greaterThan(0);
    expect(mine.chores.every((x) => x.assigneeMemberId === kid().memberId)).to.equal(true);
    await expectGrpcError(
      h.client.listChores({ familyId: f.familyId, assigneeMemberId: sibling().memberId }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
    );
    const theirs = await h.client.listChores(
      { familyId: f.familyId, assigneeMemberId: sibling().memberId, status: S.CHORE_STATUS_TODO },
      bearer(f.parentToken),
    );
    expect(theirs.chores.map((x) => x.id)).to.include(c.id);
  });

  it("answers NOT_FOUND for another family's chores", async () => {
    const c = await chore();
    await expectGrpcError(
      h.client.getChore({ familyId: f.familyId, choreId: c.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.getChore({ familyId: other.familyId, choreId: c.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.approveChore({ familyId: other.familyId, choreId: c.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
  });

  it('lets a service with goals:read list the chores waiting for approval in a family it is not in', async () => {
    const waiting = await chore();
    await h.client.submitChore({ familyId: f.familyId, choreId: waiting.id, note: 'Done' }, bearer(kid().token));
    const open = await chore({ assignee: sibling().memberId });
    const elsewhere = await h.client.createChore(
      { familyId: other.familyId, title: 'Dishes', assigneeMemberId: other.kids[0]!.memberId },
      bearer(other.parentToken),
    );
    await h.client.submitChore(
      { familyId: other.familyId, choreId: elsewhere.chore!.id },
      bearer(other.kids[0]!.token),
    );
    const asDigest = bearer(await h.serviceToken('notification', ['goals:read']));

    const submitted = await h.client.listChores(
      { familyId: f.familyId, status: S.CHORE_STATUS_SUBMITTED, page: { limit: 100 } },
      asDigest,
    );
    const ids = submitted.chores.map((x) => x.id);
    expect(ids).to.include(waiting.id);
    expect(ids).not.to.include(open.id);
    expect(ids).not.to.include(elsewhere.chore!.id);
    expect(submitted.chores.every((x) => x.status === S.CHORE_STATUS_SUBMITTED)).to.equal(true);
    expect(submitted.chores.find((x) => x.id === waiting.id)).to.include({
      assigneeMemberId: kid().memberId,
      note: 'Done',
    });
    const siblings = await h.client.listChores(
      { familyId: f.familyId, assigneeMemberId: sibling().memberId },
      asDigest,
    );
    expect(siblings.chores.map((x) => x.id)).to.include(open.id);
    expect(siblings.chores.every((x) => x.assigneeMemberId === sibling().memberId)).to.equal(true);
    await expectGrpcError(
      h.client.listChores({ familyId: '00000000-0000-4000-8000-000000000000' }, asDigest),
      Status.NOT_FOUND,
    );
  });

  it('refuses a service token without goals:read, and never lets a reader write or review a chore', async () => {
    const c = await chore();
    const asGoals = bearer(await h.serviceToken('goals', ['events:write']));
    await expectGrpcError(
      h.client.listChores({ familyId: f.familyId }, asGoals),
      Status.PERMISSION_DENIED,
      'SCOPE_REQUIRED',
    );
    const asDigest = bearer(await h.serviceToken('notification', ['goals:read']));
    await expectGrpcError(
      h.client.createChore({ familyId: f.familyId, title: 'x', assigneeMemberId: kid().memberId }, asDigest),
      Status.PERMISSION_DENIED,
      'USER_TOKEN_REQUIRED',
    );
    await expectGrpcError(
      h.client.approveChore({ familyId: f.familyId, choreId: c.id }, asDigest),
      Status.PERMISSION_DENIED,
      'USER_TOKEN_REQUIRED',
    );
    const after = await h.client.getChore({ familyId: f.familyId, choreId: c.id }, bearer(f.parentToken));
    expect(after.chore).to.include({ status: S.CHORE_STATUS_TODO, version: 1 });
  });

  it('names every invalid chore field', async () => {
    const failure = await expectGrpcError(
      h.client.createChore(
        {
          familyId: f.familyId,
          title: '',
          description: 'd'.repeat(1001),
          assigneeMemberId: kid().memberId,
          rewardMinor: -1,
          points: 10_001,
          dueOn: { year: 2001, month: 1, day: 1 },
          recurrence: { frequency: ChoreFrequency.CHORE_FREQUENCY_WEEKLY, daysOfWeek: [] },
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal([
      'title',
      'description',
      'rewardMinor',
      'points',
      'dueOn',
      'recurrence.daysOfWeek',
    ]);
    const parentAssignee = await expectGrpcError(
      h.client.createChore(
        { familyId: f.familyId, title: 'x', assigneeMemberId: f.parentMemberId },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(parentAssignee.violations.map((v) => v.field)).to.deep.equal(['assigneeMemberId']);
    const foreign = await expectGrpcError(
      h.client.createChore(
        { familyId: f.familyId, title: 'x', assigneeMemberId: other.kids[0]!.memberId },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(foreign.violations.map((v) => v.field)).to.deep.equal(['assigneeMemberId']);
    const frequency = await expectGrpcError(
      h.client.createChore(
        {
          familyId: f.familyId,
          title: 'x',
          assigneeMemberId: kid().memberId,
          recurrence: { frequency: ChoreFrequency.CHORE_FREQUENCY_UNSPECIFIED, daysOfWeek: [] },
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(frequency.violations.map((v) => v.field)).to.deep.equal(['recurrence.frequency']);
    const id = await expectGrpcError(
      h.client.getChore({ familyId: f.familyId, choreId: 'x' }, bearer(kid().token)),
      Status.INVALID_ARGUMENT,
    );
    expect(id.violations.map((v) => v.field)).to.deep.equal(['choreId']);
  });

  it('edits and deletes chores with If-Match versions, and filters by due day', async () => {
    h.setNow('2031-03-03T10:00:00Z'); // a Monday
    const { chore: c } = await h.client.createChore(
      {
        familyId: f.familyId,
        title: 'Dishes',
        assigneeMemberId: kid().memberId,
        dueOn: { year: 2031, month: 3, day: 4 },
        recurrence: {
          frequency: ChoreFrequency.CHORE_FREQUENCY_WEEKLY,
          daysOfWeek: [DayOfWeek.DAY_OF_WEEK_THURSDAY, DayOfWeek.DAY_OF_WEEK_MONDAY],
        },
      },
      bearer(f.parentToken),
    );
    // A weekly chore's day moves to the first chosen weekday on or after the one asked for.
    expect(c?.dueOn).to.deep.equal({ year: 2031, month: 3, day: 6 });
    expect(c?.recurrence?.daysOfWeek).to.deep.equal([DayOfWeek.DAY_OF_WEEK_MONDAY, DayOfWeek.DAY_OF_WEEK_THURSDAY]);
    await expectGrpcError(
      h.client.updateChore(
        { familyId: f.familyId, choreId: c!.id, expectedVersion: 5, title: 'x' },
        bearer(f.parentToken),
      ),
      Status.FAILED_PRECONDITION,
      'VERSION_MISMATCH',
    );
    const updated = await h.client.updateChore(
      {
        familyId: f.familyId,
        choreId: c!.id,
        expectedVersion: 1,
        title: 'Dishes and pots',
        clearRecurrence: true,
        rewardMinor: 50,
      },
      bearer(f.parentToken),
    );
    expect(updated.chore).to.deep.include({
      title: 'Dishes and pots',
      recurrence: undefined,
      rewardMinor: 50,
      version: 2,
    });
    const inRange = await h.client.listChores(
      { familyId: f.familyId, dueFrom: { year: 2031, month: 3, day: 6 }, dueTo: { year: 2031, month: 3, day: 6 } },
      bearer(f.parentToken),
    );
    expect(inRange.chores.map((x) => x.id)).to.deep.equal([c!.id]);
    await h.client.deleteChore({ familyId: f.familyId, choreId: c!.id, expectedVersion: 2 }, bearer(f.parentToken));
    await expectGrpcError(
      h.client.getChore({ familyId: f.familyId, choreId: c!.id }, bearer(f.parentToken)),
      Status.NOT_FOUND,
    );
  });
});
