import { expect } from 'chai';
import {
  CURRENCIES,
  currency,
  currencyRefusal,
  exponentOf,
  formatMinor,
  formatMoney,
  isCurrency,
  isKnownCurrency,
  MoneyError,
  parseMajor,
  retiredCurrency,
} from '@family/service-kit/money';

/** The MoneyError `fn` throws. */
function refusal(fn: () => unknown): MoneyError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(MoneyError);
    return err as MoneyError;
  }
  throw new Error('expected a MoneyError');
}

describe('money (ISO 4217)', () => {
  it('knows the minor units from the standard, not from ICU', () => {
    const expected = { HUF: 2, JPY: 0, KWD: 3, IQD: 3, IDR: 2, COP: 2, EUR: 2, CLF: 4, UYW: 4, ZWG: 2, XCG: 2 };
    for (const [code, exponent] of Object.entries(expected)) {
      expect(exponentOf(code), code).to.equal(exponent);
      expect(currency(code)?.exponent, code).to.equal(exponent);
    }
    expect(currency('HUF')).to.deep.equal({ code: 'HUF', numeric: '348', exponent: 2, name: 'Forint' });
  });

  it('lists every accepted currency once, sorted by code, each with a name', () => {
    const codes = CURRENCIES.map((c) => c.code);
    expect(codes).to.deep.equal([...codes].sort());
    expect(new Set(codes).size).to.equal(codes.length);
    expect(codes).to.include.members(['EUR', 'HUF', 'JPY', 'KWD', 'SLE', 'VES', 'MRU', 'STN', 'BYN', 'ZWG']);
    expect(CURRENCIES.every((c) => /^[A-Z]{3}$/.test(c.code) && /^\d{3}$/.test(c.numeric) && c.name.length > 0)).to.be
      .true;
  });

  it('refuses withdrawn codes and names what replaced them', () => {
    const replacements = { HRK: 'EUR', SLL: 'SLE', VEF: 'VES', MRO: 'MRU', STD: 'STN', BYR: 'BYN', ZWL: 'ZWG' };
    for (const [old, replacement] of Object.entries(replacements)) {
      expect(isCurrency(old), old).to.be.false;
      expect(currency(old), old).to.be.undefined;
      expect(retiredCurrency(old)?.replacedBy, old).to.equal(replacement);
      expect(currencyRefusal(old), old).to.match(new RegExp(`^${old} .*withdrawn.*use ${replacement}$`));
      expect(CURRENCIES.map((c) => c.code)).not.to.include(old);
    }
  });

  it('still reads amounts stored under a withdrawn code', () => {
    expect(isKnownCurrency('HRK')).to.be.true;
    expect(formatMinor(12345, 'HRK')).to.equal('123.45');
    expect(exponentOf('BYR')).to.equal(0);
  });

  it('refuses codes without a minor unit (metals, SDR, test and no-currency codes)', () => {
    for (const code of ['XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XSU', 'XUA', 'XBA', 'XTS', 'XXX']) {
      expect(isCurrency(code), code).to.be.false;
      expect(isKnownCurrency(code), code).to.be.false;
      expect(currencyRefusal(code), code).to.match(/no minor unit/);
      expect(refusal(() => exponentOf(code)).reason).to.equal('UNKNOWN_CURRENCY');
    }
  });

  it('refuses codes that are not ISO 4217 at all, and lower case', () => {
    expect(currencyRefusal('ABC')).to.equal('must be an ISO 4217 currency code such as EUR');
    expect(isCurrency('eur')).to.be.false;
    expect(currencyRefusal('EUR')).to.be.undefined;
    expect(refusal(() => formatMinor(1, 'ABC')).reason).to.equal('UNKNOWN_CURRENCY');
  });

  it('formats minor units as a plain decimal with every decimal of the currency', () => {
    expect(formatMinor(12345, 'HUF')).to.equal('123.45');
    expect(formatMinor(-5, 'EUR')).to.equal('-0.05');
    expect(formatMinor(500, 'JPY')).to.equal('500');
    expect(formatMinor(-500, 'JPY')).to.equal('-500');
    expect(formatMinor(0, 'EUR')).to.equal('0.00');
    expect(formatMinor(1, 'KWD')).to.equal('0.001');
    expect(formatMinor(10000, 'CLF')).to.equal('1.0000');
    expect(formatMinor(Number.MAX_SAFE_INTEGER, 'EUR')).to.equal('90071992547409.91');
    expect(formatMinor(-Number.MAX_SAFE_INTEGER, 'KWD')).to.equal('-9007199254740.991');
    expect(formatMinor(12345678901234567890n, 'EUR')).to.equal('123456789012345678.90');
    expect(refusal(() => formatMinor(1.5, 'EUR')).reason).to.equal('OUT_OF_RANGE');
  });

  it('parses decimals into minor units exactly, and round-trips', () => {
    expect(parseMajor('123.45', 'HUF')).to.equal(12345);
    expect(parseMajor('-0.05', 'EUR')).to.equal(-5);
    expect(parseMajor('12.5', 'EUR')).to.equal(1250);
    expect(parseMajor('12', 'EUR')).to.equal(1200);
    expect(parseMajor(' 500 ', 'JPY')).to.equal(500);
    expect(parseMajor('0.1', 'IQD')).to.equal(100);
    expect(parseMajor('-0', 'EUR')).to.equal(0);
    expect(Object.is(parseMajor('-0.00', 'EUR'), 0)).to.be.true;
    // Floats would get these wrong: 0.29 * 100 is 28.999999999999996.
    expect(parseMajor('0.29', 'EUR')).to.equal(29);
    expect(parseMajor('1.005', 'KWD')).to.equal(1005);
    for (const [minor, code] of [
      [Number.MAX_SAFE_INTEGER, 'EUR'],
      [-Number.MAX_SAFE_INTEGER, 'EUR'],
      [Number.MAX_SAFE_INTEGER, 'JPY'],
      [Number.MAX_SAFE_INTEGER, 'CLF'],
      [-1, 'KWD'],
      [12345, 'HUF'],
      [99, 'IDR'],
    ] as const) {
      expect(parseMajor(formatMinor(minor, code), code), `${minor} ${code}`).to.equal(minor);
    }
  });

  it('refuses more decimals than the currency has, malformed text and amounts beyond safe integers', () => {
    const tooPrecise = refusal(() => parseMajor('12.505', 'EUR'));
    expect(tooPrecise.reason).to.equal('TOO_MANY_DECIMALS');
    expect(tooPrecise.message).to.equal('EUR has at most 2 decimals');
    expect(refusal(() => parseMajor('1.5', 'JPY')).message).to.equal('JPY has no decimals');
    expect(refusal(() => parseMajor('1.0', 'JPY')).reason).to.equal('TOO_MANY_DECIMALS');
    expect(refusal(() => parseMajor('0.0001', 'KWD')).reason).to.equal('TOO_MANY_DECIMALS');
    for (const text of ['', '1,50', '1e3', '+1', '.5', '5.', '--1', '1.2.3', 'NaN', '0x10']) {
      expect(refusal(() => parseMajor(text, 'EUR')).reason, text).to.equal('MALFORMED');
    }
    expect(refusal(() => parseMajor('90071992547409.92', 'EUR')).reason).to.equal('OUT_OF_RANGE');
    expect(refusal(() => parseMajor('9'.repeat(400), 'EUR')).reason).to.equal('OUT_OF_RANGE');
    expect(refusal(() => parseMajor('1', 'XAU')).reason).to.equal('UNKNOWN_CURRENCY');
  });

  it('formats for people with the locale’s symbol and grouping but the table’s decimals', () => {
    expect(formatMoney(1250, 'EUR')).to.equal('€12.50');
    expect(formatMoney(500, 'JPY')).to.equal('¥500');
    expect(formatMoney(12345, 'HUF')).to.equal('HUF\u00a0123.45');
    expect(formatMoney(123456789, 'IDR')).to.equal('IDR\u00a01,234,567.89');
    expect(formatMoney(1234, 'IQD')).to.equal('IQD\u00a01.234');
    expect(formatMoney(-5, 'EUR')).to.equal('-€0.05');
    expect(formatMoney(123456, 'EUR', 'de-DE')).to.equal('1.234,56\u00a0€');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR')).to.equal('€90,071,992,547,409.91');
  });

  it('never throws while formatting for people', () => {
    expect(formatMoney(1250, 'EUR', 'not a locale!')).to.equal('€12.50');
    expect(formatMoney(5, 'XAU')).to.equal('5 XAU');
    expect(formatMoney(5, '')).to.equal('5');
  });
});
