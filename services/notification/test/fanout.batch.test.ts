// HandleEvents with many events in one call, as a relay sends them: the events of a call are notified
// together (shared round trips, one contacts call, bulk job adds), and the result is the same as one
// event at a time — a member event still changes who hears the events after it in the same call.
import { expect } from 'chai';
import { Role } from '@family/contracts/common/v1/common';
import {
  bearer,
  choreSubmitted,
  event,
  limitExceeded,
  startNotificationHarness,
  type NotificationHarness,
} from './notification.harness.js';

describe('notification fan-out of a whole HandleEvents call', function () {
  let t: NotificationHarness;

  before(async () => {
    t = await startNotificationHarness();
  });
  after(async () => {
    await t?.stop();
  });

  it('notifies each event of a call once, with its jobs, even when the call lists one twice', async () => {
    const h = await t.household(2);
    const events = [limitExceeded(h, 0), limitExceeded(h, 1), choreSubmitted(h, 0)];
    await t.send(events[0]!, events[1]!, events[2]!, events[0]!);

    const inbox = await t.client.listNotifications({}, bearer(h.parent.token));
    for (const e of events) {
      const found = inbox.notifications.filter((n) => n.eventId === e.id);
      expect(found, `notifications of ${e.id}`).to.have.length(1);
    }
    const limit = inbox.notifications.find((n) => n.eventId === events[1]!.id)!;
    expect(limit.title).to.equal('Kid 1 went over their spending limit');
    const mail = await t.job('email', limit.id);
    expect(mail?.data).to.include({ to: h.parent.email, notificationId: limit.id });
    expect(await t.job('push', limit.id), 'no device, no push job').to.equal(undefined);
    // Chores are not emailed by default.
    const chore = inbox.notifications.find((n) => n.eventId === events[2]!.id)!;
    expect(await t.job('email', chore.id)).to.equal(undefined);
  });

  it('applies a member event before planning the events that follow it in the same call', async () => {
    const h = await t.household(1);
    const co = await t.coParent(h);
    // As if the co-parent's join had not reached this service yet: it arrives in the same call as a
    // breach, ahead of it.
    await t.service.redis.hDel(`${t.prefix}family:${h.familyId}:members`, co.memberId);
    const joined = event(h.familyId, {
      $case: 'memberJoined',
      value: {
        memberId: co.memberId,
        userId: co.userId,
        displayName: 'Alex',
        role: Role.ROLE_PARENT,
        via: 'INVITE_ACCEPTED',
      },
    });
    const breach = limitExceeded(h);
    const before = limitExceeded(h);
    await t.send(before, joined, breach);

    const coInbox = await t.client.listNotifications({}, bearer(co.token));
    const heard = coInbox.notifications.map((n) => n.eventId);
    expect(heard).to.include(breach.id);
    expect(heard, 'the breach before the join').not.to.include(before.id);
    const parentInbox = await t.client.listNotifications({}, bearer(h.parent.token));
    expect(parentInbox.notifications.map((n) => n.eventId)).to.include.members([before.id, breach.id, joined.id]);
  });
});
