import { expect } from 'chai';
import { interestFor, matchFor, splitAmount } from '../src/domain/money.rules.js';
import {
  conditionMet,
  firstPaydayOnOrAfter,
  paydayAfter,
  payPeriod,
  type PaySchedule,
} from '../src/domain/allowance.schedule.js';
import { addDays, dayIn, isoWeekday } from '@family/service-kit/calendar';
import { rollOverTo, firstOccurrenceOnOrAfter } from '../src/domain/chore.recurrence.js';
import { projectedOn } from '../src/domain/goal.rules.js';

describe('jar split rounding', () => {
  it('floors every share and gives the remainder to the last jar with a positive share', () => {
    expect(splitAmount(333, { spend: 50, save: 40, give: 10 })).to.deep.equal({ spend: 166, save: 133, give: 34 });
    expect(splitAmount(101, { spend: 50, save: 40, give: 10 })).to.deep.equal({ spend: 50, save: 40, give: 11 });
    expect(splitAmount(5, { spend: 50, save: 50, give: 0 })).to.deep.equal({ spend: 2, save: 3, give: 0 });
    expect(splitAmount(7, { spend: 0, save: 100, give: 0 })).to.deep.equal({ spend: 0, save: 7, give: 0 });
    expect(splitAmount(1, { spend: 33, save: 33, give: 34 })).to.deep.equal({ spend: 0, save: 0, give: 1 });
  });

  it('never loses or invents a minor unit', () => {
    for (let amount = 0; amount < 500; amount += 7) {
      const parts = splitAmount(amount, { spend: 33, save: 33, give: 34 });
      expect(parts.spend + parts.save + parts.give).to.equal(amount);
    }
  });
});

describe('goal matching arithmetic', () => {
  const base = { amountMinor: 201, percent: 50, capMinor: 0, matchedThisMonthMinor: 0, roomToTargetMinor: 10_000 };

  it('matches a percentage rounded down', () => {
    expect(matchFor(base)).to.equal(100);
    expect(matchFor({ ...base, percent: 150 })).to.equal(301);
    expect(matchFor({ ...base, percent: 0 })).to.equal(0);
  });

  it('stops at what is left of the monthly cap and at the goal’s target', () => {
    expect(matchFor({ ...base, capMinor: 300, matchedThisMonthMinor: 250 })).to.equal(50);
    expect(matchFor({ ...base, capMinor: 300, matchedThisMonthMinor: 300 })).to.equal(0);
    expect(matchFor({ ...base, capMinor: 300, matchedThisMonthMinor: 400 })).to.equal(0);
    expect(matchFor({ ...base, roomToTargetMinor: 30 })).to.equal(30);
  });
});

describe('interest arithmetic', () => {
  it('pays the monthly rate in basis points, rounded down, then capped', () => {
    expect(interestFor({ balanceMinor: 10_000, rateBps: 100, capMinor: 0 })).to.equal(100);
    expect(interestFor({ balanceMinor: 9_999, rateBps: 100, capMinor: 0 })).to.equal(99);
    expect(interestFor({ balanceMinor: 100_000, rateBps: 150, capMinor: 500 })).to.equal(500);
    expect(interestFor({ balanceMinor: 0, rateBps: 150, capMinor: 0 })).to.equal(0);
    expect(interestFor({ balanceMinor: 1_000_000_000, rateBps: 9_999, capMinor: 0 })).to.equal(999_900_000);
  });
});

