import { expect } from 'chai';
import { ChoreFrequency, ChoreStatus, DayOfWeek } from '@family/contracts/goals/v1/goals';
import { waitFor } from '@family/testing';
import { bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';
import { startSubscriber, type RecordingSubscriber } from './subscriber.stub.js';

const day = (iso: string) => {
  const [year, month, d] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: d! };
};

describe('GoalsService recurring and overdue chores', () => {
  let h: GoalsHarness;
  let notification: RecordingSubscriber;
  let f: Household;

  before(async () => {
    notification = await startSubscriber('notification');
    h = await startGoalsHarness({ EVENT_SUBSCRIBERS: `notification=${notification.address}` });
  });
  // Each case has a family of its own, so one case's chores never show in another's scheduler counts.
  beforeEach(async () => {
    f = await h.household({ kids: 1 });
  });
  after(async () => {
    await h.stop();
    await notification.stop();
  });
  afterEach(() => h.setNow(undefined));

  const kid = () => f.kids[0]!;
  const overdue = (choreId: string) =>
    [...notification.processed.values()]
      .filter((e) => e.payload?.$case === 'choreOverdue' && e.payload.value.choreId === choreId)
      .map((e) => (e.payload?.$case === 'choreOverdue' ? e.payload.value.dueOn : undefined));
  const get = async (choreId: string) =>
    (await h.client.getChore({ familyId: f.familyId, choreId }, bearer(kid().token))).chore!;

  it('moves a daily chore to the next day, recording a missed occurrence once as chore.overdue', async () => {
    h.setNow('2031-03-03T08:00:00Z'); // Monday 09:00 in Berlin
    const { chore } = await h.client.createChore(
      {
        familyId: f.familyId,
        title: 'Make the bed',
        assigneeMemberId: kid().memberId,
        rewardMinor: 10,
        recurrence: { frequency: ChoreFrequency.CHORE_FREQUENCY_DAILY, daysOfWeek: [] },
      },
      bearer(f.parentToken),
    );
    expect(chore?.dueOn).to.deep.equal(day('2031-03-03'));

    const first = await h.runScheduler('2031-03-04T08:00:00Z', f.familyId);
    expect(first).to.include({ choresOverdue: 1, choresRolledOver: 1 });
    expect(await get(chore!.id)).to.deep.include({
      dueOn: day('2031-03-04'),
      status: ChoreStatus.CHORE_STATUS_TODO,
      version: 2,
    });
    const again = await h.runScheduler('2031-03-04T20:00:00Z', f.familyId);
    expect(again).to.include({ choresOverdue: 0, choresRolledOver: 0 });
    await waitFor(() => overdue(chore!.id).length === 1);

    // Done and approved on the day: the next occurrence comes without an overdue.
    h.setNow('2031-03-04T15:00:00Z');
    await h.client.submitChore({ familyId: f.familyId, choreId: chore!.id, note: 'tidy' }, bearer(kid().token));
    await h.client.approveChore({ familyId: f.familyId, choreId: chore!.id }, bearer(f.parentToken));
    const next = await h.runScheduler('2031-03-05T08:00:00Z', f.familyId);
    expect(next).to.include({ choresOverdue: 0, choresRolledOver: 1 });
    expect(await get(chore!.id)).to.deep.include({
      dueOn: day('2031-03-05'),
      status: ChoreStatus.CHORE_STATUS_TODO,
      note: '',
    });

    // A submitted chore waits for its review before it moves on.
    h.setNow('2031-03-05T15:00:00Z');
    await h.client.submitChore({ familyId: f.familyId, choreId: chore!.id }, bearer(kid().token));
    const waiting = await h.runScheduler('2031-03-06T08:00:00Z', f.familyId);
    expect(waiting).to.include({ choresOverdue: 0, choresRolledOver: 0 });
    await h.client.approveChore({ familyId: f.familyId, choreId: chore!.id }, bearer(f.parentToken));

    // After days without a scheduler it jumps to today's occurrence, once.
    const caughtUp = await h.runScheduler('2031-03-09T08:00:00Z', f.familyId);
    expect(caughtUp).to.include({ choresOverdue: 0, choresRolledOver: 1 });
    expect((await get(chore!.id)).dueOn).to.deep.equal(day('2031-03-09'));
    await new Promise((r) => setTimeout(r, 200));
    expect(overdue(chore!.id)).to.deep.equal([day('2031-03-03')]);
  });

  it('moves a weekly chore only on its chosen days', async () => {
    h.setNow('2031-03-03T08:00:00Z');
    const { chore } = await h.client.createChore(
      {
        familyId: f.familyId,
        title: 'Take out the bins',
        assigneeMemberId: kid().memberId,
        recurrence: {
          frequency: ChoreFrequency.CHORE_FREQUENCY_WEEKLY,
          daysOfWeek: [DayOfWeek.DAY_OF_WEEK_MONDAY, DayOfWeek.DAY_OF_WEEK_THURSDAY],
        },
      },
      bearer(f.parentToken),
    );
    expect(chore?.dueOn).to.deep.equal(day('2031-03-03'));
    const tuesday = await h.runScheduler('2031-03-04T08:00:00Z', f.familyId);
    expect(tuesday).to.include({ choresOverdue: 1, choresRolledOver: 0 });
    expect((await get(chore!.id)).dueOn).to.deep.equal(day('2031-03-03'));
    const thursday = await h.runScheduler('2031-03-06T08:00:00Z', f.familyId);
    expect(thursday).to.include({ choresOverdue: 0, choresRolledOver: 1 });
    expect((await get(chore!.id)).dueOn).to.deep.equal(day('2031-03-06'));
    const monday = await h.runScheduler('2031-03-10T08:00:00Z', f.familyId);
    expect(monday).to.include({ choresOverdue: 1, choresRolledOver: 1 });
    expect((await get(chore!.id)).dueOn).to.deep.equal(day('2031-03-10'));
    await waitFor(() => overdue(chore!.id).length === 2);
    expect(overdue(chore!.id)).to.deep.equal([day('2031-03-03'), day('2031-03-06')]);
  });

  it('reports a one-off chore overdue once when its day passes unapproved', async () => {
    h.setNow('2031-04-01T08:00:00Z');
    const { chore } = await h.client.createChore(
      { familyId: f.familyId, title: 'Tidy the garage', assigneeMemberId: kid().memberId, dueOn: day('2031-04-02') },
      bearer(f.parentToken),
    );
    expect((await h.runScheduler('2031-04-02T20:00:00Z', f.familyId)).choresOverdue).to.equal(0);
    const replica = await h.replica();
    try {
      const token = bearer(await h.opsToken());
      const now = new Date('2031-04-03T08:00:00Z');
      const runs = await Promise.all(
        [h.client, replica.client, h.client].map((c) => c.runScheduler({ familyId: f.familyId, now }, token)),
      );
      expect(runs.reduce((n, r) => n + r.choresOverdue, 0)).to.equal(1);
    } finally {
      await replica.stop();
    }
    expect((await h.runScheduler('2031-04-10T08:00:00Z', f.familyId)).choresOverdue).to.equal(0);
    await waitFor(() => overdue(chore!.id).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(overdue(chore!.id)).to.deep.equal([day('2031-04-02')]);
    // Still open: the child may finish it late.
    h.setNow('2031-04-10T09:00:00Z');
    const late = await h.client.submitChore({ familyId: f.familyId, choreId: chore!.id }, bearer(kid().token));
    expect(late.chore?.status).to.equal(ChoreStatus.CHORE_STATUS_SUBMITTED);
  });
});
