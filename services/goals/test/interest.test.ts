import { expect } from 'chai';
import { Jar } from '@family/contracts/common/v1/common';
import { LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { waitFor } from '@family/testing';
import { bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';
import { startSubscriber, type RecordingSubscriber } from './subscriber.stub.js';

describe('GoalsService interest on savings', () => {
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

  const interestEvents = (memberId: string) =>
    [...notification.processed.values()]
      .filter((e) => e.payload?.$case === 'interestPaid' && e.payload.value.memberId === memberId)
      .map((e) => (e.payload?.$case === 'interestPaid' ? e.payload.value : undefined)!);
  const save = async (f: Household, memberId: string) =>
    (await h.client.getBalance({ familyId: f.familyId, memberId }, bearer(f.parentToken))).balance!.saveMinor;

  it('pays monthly interest on SAVE once a month, rounded down, catching up missed months', async () => {
    const f = await h.household({ kids: 1 });
    const kid = f.kids[0]!;
    h.setNow('2031-01-15T12:00:00Z');
    await h.deposit(f, kid.memberId, Jar.JAR_SAVE, 10_000);
    await h.client.updateJarSettings(
      { familyId: f.familyId, memberId: kid.memberId, interestMonthlyRateBps: 100, interestCapMinor: 500 },
      bearer(f.parentToken),
    );
    expect((await h.runScheduler('2031-01-31T12:00:00Z', f.familyId)).interestPaid).to.equal(0);

    const replica = await h.replica();
    try {
      const token = bearer(await h.opsToken());
      const now = new Date('2031-02-01T12:00:00Z');
      const runs = await Promise.all(
        [h.client, replica.client, h.client].map((c) => c.runScheduler({ familyId: f.familyId, now }, token)),
      );
      expect(runs.reduce((n, r) => n + r.interestPaid, 0)).to.equal(1);
    } finally {
      await replica.stop();
    }
    expect(await save(f, kid.memberId)).to.equal(10_100);
    expect((await h.runScheduler('2031-02-20T12:00:00Z', f.familyId)).interestPaid).to.equal(0);

    // February, March and April: 1 % of 10 100, of 10 201 and of 10 303, each rounded down.
    expect((await h.runScheduler('2031-05-01T12:00:00Z', f.familyId)).interestPaid).to.equal(3);
    expect(await save(f, kid.memberId)).to.equal(10_100 + 101 + 102 + 103);
    const entries = await h.client.listLedgerEntries(
      { familyId: f.familyId, memberId: kid.memberId, kind: LedgerEntryKind.LEDGER_ENTRY_KIND_INTEREST },
      bearer(kid.token),
    );
    expect(entries.entries.map((e) => [e.amountMinor, e.memo])).to.deep.equal([
      [103, 'Interest for 2031-04'],
      [102, 'Interest for 2031-03'],
      [101, 'Interest for 2031-02'],
      [100, 'Interest for 2031-01'],
    ]);
    await waitFor(() => interestEvents(kid.memberId).length === 4);
    expect(interestEvents(kid.memberId)[0]).to.deep.equal({
      memberId: kid.memberId,
      amount: { amountMinor: 100, currency: 'EUR' },
      month: { year: 2031, month: 1, day: 1 },
    });
  });

  it('caps a month’s interest and pays none after it is switched off', async () => {
    const f = await h.household({ kids: 1 });
    const kid = f.kids[0]!;
    h.setNow('2031-06-10T12:00:00Z');
    await h.deposit(f, kid.memberId, Jar.JAR_SAVE, 100_000);
    await h.client.updateJarSettings(
      { familyId: f.familyId, memberId: kid.memberId, interestMonthlyRateBps: 150, interestCapMinor: 500 },
      bearer(f.parentToken),
    );
    await h.runScheduler('2031-07-01T12:00:00Z', f.familyId);
    expect(await save(f, kid.memberId)).to.equal(100_500);
    h.setNow('2031-07-02T12:00:00Z');
    await h.client.updateJarSettings(
      { familyId: f.familyId, memberId: kid.memberId, interestMonthlyRateBps: 0 },
      bearer(f.parentToken),
    );
    expect((await h.runScheduler('2031-09-01T12:00:00Z', f.familyId)).interestPaid).to.equal(0);
    expect(await save(f, kid.memberId)).to.equal(100_500);
  });
});
