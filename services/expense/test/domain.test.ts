import { expect } from 'chai';
import { addMonthsClamped, periodContaining, dayIn } from '@family/service-kit/calendar';
import { allocate, convert, impliedRate, parseRate } from '../src/domain/money.rules.js';
import { firstIndexOnOrAfter, nextDates, occurrence, type Schedule } from '../src/domain/recurrence.rules.js';
import { csvRow, parseCsv, escapeFormula, unescapeFormula } from '../src/domain/csv.format.js';
import { budgetStatus } from '../src/domain/budget.rules.js';
import { RuleSet } from '../src/domain/categorization.rules.js';

describe('expense domain rules', () => {
  describe('money', () => {
    it('converts with exact decimals, rounding half away from zero', () => {
      expect(convert(1001, 'USD', 'EUR', parseRate('0.5')!)).to.equal(501);
      expect(convert(-1001, 'USD', 'EUR', parseRate('0.5')!)).to.equal(-501);
      expect(convert(1000, 'USD', 'EUR', parseRate('0.333')!)).to.equal(333);
      expect(convert(1500, 'JPY', 'EUR', parseRate('0.0061')!)).to.equal(915);
      expect(convert(915, 'EUR', 'JPY', parseRate('163.9344')!)).to.equal(1500);
      expect(convert(1000, 'EUR', 'BHD', parseRate('0.41')!)).to.equal(4100);
      expect(impliedRate(2000, 'USD', 1850, 'EUR')).to.equal('0.925');
      expect(parseRate('0')).to.equal(undefined);
      expect(parseRate('-1')).to.equal(undefined);
      expect(parseRate('1e3')).to.equal(undefined);
    });

    it('allocates a total over parts exactly', () => {
      expect(allocate(333, [500, 500])).to.deep.equal([167, 166]);
      expect(allocate(100, [1, 1, 1])).to.deep.equal([34, 33, 33]);
      expect(allocate(10, [0, 0])).to.deep.equal([10, 0]);
    });

    it('converts with the ISO 4217 exponents, not ICU’s (HUF has fillér, IQD three decimals)', () => {
      // 100.00 EUR at 400 HUF per EUR is 40 000.00 HUF; ICU would count whole forints.
      expect(convert(10000, 'EUR', 'HUF', parseRate('400')!)).to.equal(4_000_000);
      expect(convert(100, 'IQD', 'EUR', parseRate('0.0007')!)).to.equal(0);
      expect(convert(1_000_000, 'IQD', 'EUR', parseRate('0.0007')!)).to.equal(70);
      expect(impliedRate(4_000_000, 'HUF', 10000, 'EUR')).to.equal('0.0025');
    });
  });

  describe('calendar and recurrence', () => {
    const monthly: Schedule = { frequency: 'MONTHLY', interval: 1, startOn: '2024-01-31', endOn: null };

    it('reads today in the family zone', () => {
      expect(dayIn('Europe/Berlin', new Date('2024-01-31T23:30:00Z'))).to.equal('2024-02-01');
      expect(dayIn('America/Los_Angeles', new Date('2024-01-31T05:00:00Z'))).to.equal('2024-01-30');
      expect(dayIn('Pacific/Kiritimati', new Date('2024-01-31T12:00:00Z'))).to.equal('2024-02-01');
    });

    it('clamps month ends and returns to the anchor day', () => {
      expect([0, 1, 2, 3, 12, 13].map((n) => occurrence(monthly, n))).to.deep.equal([
        '2024-01-31',
        '2024-02-29',
        '2024-03-31',
        '2024-04-30',
        '2025-01-31',
        '2025-02-28',
      ]);
      expect(addMonthsClamped('2023-01-29', 1)).to.equal('2023-02-28');
    });

    it('finds the first occurrence on or after a day for every frequency and interval', () => {
      const schedules: Schedule[] = [
        monthly,
        { frequency: 'DAILY', interval: 3, startOn: '2024-02-27', endOn: null },
        { frequency: 'WEEKLY', interval: 2, startOn: '2024-01-01', endOn: null },
        { frequency: 'YEARLY', interval: 1, startOn: '2024-02-29', endOn: null },
        { frequency: 'MONTHLY', interval: 5, startOn: '2023-10-31', endOn: null },
      ];
      for (const s of schedules) {
        for (const day of ['2023-01-01', '2024-02-28', '2024-03-01', '2025-03-01', '2026-12-31']) {
          const n = firstIndexOnOrAfter(s, day);
          expect(occurrence(s, n) >= day, `${s.frequency} ${day}`).to.equal(true);
          if (n > 0) expect(occurrence(s, n - 1) < day, `${s.frequency} ${day} previous`).to.equal(true);
        }
      }
      expect(
        nextDates({ frequency: 'DAILY', interval: 1, startOn: '2024-03-01', endOn: '2024-03-03' }, '2024-02-01', 10),
      ).to.deep.equal(['2024-03-01', '2024-03-02', '2024-03-03']);
    });

    it('finds calendar periods with Monday weeks', () => {
      expect(periodContaining('WEEK', '2024-06-16')).to.deep.equal({ start: '2024-06-10', end: '2024-06-16' });
      expect(periodContaining('MONTH', '2024-02-10')).to.deep.equal({ start: '2024-02-01', end: '2024-02-29' });
    });
  });

  describe('budgets and rules', () => {
    it('projects spending to the period end at the current pace', () => {
      const s = budgetStatus(
        { period: 'MONTH', amountMinor: 10000, rollover: false, startsOn: '2024-01-01' },
        { start: '2024-06-01', end: '2024-06-30' },
        '2024-06-10',
        3000,
        0,
        false,
      );
      expect(s).to.include({ percent: 30, remainingMinor: 7000, projectedMinor: 9000 });
    });

    it('matches rules case-insensitively in priority order', () => {
      const base = {
        minAmountMinor: null,
        maxAmountMinor: null,
        memberId: null,
        source: null,
        addTags: [],
        enabled: true,
      };
      const rules = new RuleSet([
        {
          ...base,
          id: 'b',
          priority: 2,
          matchField: 'ANY',
          matchType: 'CONTAINS',
          pattern: 'SHOP',
          categoryId: 'shop',
        },
        {
          ...base,
          id: 'a',
          priority: 1,
          matchField: 'MERCHANT',
          matchType: 'STARTS_WITH',
          pattern: 'ikea',
          categoryId: 'home',
        },
      ]);
      const e = {
        description: 'Big shop',
        merchant: 'IKEA Berlin',
        baseAmountMinor: 1,
        memberId: 'm',
        source: 'MANUAL' as const,
      };
      expect(rules.firstMatch(e)?.categoryId).to.equal('home');
      expect(rules.firstMatch({ ...e, merchant: '' })?.categoryId).to.equal('shop');
    });

    it('skips a stored regex rule whose pattern RE2 refuses, and the next rule still matches', () => {
      const base = {
        minAmountMinor: null,
        maxAmountMinor: null,
        memberId: null,
        source: null,
        addTags: [],
        enabled: true,
        matchField: 'ANY' as const,
      };
      const rules = new RuleSet([
        { ...base, id: 'a', priority: 1, matchType: 'REGEX', pattern: '(?<=big )shop', categoryId: 'lookbehind' },
        { ...base, id: 'b', priority: 2, matchType: 'REGEX', pattern: '^big\\s+shop$', categoryId: 'shop' },
      ]);
      expect(rules.skipped.map((r) => r.id)).to.deep.equal(['a']);
      const e = { description: 'Big SHOP', merchant: '', baseAmountMinor: 1, memberId: 'm', source: 'MANUAL' as const };
      expect(rules.firstMatch(e)?.categoryId).to.equal('shop');
    });
  });

  describe('csv', () => {
    it('writes and reads quotes, commas, newlines and formula-looking text', () => {
      const cells = ['a,b', 'say "hi"', 'two\nlines', escapeFormula('=SUM(A1)'), ' padded '];
      const [row] = parseCsv(csvRow(cells));
      expect(row!.cells.map(unescapeFormula)).to.deep.equal(['a,b', 'say "hi"', 'two\nlines', '=SUM(A1)', ' padded ']);
      const records = parseCsv('\uFEFFh1,h2\n"x\ny",1\n\n2,3');
      expect(records.map((r) => r.line)).to.deep.equal([1, 2, 5]);
    });
  });
});
