import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { Jar } from '@family/contracts/common/v1/common';
import { AllowanceFrequency, DayOfWeek, LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { expectGrpcError, waitFor } from '@family/testing';
import { bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';
import { startSubscriber, type RecordingSubscriber } from './subscriber.stub.js';

const WEEKLY = AllowanceFrequency.ALLOWANCE_FREQUENCY_WEEKLY;
const BIWEEKLY = AllowanceFrequency.ALLOWANCE_FREQUENCY_BIWEEKLY;
const MONTHLY = AllowanceFrequency.ALLOWANCE_FREQUENCY_MONTHLY;
const day = (iso: string) => {
  const [year, month, d] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: d! };
};

describe('GoalsService allowances and their scheduler', () => {
  let h: GoalsHarness;
  let notification: RecordingSubscriber;

  before(async () => {
    notification = await startSubscriber('notification');
    h = await startGoalsHarness({ EVENT_SUBSCRIBERS: `notification=${notification.address}` });
  });
  after(async () => {
    await h.stop();
    await notification.stop();
  });
  afterEach(() => h.setNow(undefined));

  async function allowance(
    f: Household,
    input: {
      frequency?: AllowanceFrequency;
      dayOfWeek?: DayOfWeek;
      dayOfMonth?: number;
      startOn: string;
      amountMinor?: number;
      split?: { spend: number; save: number; give: number };
      minChoreCompletionPercent?: number;
    },
  ) {
    const { allowance } = await h.client.createAllowance(
      {
        familyId: f.familyId,
        memberId: f.kids[0]!.memberId,
        amountMinor: input.amountMinor ?? 500,
        frequency: input.frequency ?? WEEKLY,
        dayOfWeek: input.dayOfWeek ?? DayOfWeek.DAY_OF_WEEK_SATURDAY,
        dayOfMonth: input.dayOfMonth ?? 0,
        startOn: day(input.startOn),
        ...(input.split ? { split: input.split } : {}),
        ...(input.minChoreCompletionPercent
          ? { condition: { minChoreCompletionPercent: input.minChoreCompletionPercent } }
          : {}),
      },
      bearer(f.parentToken),
    );
    return allowance!;
  }

  const paidEvents = (allowanceId: string) =>
    [...notification.processed.values()]
      .filter((e) => e.payload?.$case === 'allowancePaid' && e.payload.value.allowanceId === allowanceId)
      .map((e) => (e.payload?.$case === 'allowancePaid' ? e.payload.value : undefined)!);
  const paydays = (allowanceId: string) =>
    paidEvents(allowanceId)
      .map(
        (p) =>
          `${p.payday!.year}-${String(p.payday!.month).padStart(2, '0')}-${String(p.payday!.day).padStart(2, '0')}`,
      )
      .sort();
  const allowanceEntries = async (f: Household) =>
    (
      await h.client.listLedgerEntries(
        {
          familyId: f.familyId,
          memberId: f.kids[0]!.memberId,
          kind: LedgerEntryKind.LEDGER_ENTRY_KIND_ALLOWANCE,
          page: { limit: 200, cursor: '' },
        },
        bearer(f.parentToken),
      )
    ).entries;

  it('lets parents set up, pause and delete allowances, and children only see their own', async () => {
    const f = await h.household();
    h.setNow('2031-01-01T12:00:00Z');
    const a = await allowance(f, {
      startOn: '2031-01-04',
      split: { spend: 60, save: 30, give: 10 },
      minChoreCompletionPercent: 80,
    });
    expect(a).to.deep.include({
      memberId: f.kids[0]!.memberId,
      amountMinor: 500,
      currency: 'EUR',
      frequency: WEEKLY,
      dayOfWeek: DayOfWeek.DAY_OF_WEEK_SATURDAY,
      split: { spend: 60, save: 30, give: 10 },
      startOn: day('2031-01-04'),
      nextPayday: day('2031-01-04'),
      condition: { minChoreCompletionPercent: 80 },
      paused: false,
      version: 1,
    });
    const own = await h.client.listAllowances({ familyId: f.familyId }, bearer(f.kids[0]!.token));
    expect(own.allowances.map((x) => x.id)).to.deep.equal([a.id]);
    const theirs = await h.client.listAllowances({ familyId: f.familyId }, bearer(f.kids[1]!.token));
    expect(theirs.allowances).to.deep.equal([]);
    await expectGrpcError(
      h.client.getAllowance({ familyId: f.familyId, allowanceId: a.id }, bearer(f.kids[1]!.token)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.createAllowance(
        {
          familyId: f.familyId,
          memberId: f.kids[0]!.memberId,
          amountMinor: 1,
          frequency: WEEKLY,
          dayOfWeek: DayOfWeek.DAY_OF_WEEK_MONDAY,
        },
        bearer(f.kids[0]!.token),
      ),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    await expectGrpcError(
      h.client.updateAllowance(
        { familyId: f.familyId, allowanceId: a.id, amountMinor: 10_000 },
        bearer(f.kids[0]!.token),
      ),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.updateAllowance(
        { familyId: f.familyId, allowanceId: a.id, expectedVersion: 9, paused: true },
        bearer(f.parentToken),
      ),
      Status.FAILED_PRECONDITION,
      'VERSION_MISMATCH',
    );
    const paused = await h.client.updateAllowance(
      {
        familyId: f.familyId,
        allowanceId: a.id,
        expectedVersion: 1,
        paused: true,
        clearCondition: true,
        amountMinor: 700,
      },
      bearer(f.parentToken),
    );
    expect(paused.allowance).to.deep.include({
      paused: true,
      nextPayday: undefined,
      condition: undefined,
      amountMinor: 700,
      version: 2,
    });
    const other = await h.household({ name: 'Joneses', kids: 1 });
    await expectGrpcError(
      h.client.getAllowance({ familyId: f.familyId, allowanceId: a.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.deleteAllowance({ familyId: other.familyId, allowanceId: a.id }, bearer(other.parentToken)),
      Status.NOT_FOUND,
    );
    await h.client.deleteAllowance(
      { familyId: f.familyId, allowanceId: a.id, expectedVersion: 2 },
      bearer(f.parentToken),
    );
    await expectGrpcError(
      h.client.getAllowance({ familyId: f.familyId, allowanceId: a.id }, bearer(f.parentToken)),
      Status.NOT_FOUND,
    );
  });

  it('names every invalid allowance field', async () => {
    const f = await h.household();
    h.setNow('2031-01-01T12:00:00Z');
    const failure = await expectGrpcError(
      h.client.createAllowance(
        {
          familyId: f.familyId,
          memberId: f.kids[0]!.memberId,
          amountMinor: 0,
          frequency: WEEKLY,
          dayOfWeek: DayOfWeek.DAY_OF_WEEK_UNSPECIFIED,
          split: { spend: 50, save: 30, give: 10 },
          startOn: day('2030-12-31'),
          condition: { minChoreCompletionPercent: 101 },
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal([
      'amountMinor',
      'dayOfWeek',
      'split',
      'startOn',
      'condition.minChoreCompletionPercent',
    ]);
    const monthly = await expectGrpcError(
      h.client.createAllowance(
        { familyId: f.familyId, memberId: f.kids[0]!.memberId, amountMinor: 1, frequency: MONTHLY, dayOfMonth: 32 },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(monthly.violations.map((v) => v.field)).to.deep.equal(['dayOfMonth']);
    const frequency = await expectGrpcError(
      h.client.createAllowance(
        { familyId: f.familyId, memberId: f.kids[0]!.memberId, amountMinor: 1 },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(frequency.violations.map((v) => v.field)).to.deep.equal(['frequency']);
    const parent = await expectGrpcError(
      h.client.createAllowance(
        {
          familyId: f.familyId,
          memberId: f.parentMemberId,
          amountMinor: 1,
          frequency: WEEKLY,
          dayOfWeek: DayOfWeek.DAY_OF_WEEK_MONDAY,
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(parent.violations.map((v) => v.field)).to.deep.equal(['memberId']);
  });

  it('pays each payday exactly once with two replicas running the scheduler at the same time', async () => {
    const f = await h.household();
    h.setNow('2031-01-01T12:00:00Z');
    const a = await allowance(f, { startOn: '2031-01-04', split: { spend: 60, save: 30, give: 10 }, amountMinor: 505 });
    const replica = await h.replica();
    try {
      const token = bearer(await h.opsToken());
      const now = new Date('2031-01-04T12:00:00Z');
      const runs = await Promise.all(
        [h.client, replica.client, h.client, replica.client].map((c) =>
          c.runScheduler({ familyId: f.familyId, now }, token),
        ),
      );
      expect(runs.reduce((n, r) => n + r.allowancesPaid, 0)).to.equal(1);
    } finally {
      await replica.stop();
    }
    // 505 by 60/30/10: 303, 151, 50 → the remaining 1 goes to GIVE.
    const entries = await allowanceEntries(f);
    expect(entries.map((e) => [e.jar, e.amountMinor, e.allowanceId, e.createdByMemberId])).to.deep.equal([
      [Jar.JAR_GIVE, 51, a.id, ''],
      [Jar.JAR_SAVE, 151, a.id, ''],
      [Jar.JAR_SPEND, 303, a.id, ''],
    ]);
    const after = await h.client.getAllowance({ familyId: f.familyId, allowanceId: a.id }, bearer(f.parentToken));
    expect(after.allowance).to.deep.include({ lastPaidOn: day('2031-01-04'), nextPayday: day('2031-01-11') });
    const again = await h.runScheduler('2031-01-04T23:00:00Z', f.familyId);
    expect(again.allowancesPaid).to.equal(0);
    const [event] = await waitFor(() => paidEvents(a.id).length === 1 && paidEvents(a.id));
    expect(event).to.deep.equal({
      allowanceId: a.id,
      memberId: f.kids[0]!.memberId,
      amount: { amountMinor: 505, currency: 'EUR' },
      payday: day('2031-01-04'),
      spendMinor: 303,
      saveMinor: 151,
      giveMinor: 51,
    });
  });

  it('catches up every payday missed while the scheduler was down, once each', async () => {
    const f = await h.household();
    h.setNow('2031-01-01T12:00:00Z');
    const a = await allowance(f, { startOn: '2031-01-04' });
    const r = await h.runScheduler('2031-02-01T12:00:00Z', f.familyId);
    expect(r.allowancesPaid).to.equal(5);
    await waitFor(() => paidEvents(a.id).length === 5);
    expect(paydays(a.id)).to.deep.equal(['2031-01-04', '2031-01-11', '2031-01-18', '2031-01-25', '2031-02-01']);
    const balance = await h.client.getBalance(
      { familyId: f.familyId, memberId: f.kids[0]!.memberId },
      bearer(f.parentToken),
    );
    expect(balance.balance?.spendMinor).to.equal(2500); // the default split: everything to SPEND
    expect((await h.runScheduler('2031-02-01T12:00:00Z', f.familyId)).allowancesPaid).to.equal(0);
  });

  it('pays a monthly allowance on the 31st on the last day of shorter months', async () => {
    const f = await h.household();
    h.setNow('2031-01-01T12:00:00Z');
    const a = await allowance(f, { frequency: MONTHLY, dayOfMonth: 31, startOn: '2031-01-01' });
    expect(a.nextPayday).to.deep.equal(day('2031-01-31'));
    const r = await h.runScheduler('2031-05-01T12:00:00Z', f.familyId);
    expect(r.allowancesPaid).to.equal(4);
    await waitFor(() => paidEvents(a.id).length === 4);
    expect(paydays(a.id)).to.deep.equal(['2031-01-31', '2031-02-28', '2031-03-31', '2031-04-30']);
    const after = await h.client.getAllowance({ familyId: f.familyId, allowanceId: a.id }, bearer(f.parentToken));
    expect(after.allowance?.nextPayday).to.deep.equal(day('2031-05-31'));
  });

  it('pays every other week counted from the start day', async () => {
    const f = await h.household();
    h.setNow('2031-01-01T12:00:00Z');
    const a = await allowance(f, {
      frequency: BIWEEKLY,
      dayOfWeek: DayOfWeek.DAY_OF_WEEK_FRIDAY,
      startOn: '2031-01-01',
    });
    expect(a.nextPayday).to.deep.equal(day('2031-01-03'));
    await h.runScheduler('2031-02-01T12:00:00Z', f.familyId);
    await waitFor(() => paidEvents(a.id).length === 3);
    expect(paydays(a.id)).to.deep.equal(['2031-01-03', '2031-01-17', '2031-01-31']);
  });

  it("pays on the payday of the family's time zone, not the server's", async () => {
    h.setNow('2031-03-05T12:00:00Z');
    const auckland = await h.household({ timezone: 'Pacific/Auckland', kids: 1 });
    const losAngeles = await h.household({ timezone: 'America/Los_Angeles', kids: 1 });
    const nz = await allowance(auckland, { startOn: '2031-03-08' });
    const la = await allowance(losAngeles, { startOn: '2031-03-08' });
    // Friday 12:00 UTC is already Saturday 01:00 in Auckland, still Friday 04:00 in Los Angeles.
    expect((await h.runScheduler('2031-03-07T12:00:00Z', auckland.familyId)).allowancesPaid).to.equal(1);
    expect((await h.runScheduler('2031-03-07T12:00:00Z', losAngeles.familyId)).allowancesPaid).to.equal(0);
    expect((await h.runScheduler('2031-03-08T07:59:00Z', losAngeles.familyId)).allowancesPaid).to.equal(0);
    expect((await h.runScheduler('2031-03-08T08:00:00Z', losAngeles.familyId)).allowancesPaid).to.equal(1);
    await waitFor(() => paidEvents(nz.id).length === 1 && paidEvents(la.id).length === 1);
    expect(paydays(nz.id)).to.deep.equal(['2031-03-08']);
    expect(paydays(la.id)).to.deep.equal(['2031-03-08']);
  });

  it('pays nothing while paused, and resuming does not pay the missed paydays', async () => {
    const f = await h.household();
    h.setNow('2031-01-01T12:00:00Z');
    const a = await allowance(f, { startOn: '2031-01-04' });
    await h.client.updateAllowance({ familyId: f.familyId, allowanceId: a.id, paused: true }, bearer(f.parentToken));
    expect((await h.runScheduler('2031-01-20T12:00:00Z', f.familyId)).allowancesPaid).to.equal(0);
    h.setNow('2031-01-20T12:00:00Z');
    const resumed = await h.client.updateAllowance(
      { familyId: f.familyId, allowanceId: a.id, paused: false },
      bearer(f.parentToken),
    );
    expect(resumed.allowance?.nextPayday).to.deep.equal(day('2031-01-25'));
    expect((await h.runScheduler('2031-01-26T12:00:00Z', f.familyId)).allowancesPaid).to.equal(1);
    await waitFor(() => paidEvents(a.id).length === 1);
    expect(paydays(a.id)).to.deep.equal(['2031-01-25']);
  });

  it('pays a conditional allowance only when enough of the period’s chores were approved', async () => {
    const f = await h.household({ kids: 1 });
    const child = f.kids[0]!;
    h.setNow('2031-03-03T09:00:00Z'); // Monday
    const a = await allowance(f, {
      dayOfWeek: DayOfWeek.DAY_OF_WEEK_MONDAY,
      startOn: '2031-03-03',
      minChoreCompletionPercent: 50,
    });
    const choreDue = async (iso: string) =>
      (
        await h.client.createChore(
          { familyId: f.familyId, title: `Chore ${iso}`, assigneeMemberId: child.memberId, dueOn: day(iso) },
          bearer(f.parentToken),
        )
      ).chore!;
    // First payday: its period is empty (it starts that day), which counts as met.
    expect((await h.runScheduler('2031-03-03T12:00:00Z', f.familyId)).allowancesPaid).to.equal(1);

    const done = await choreDue('2031-03-05');
    await choreDue('2031-03-06');
    await h.client.submitChore({ familyId: f.familyId, choreId: done.id }, bearer(child.token));
    await h.client.approveChore({ familyId: f.familyId, choreId: done.id }, bearer(f.parentToken));
    const second = await h.runScheduler('2031-03-10T12:00:00Z', f.familyId);
    expect(second).to.include({ allowancesPaid: 1, allowancesSkipped: 0, choresOverdue: 1 }); // 1 of 2 = 50 %

    h.setNow('2031-03-10T12:00:00Z');
    await choreDue('2031-03-12');
    await choreDue('2031-03-13');
    const third = await h.runScheduler('2031-03-17T12:00:00Z', f.familyId);
    expect(third).to.include({ allowancesPaid: 0, allowancesSkipped: 1, choresOverdue: 2 }); // 0 of 2
    const after = await h.client.getAllowance({ familyId: f.familyId, allowanceId: a.id }, bearer(f.parentToken));
    expect(after.allowance).to.deep.include({ lastPaidOn: day('2031-03-10'), nextPayday: day('2031-03-24') });
    expect((await allowanceEntries(f)).length).to.equal(2);
    expect((await h.runScheduler('2031-03-17T18:00:00Z', f.familyId)).allowancesSkipped).to.equal(0);
  });

  it('refuses RunScheduler without the goals:admin scope', async () => {
    const f = await h.household({ kids: 1 });
    await expectGrpcError(h.client.runScheduler({}, bearer(f.parentToken)), Status.PERMISSION_DENIED, 'SCOPE_REQUIRED');
    const wrongScope = await h.auth.client.issueServiceToken({
      clientId: 'goals',
      clientSecret: 'goals-secret',
      scopes: [],
    });
    await expectGrpcError(h.client.runScheduler({}, bearer(wrongScope.accessToken)), Status.PERMISSION_DENIED);
    const bad = await expectGrpcError(
      h.client.runScheduler({ familyId: 'x' }, bearer(await h.opsToken())),
      Status.INVALID_ARGUMENT,
    );
    expect(bad.violations.map((v) => v.field)).to.deep.equal(['familyId']);
  });

  it('runs a timer pass on the service clock through its periodic task, paying what is due', async () => {
    const f = await h.household({ kids: 1 });
    h.setNow('2031-03-01T09:00:00Z'); // a Saturday
    const a = await allowance(f, { startOn: '2031-03-01' });
    const task = h.goals.service.schedulerTask;
    const failuresBefore = task.failures;
    await task.runNow();
    expect(task.failures).to.equal(failuresBefore);
    expect((await allowanceEntries(f)).map((e) => e.amountMinor)).to.deep.equal([500]);
    await waitFor(() => paydays(a.id).length === 1);
    expect(paydays(a.id)).to.deep.equal(['2031-03-01']);
    await task.runNow();
    expect((await allowanceEntries(f)).length).to.equal(1);
  });
});
