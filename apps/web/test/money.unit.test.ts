// Amounts on screen: integer minor units shown and read with the currency's ISO 4217 exponent and
// the user's locale (src/lib/money.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { formatMoney, parseMoney } from '../src/lib/money';

// What GET /v1/currencies answers for these codes; IQD's ISO exponent (3) differs from the locale data's (0).
const exponents = new Map([
  ['EUR', 2],
  ['USD', 2],
  ['JPY', 0],
  ['BHD', 3],
  ['KWD', 3],
  ['IQD', 3],
]);
const notLoaded = new Map<string, number>();

/** Each row: the amount in minor units, the currency, the locale, and what the user reads. */
function expectShown(rows: [number, string, string, string][], table: ReadonlyMap<string, number> = exponents) {
  for (const [amountMinor, currency, locale, text] of rows) {
    // Intl puts a no-break space between amount and symbol in some locales; compare with plain spaces.
    const shown = formatMoney(amountMinor, currency, locale, table).replace(/\s/g, ' ');
    expect(shown, `${amountMinor} ${currency} in ${locale}`).to.equal(text);
  }
}

/** Each row: what the user typed, the currency, and the minor units read (undefined: refused). */
function expectRead(rows: [string, string, number | undefined][]) {
  for (const [input, currency, minor] of rows) {
    expect(parseMoney(input, currency, exponents), `${JSON.stringify(input)} in ${currency}`).to.equal(minor);
  }
}

describe('web app: money', () => {
  describe('formatMoney', () => {
    it('shows euros and dollars with two decimals, in English and in German', () => {
      expectShown([
        [1250, 'EUR', 'en', '€12.50'],
        [1250, 'EUR', 'de', '12,50 €'],
        [1250, 'USD', 'en', '$12.50'],
        [1250, 'USD', 'de', '12,50 $'],
        [123456789, 'EUR', 'en', '€1,234,567.89'],
        [123456789, 'EUR', 'de', '1.234.567,89 €'],
      ]);
    });

    it('shows yen without decimals', () => {
      expectShown([
        [1234, 'JPY', 'en', '¥1,234'],
        [1234, 'JPY', 'de', '1.234 ¥'],
        [5, 'JPY', 'en', '¥5'],
      ]);
    });

    it('shows Bahraini and Kuwaiti dinars with three decimals', () => {
      expectShown([
        [1234567, 'BHD', 'en', 'BHD 1,234.567'],
        [1234567, 'BHD', 'de', '1.234,567 BHD'],
        [5, 'KWD', 'en', 'KWD 0.005'],
        [1000, 'KWD', 'de', '1,000 KWD'],
      ]);
    });

    it('shows small amounts with their leading zeros', () => {
      expectShown([
        [1, 'EUR', 'en', '€0.01'],
        [0, 'EUR', 'de', '0,00 €'],
        [-7, 'EUR', 'en', '-€0.07'],
      ]);
    });

    it('shows negative amounts with a minus sign in either language', () => {
      expectShown([
        [-1250, 'EUR', 'en', '-€12.50'],
        [-1250, 'EUR', 'de', '-12,50 €'],
        [-500, 'JPY', 'en', '-¥500'],
        [-1234567, 'KWD', 'de', '-1.234,567 KWD'],
      ]);
    });

    it('shows the largest safe amounts without a floating-point error', () => {
      expectShown([
        [Number.MAX_SAFE_INTEGER, 'EUR', 'en', '€90,071,992,547,409.91'],
        [Number.MAX_SAFE_INTEGER, 'BHD', 'de', '9.007.199.254.740,991 BHD'],
        [-Number.MAX_SAFE_INTEGER, 'JPY', 'en', '-¥9,007,199,254,740,991'],
      ]);
    });

    it('keeps every digit of any safe amount', () => {
      fc.assert(
        fc.property(fc.maxSafeInteger(), fc.constantFrom('EUR', 'JPY', 'BHD'), (amount, currency) => {
          const exponent = exponents.get(currency)!;
          const digits = formatMoney(amount, currency, 'en', exponents).replace(/\D/g, '');
          expect(digits).to.equal(String(Math.abs(amount)).padStart(exponent + 1, '0'));
        }),
      );
    });

    it("uses the currency table's exponent, and the locale's digits until the table has loaded", () => {
      expectShown([[100, 'IQD', 'en', 'IQD 0.100']]);
      expectShown(
        [
          [100, 'IQD', 'en', 'IQD 100'],
          [1250, 'EUR', 'en', '€12.50'],
          [1234, 'JPY', 'en', '¥1,234'],
          [1234, 'BHD', 'en', 'BHD 1.234'],
        ],
        notLoaded,
      );
    });
  });

  describe('parseMoney', () => {
    it('reads a comma or a point as the decimal separator', () => {
      expectRead([
        ['12,50', 'EUR', 1250],
        ['12.5', 'EUR', 1250],
        [' 12 ', 'EUR', 1200],
        ['0,05', 'EUR', 5],
      ]);
    });

    it('reads thousands separators of either language', () => {
      expectRead([
        ['1.234,56', 'EUR', 123456],
        ['1,234.56', 'EUR', 123456],
        ['1 234,56', 'EUR', 123456],
      ]);
    });

    it('reads three digits after one separator as thousands when the currency has fewer decimals', () => {
      expectRead([
        ['1.234', 'EUR', 123400],
        ['1,234', 'JPY', 1234],
        ['1.234', 'BHD', 1234],
        ['1.234,500', 'KWD', 1234500],
      ]);
    });

    it('reads negative amounts', () => {
      expectRead([
        ['-12,50', 'EUR', -1250],
        ['-0,50', 'EUR', -50],
      ]);
    });

    it('refuses more decimals than the currency has', () => {
      expectRead([
        ['12.5', 'JPY', undefined],
        ['1,234', 'JPY', 1234],
        ['1.2345', 'BHD', undefined],
        ['12,505', 'EUR', 1250500],
        ['12,5050', 'EUR', undefined],
      ]);
    });

    it('refuses what is not an amount', () => {
      expectRead(['', ' ', 'abc', '12€', '1e3', '.', ',', '-', '--1', '1-2'].map((text) => [text, 'EUR', undefined]));
    });

    it('refuses amounts beyond the safe integers', () => {
      expectRead([
        ['90071992547409,91', 'EUR', Number.MAX_SAFE_INTEGER],
        ['90071992547409,92', 'EUR', undefined],
        ['100000000000000000', 'JPY', undefined],
      ]);
    });
  });
});
