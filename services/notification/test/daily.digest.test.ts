import { expect } from 'chai';
import { bearer, choreSubmitted, startNotificationHarness, type NotificationHarness } from './notification.harness.js';

describe('daily digest', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness();
  });
  after(async () => {
    await t?.stop();
  });

  it('emails an opted-in parent one summary of their day, once, after the digest hour in their zone', async () => {
    const h = await t.household(1);
    await t.client.updatePreferences(
      { settings: [], quietHours: undefined, dailyDigest: true, urgentOverride: true },
      bearer(h.parent.token),
    );
    const chores = [choreSubmitted(h), choreSubmitted(h)];
    for (const e of chores) e.occurredAt = new Date('2026-11-20T09:00:00Z');
    await t.send(...chores);
    const mine = (r: { sent: { userId: string; jobId: string }[] }) =>
      r.sent.filter((s) => s.userId === h.parent.userId);

    // 17:00 in Berlin: before the digest hour (18:00).
    expect(mine(await t.service.digest.run(new Date('2026-11-20T16:00:00Z')))).to.have.length(0);
    // 19:30 in Berlin.
    const sent = mine(await t.service.digest.run(new Date('2026-11-20T18:30:00Z')));
    expect(sent).to.have.length(1);
    const job = await t.service.queues.queues.email.getJob(sent[0]!.jobId);
    expect(job!.data).to.include({ to: h.parent.email, category: 'DIGEST', title: 'Your family today (2026-11-20)' });
    expect(job!.data.body).to.contain('2 notification(s) today (chores: 2)');
    expect(job!.data.data).to.include({ 'count.CHORES': '2' });
    // Later the same local day: nothing more.
    expect(mine(await t.service.digest.run(new Date('2026-11-20T22:00:00Z')))).to.have.length(0);
  });

  it('sends nothing to a child, even opted in', async () => {
    const h = await t.household(1);
    await t.client.updatePreferences(
      { settings: [], quietHours: undefined, dailyDigest: true, urgentOverride: true },
      bearer(h.kids[0]!.token),
    );
    const r = await t.service.digest.run(new Date('2026-11-21T19:00:00Z'));
    expect(r.sent.map((s) => s.userId)).not.to.include(h.kids[0]!.userId);
  });
});
