import { expect } from 'chai';
import { bearer, choreSubmitted, startNotificationHarness, type NotificationHarness } from './notification.harness.js';

describe('inbox retention', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness({ INBOX_MAX_ITEMS: '3' });
  });
  after(async () => {
    await t?.stop();
  });

  it('keeps only the newest notifications per user, and the unread count follows', async () => {
    const h = await t.household(1);
    const events = Array.from({ length: 5 }, () => choreSubmitted(h));
    events.forEach((e, i) => (e.occurredAt = new Date(Date.now() + i * 1000)));
    await t.send(...events);
    const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
    expect(inbox.notifications.map((n) => n.eventId)).to.deep.equal([events[4]!.id, events[3]!.id, events[2]!.id]);
    expect(inbox.unreadCount).to.equal(3);
  });

  it('keeps exactly the newest ones when many calls add to one inbox at once', async () => {
    const h = await t.household(1);
    const events = Array.from({ length: 24 }, () => choreSubmitted(h));
    events.forEach((e, i) => (e.occurredAt = new Date(Date.now() + i * 1000)));
    await Promise.all(events.map((e) => t.send(e)));
    const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
    expect(inbox.notifications.map((n) => n.eventId)).to.deep.equal([events[23]!.id, events[22]!.id, events[21]!.id]);
    expect(inbox.unreadCount).to.equal(3);
  });
});
