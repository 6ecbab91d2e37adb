import { expect } from 'chai';
import { dayIn } from '@family/service-kit/calendar';
import { instantOnDay, weekKeptEvents, weekToJudge } from '../src/domain/limit.week.rules.js';
import { activity, FAMILY } from './activity.events.js';

describe('a week within the spending limit', () => {
  const base = {
    familyId: FAMILY,
    timeZone: 'Europe/Berlin',
    week: '2026-03-23',
    limitedMemberIds: ['m-ada', 'm-ben', 'm-cai'],
    today: '2026-03-30',
  };

  it('goes to each limited member who never went over, with an id fixed by member and week', () => {
    const events = weekKeptEvents({
      ...base,
      exceeded: [
        activity('spending_limit.exceeded', '2026-03-29T21:30:00Z', { memberId: 'm-ada' }), // Sunday 23:30 in Berlin
        activity('spending_limit.exceeded', '2026-03-29T22:30:00Z', { memberId: 'm-ben' }), // Monday 00:30: next week
      ],
    });
    expect(events.map((e) => [e.memberId, e.eventId])).to.deep.equal([
      ['m-ben', `week-kept:${FAMILY}:m-ben:2026-03-23`],
      ['m-cai', `week-kept:${FAMILY}:m-cai:2026-03-23`],
    ]);
    for (const event of events) expect(dayIn('Europe/Berlin', event.occurredAt)).to.equal('2026-03-29');
    expect(weekKeptEvents({ ...base, exceeded: [] })).to.deep.equal(weekKeptEvents({ ...base, exceeded: [] }));
  });

  it('waits until the week is over in the family zone', () => {
    expect(weekKeptEvents({ ...base, today: '2026-03-29', exceeded: [] })).to.deep.equal([]);
    expect(weekToJudge('2026-03-30')).to.equal('2026-03-23');
  });

  it('dates the event on the week’s last day in any zone', () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Tokyo', 'America/New_York', 'UTC']) {
      expect(dayIn(zone, instantOnDay(zone, '2026-03-29'))).to.equal('2026-03-29');
    }
  });
});
