import { expect } from 'chai';
import {
  addDays,
  addMonthsClamped,
  clampedDay,
  dayIn,
  dayOf,
  daysBetween,
  daysInMonth,
  isDay,
  isoWeekday,
  periodContaining,
  shiftMonth,
} from '@family/service-kit/calendar';

describe('calendar days', () => {
  it('knows leap years, including the century rules', () => {
    expect(daysInMonth(2024, 2)).to.equal(29);
    expect(daysInMonth(2026, 2)).to.equal(28);
    expect(daysInMonth(1900, 2)).to.equal(28);
    expect(daysInMonth(2000, 2)).to.equal(29);
    expect(isDay('2024-02-29')).to.equal(true);
    expect(isDay('2026-02-29')).to.equal(false);
    expect(isDay('1900-02-29')).to.equal(false);
    expect(isDay('2000-02-29')).to.equal(true);
    expect(isDay('2026-04-31')).to.equal(false);
  });

  it('clamps a day of month to the last day of shorter months, and keeps it where it exists', () => {
    expect(addMonthsClamped('2026-01-31', 1)).to.equal('2026-02-28');
    expect(addMonthsClamped('2024-01-31', 1)).to.equal('2024-02-29');
    expect(addMonthsClamped('2026-03-31', 1)).to.equal('2026-04-30');
    // A payday on the 31st comes back to the 31st after a short month.
    expect(addMonthsClamped('2026-02-28', 1, 31)).to.equal('2026-03-31');
    expect(addMonthsClamped('2026-12-15', 1)).to.equal('2027-01-15');
    expect(addMonthsClamped('2026-01-15', -1)).to.equal('2025-12-15');
    expect(clampedDay(2026, 4, 31)).to.equal('2026-04-30');
    expect(shiftMonth(2026, 12, 1)).to.deep.equal({ year: 2027, month: 1 });
    expect(shiftMonth(2026, 1, -13)).to.deep.equal({ year: 2024, month: 12 });
  });

  it('counts a day as a day across daylight-saving changes', () => {
    // Europe changes clocks on 29 March and 25 October 2026, the US on 8 March and 1 November.
    expect(addDays('2026-03-28', 1)).to.equal('2026-03-29');
    expect(addDays('2026-03-29', 1)).to.equal('2026-03-30');
    expect(addDays('2026-10-24', 2)).to.equal('2026-10-26');
    expect(addDays('2026-11-01', -1)).to.equal('2026-10-31');
    expect(daysBetween('2026-03-01', '2026-04-01')).to.equal(31);
    expect(daysBetween('2026-10-01', '2026-11-30')).to.equal(60);
    expect(addDays('2024-03-01', -1)).to.equal('2024-02-29');
    expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
    expect(isoWeekday('2026-03-29')).to.equal(7);
    expect(isoWeekday('2026-03-30')).to.equal(1);
    expect(periodContaining('WEEK', '2026-03-29')).to.deep.equal({ start: '2026-03-23', end: '2026-03-29' });
  });

  it("reads today in the family's zone, across its midnight and on a daylight-saving change", () => {
    // Berlin in winter is UTC+1: its midnight is 23:00 UTC.
    expect(dayIn('Europe/Berlin', new Date('2026-11-20T22:59:59Z'))).to.equal('2026-11-20');
    expect(dayIn('Europe/Berlin', new Date('2026-11-20T23:00:00Z'))).to.equal('2026-11-21');
    // On 29 March 2026 Berlin moves to UTC+2, so the next midnight is 22:00 UTC.
    expect(dayIn('Europe/Berlin', new Date('2026-03-28T23:00:00Z'))).to.equal('2026-03-29');
    expect(dayIn('Europe/Berlin', new Date('2026-03-29T21:59:59Z'))).to.equal('2026-03-29');
    expect(dayIn('Europe/Berlin', new Date('2026-03-29T22:00:00Z'))).to.equal('2026-03-30');
    // New York on 8 March 2026 goes from UTC−5 to UTC−4: the 9th begins at 04:00 UTC.
    expect(dayIn('America/New_York', new Date('2026-03-09T03:59:59Z'))).to.equal('2026-03-08');
    expect(dayIn('America/New_York', new Date('2026-03-09T04:00:00Z'))).to.equal('2026-03-09');
    // Kiritimati (UTC+14) is a day ahead of UTC for most of it.
    expect(dayIn('Pacific/Kiritimati', new Date('2026-01-01T10:00:00Z'))).to.equal('2026-01-02');
    expect(dayIn('UTC', new Date('2026-01-01T23:59:59Z'))).to.equal('2026-01-01');
  });

  it('accepts years 1900 to 9999 only, in isDay and dayOf alike', () => {
    expect(isDay('1899-12-31')).to.equal(false);
    expect(isDay('1900-01-01')).to.equal(true);
    expect(isDay('9999-12-31')).to.equal(true);
    expect(isDay('10000-01-01')).to.equal(false);
    expect(isDay('0000-01-01')).to.equal(false);
    expect(dayOf(1899, 12, 31)).to.equal(undefined);
    expect(dayOf(1900, 1, 1)).to.equal('1900-01-01');
    expect(dayOf(9999, 12, 31)).to.equal('9999-12-31');
    expect(dayOf(10000, 1, 1)).to.equal(undefined);
    expect(dayOf(2026, 2, 30)).to.equal(undefined);
    expect(dayOf(2026, 13, 1)).to.equal(undefined);
    expect(dayOf(2026.5, 1, 1)).to.equal(undefined);
  });

  it('refuses text that is not a plain YYYY-MM-DD day', () => {
    for (const text of ['2026-1-01', '2026-01-01T00:00:00Z', ' 2026-01-01', '20260101', '']) {
      expect(isDay(text), text).to.equal(false);
    }
  });

  it('signs daysBetween by direction: positive when the second day is later', () => {
    expect(daysBetween('2026-01-01', '2026-01-10')).to.equal(9);
    expect(daysBetween('2026-01-10', '2026-01-01')).to.equal(-9);
    expect(daysBetween('2026-01-10', '2026-01-10')).to.equal(0);
    expect(daysBetween('2024-01-01', '2025-01-01')).to.equal(366);
  });
});
