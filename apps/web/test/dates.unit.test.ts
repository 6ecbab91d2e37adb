// Dates on screen: calendar days as they are, instants and "today" in the family's time zone,
// across midnight and daylight-saving changes (src/lib/dates.ts).
import { expect } from 'chai';
import { formatDay, formatInstant, todayIn } from '../src/lib/dates';

const AUCKLAND = 'Pacific/Auckland';
const LOS_ANGELES = 'America/Los_Angeles';

/** Each row: the instant, the locale, the family's zone, and what the user reads. */
function expectShown(rows: [string, string, string, string][]) {
  for (const [iso, locale, timeZone, text] of rows) {
    // Intl separates the time from AM/PM with a narrow no-break space; compare with plain spaces.
    const shown = formatInstant(iso, locale, timeZone).replace(/\s/g, ' ');
    expect(shown, `${iso} in ${timeZone}`).to.equal(text);
  }
}

/** Each row: the family's zone, the instant, and the family's today then. */
function expectToday(rows: [string, string, string][]) {
  for (const [timeZone, iso, day] of rows)
    expect(todayIn(timeZone, new Date(iso)), `${iso} in ${timeZone}`).to.equal(day);
}

describe('web app: dates', () => {
  describe('formatInstant', () => {
    it('shows an instant shortly before midnight UTC on each family’s own day', () => {
      expectShown([
        ['2026-01-15T23:30:00Z', 'en', AUCKLAND, 'Jan 16, 2026, 12:30 PM'],
        ['2026-01-15T23:30:00Z', 'en', LOS_ANGELES, 'Jan 15, 2026, 3:30 PM'],
        ['2026-01-16T00:30:00Z', 'en', LOS_ANGELES, 'Jan 15, 2026, 4:30 PM'],
      ]);
    });

    it('moves an instant to the next day where the family’s midnight has passed', () => {
      // Auckland is UTC+12 in July: 11:30 UTC is 23:30 there, 12:30 UTC already the next day.
      expectShown([
        ['2026-07-01T11:30:00Z', 'en', AUCKLAND, 'Jul 1, 2026, 11:30 PM'],
        ['2026-07-01T12:30:00Z', 'en', AUCKLAND, 'Jul 2, 2026, 12:30 AM'],
        ['2026-07-01T12:30:00Z', 'en', LOS_ANGELES, 'Jul 1, 2026, 5:30 AM'],
      ]);
    });

    it('shows the time in German with the German date order and a 24-hour clock', () => {
      expectShown([
        ['2026-01-15T23:30:00Z', 'de', AUCKLAND, '16.01.2026, 12:30'],
        ['2026-01-15T23:30:00Z', 'de', LOS_ANGELES, '15.01.2026, 15:30'],
      ]);
    });

    it('skips the hour lost when daylight saving time starts', () => {
      // Los Angeles, 8 March 2026: 02:00 PST becomes 03:00 PDT at 10:00 UTC.
      expectShown([
        ['2026-03-08T09:59:00Z', 'en', LOS_ANGELES, 'Mar 8, 2026, 1:59 AM'],
        ['2026-03-08T10:00:00Z', 'en', LOS_ANGELES, 'Mar 8, 2026, 3:00 AM'],
        // Auckland, 27 September 2026: 02:00 NZST becomes 03:00 NZDT at 14:00 UTC the day before.
        ['2026-09-26T13:59:00Z', 'de', AUCKLAND, '27.09.2026, 01:59'],
        ['2026-09-26T14:00:00Z', 'de', AUCKLAND, '27.09.2026, 03:00'],
      ]);
    });

    it('shows the repeated hour twice when daylight saving time ends', () => {
      // Los Angeles, 1 November 2026: 01:30 PDT (08:30 UTC), then 01:30 PST (09:30 UTC).
      expectShown([
        ['2026-11-01T08:30:00Z', 'en', LOS_ANGELES, 'Nov 1, 2026, 1:30 AM'],
        ['2026-11-01T09:30:00Z', 'en', LOS_ANGELES, 'Nov 1, 2026, 1:30 AM'],
        // Auckland, 5 April 2026: 02:30 NZDT (13:30 UTC), then 02:30 NZST (14:30 UTC).
        ['2026-04-04T13:30:00Z', 'en', AUCKLAND, 'Apr 5, 2026, 2:30 AM'],
        ['2026-04-04T14:30:00Z', 'en', AUCKLAND, 'Apr 5, 2026, 2:30 AM'],
      ]);
    });
  });

  describe('todayIn', () => {
    it('gives each family its own today at the same instant', () => {
      const now = new Date('2026-01-15T23:30:00Z');
      expect(todayIn(AUCKLAND, now)).to.equal('2026-01-16');
      expect(todayIn(LOS_ANGELES, now)).to.equal('2026-01-15');
      expect(todayIn('UTC', now)).to.equal('2026-01-15');
    });

    it('turns the day at the family’s midnight, not at UTC’s', () => {
      // Auckland's 2 July 2026 starts at 12:00 UTC on 1 July (UTC+12).
      expectToday([
        [AUCKLAND, '2026-07-01T11:59:59Z', '2026-07-01'],
        [AUCKLAND, '2026-07-01T12:00:00Z', '2026-07-02'],
        // Los Angeles' 16 January 2026 starts at 08:00 UTC (UTC−8).
        [LOS_ANGELES, '2026-01-16T07:59:59Z', '2026-01-15'],
        [LOS_ANGELES, '2026-01-16T08:00:00Z', '2026-01-16'],
      ]);
    });

    it('turns the day at the shifted midnight after a daylight-saving change', () => {
      // Before the change Los Angeles' day starts at 08:00 UTC, after it at 07:00 UTC.
      expectToday([
        [LOS_ANGELES, '2026-03-08T07:59:59Z', '2026-03-07'],
        [LOS_ANGELES, '2026-03-08T08:00:00Z', '2026-03-08'],
        [LOS_ANGELES, '2026-03-09T06:59:59Z', '2026-03-08'],
        [LOS_ANGELES, '2026-03-09T07:00:00Z', '2026-03-09'],
        // Auckland after DST ends on 5 April 2026 (UTC+12): 6 April starts at 12:00 UTC on 5 April.
        [AUCKLAND, '2026-04-05T11:59:59Z', '2026-04-05'],
        [AUCKLAND, '2026-04-05T12:00:00Z', '2026-04-06'],
      ]);
    });
  });

  describe('formatDay', () => {
    const viewerZone = process.env.TZ;
    afterEach(() => {
      if (viewerZone === undefined) delete process.env.TZ;
      else process.env.TZ = viewerZone;
    });

    it('shows a calendar day as that day whatever the viewer’s time zone', () => {
      for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', AUCKLAND, LOS_ANGELES, 'UTC']) {
        process.env.TZ = zone;
        expect(formatDay('2026-03-08', 'en'), zone).to.equal('Mar 8, 2026');
        expect(formatDay('2026-12-31', 'en'), zone).to.equal('Dec 31, 2026');
        expect(formatDay('2027-01-01', 'de'), zone).to.equal('01.01.2027');
      }
    });

    it('shows the day in the user’s language', () => {
      expect(formatDay('2026-07-01', 'en')).to.equal('Jul 1, 2026');
      expect(formatDay('2026-07-01', 'de')).to.equal('01.07.2026');
    });
  });
});