describe('allowance paydays', () => {
  const weekly: PaySchedule = { frequency: 'WEEKLY', dayOfWeek: 6, dayOfMonth: null, startOn: '2031-01-01' };

  it('finds weekly paydays on the chosen weekday, never before the start day', () => {
    expect(firstPaydayOnOrAfter(weekly, '2030-06-01')).to.equal('2031-01-04');
    expect(firstPaydayOnOrAfter(weekly, '2031-01-04')).to.equal('2031-01-04');
    expect(paydayAfter(weekly, '2031-01-04')).to.equal('2031-01-11');
  });

  it('counts biweekly paydays from the first one on or after the start day', () => {
    const s: PaySchedule = { frequency: 'BIWEEKLY', dayOfWeek: 5, dayOfMonth: null, startOn: '2031-01-01' };
    expect(firstPaydayOnOrAfter(s, '2031-01-01')).to.equal('2031-01-03');
    expect(firstPaydayOnOrAfter(s, '2031-01-04')).to.equal('2031-01-17');
    expect(firstPaydayOnOrAfter(s, '2031-01-17')).to.equal('2031-01-17');
    expect(paydayAfter(s, '2031-01-17')).to.equal('2031-01-31');
  });

  it('clamps monthly paydays to the month’s last day, leap years included, and keeps the 31st after', () => {
    const s: PaySchedule = { frequency: 'MONTHLY', dayOfWeek: null, dayOfMonth: 31, startOn: '2031-01-01' };
    expect(firstPaydayOnOrAfter(s, '2031-01-01')).to.equal('2031-01-31');
    expect(paydayAfter(s, '2031-01-31')).to.equal('2031-02-28');
    expect(paydayAfter(s, '2031-02-28')).to.equal('2031-03-31');
    expect(paydayAfter(s, '2032-01-31')).to.equal('2032-02-29');
    expect(paydayAfter(s, '2031-12-31')).to.equal('2032-01-31');
    const the30th: PaySchedule = { ...s, dayOfMonth: 30 };
    expect(paydayAfter(the30th, '2031-01-30')).to.equal('2031-02-28');
  });

  it('pays for the days since the previous payday, starting no earlier than the start day', () => {
    expect(payPeriod(weekly, '2031-01-11')).to.deep.equal({ from: '2031-01-04', to: '2031-01-10' });
    expect(payPeriod(weekly, '2031-01-04')).to.deep.equal({ from: '2031-01-01', to: '2031-01-03' });
    const monthly: PaySchedule = { frequency: 'MONTHLY', dayOfWeek: null, dayOfMonth: 31, startOn: '2031-01-01' };
    expect(payPeriod(monthly, '2031-03-31')).to.deep.equal({ from: '2031-02-28', to: '2031-03-30' });
  });

  it('meets a condition at the share of approved occurrences, and with none due', () => {
    expect(conditionMet(50, { approved: 1, total: 2 })).to.deep.equal({ met: true, percent: 50 });
    expect(conditionMet(50, { approved: 1, total: 3 })).to.deep.equal({ met: false, percent: 33 });
    expect(conditionMet(80, { approved: 0, total: 0 })).to.deep.equal({ met: true, percent: null });
    expect(conditionMet(null, { approved: 0, total: 5 }).met).to.equal(true);
  });
});

describe('calendar days in a time zone', () => {
  it('reads the day of an instant in the family’s IANA zone', () => {
    const instant = new Date('2031-03-07T12:00:00Z');
    expect(dayIn('Pacific/Auckland', instant)).to.equal('2031-03-08');
    expect(dayIn('America/Los_Angeles', instant)).to.equal('2031-03-07');
    expect(dayIn('Europe/Berlin', new Date('2031-03-30T22:30:00Z'))).to.equal('2031-03-31'); // after the DST change
    expect(dayIn('UTC', new Date('2031-12-31T23:59:59Z'))).to.equal('2031-12-31');
  });

  it('does day arithmetic across month and year ends', () => {
    expect(addDays('2031-12-30', 3)).to.equal('2032-01-02');
    expect(addDays('2032-03-01', -1)).to.equal('2032-02-29');
    expect(isoWeekday('2031-03-03')).to.equal(1);
    expect(isoWeekday('2031-03-09')).to.equal(7);
  });
});

describe('chore recurrence', () => {
  const weekly = { frequency: 'WEEKLY' as const, daysOfWeek: [1, 4] };

  it('rolls over on the next occurrence day to the latest one reached', () => {
    expect(rollOverTo(weekly, '2031-03-03', '2031-03-05')).to.equal(undefined);
    expect(rollOverTo(weekly, '2031-03-03', '2031-03-06')).to.equal('2031-03-06');
    expect(rollOverTo(weekly, '2031-03-03', '2031-03-12')).to.equal('2031-03-10');
    expect(rollOverTo({ frequency: 'DAILY', daysOfWeek: [] }, '2031-03-03', '2031-03-09')).to.equal('2031-03-09');
    expect(firstOccurrenceOnOrAfter(weekly, '2031-03-07')).to.equal('2031-03-10');
  });
});

describe('goal projection', () => {
  it('projects at the pace of the last 30 days, or not at all without one', () => {
    expect(projectedOn({ savedMinor: 300, targetMinor: 1000, recentMinor: 300, today: '2031-01-01' })).to.equal(
      '2031-03-12',
    );
    expect(projectedOn({ savedMinor: 300, targetMinor: 1000, recentMinor: 0, today: '2031-01-01' })).to.equal(
      undefined,
    );
    expect(projectedOn({ savedMinor: 1000, targetMinor: 1000, recentMinor: 50, today: '2031-01-01' })).to.equal(
      undefined,
    );
  });
});
