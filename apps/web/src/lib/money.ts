// Money on screen: integer minor units shown and read with the currency's ISO 4217 exponent (from the
// BFF's GET /v1/currencies) and the user's locale.
export type Exponents = ReadonlyMap<string, number>;

function exponentOf(exponents: Exponents, currency: string): number {
  const known = exponents.get(currency);
  if (known !== undefined) return known;
  // Before the table has loaded: the locale data's digits for the code.
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(amountMinor: number, currency: string, locale: string, exponents: Exponents): string {
  const exponent = exponentOf(exponents, currency);
  // As an exact decimal string: dividing by 10^exponent in floating point loses the last digit of
  // large amounts (90071992547409.91 becomes …409.9).
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  const decimal = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(`${amountMinor < 0 ? '-' : ''}${decimal}` as Intl.StringNumericLiteral);
}

/**
 * Reads what a user typed ("12,50", "12.5", "1.234,56", "1,234.56") as minor units; `undefined` when
 * it is not an amount or has more decimals than the currency allows.
 */
export function parseMoney(input: string, currency: string, exponents: Exponents): number | undefined {
  const exponent = exponentOf(exponents, currency);
  const text = input.trim().replace(/\s/g, '');
  if (!/^-?[\d.,]+$/.test(text) || !/\d/.test(text)) return undefined;
  const lastSep = Math.max(text.lastIndexOf(','), text.lastIndexOf('.'));
  let whole = text;
  let fraction = '';
  // The last separator is the decimal one, unless three digits follow it in a currency with fewer
  // decimals ("1.234" in German is one thousand two hundred thirty-four).
  if (lastSep >= 0 && !(text.length - lastSep - 1 === 3 && exponent < 3)) {
    whole = text.slice(0, lastSep);
    fraction = text.slice(lastSep + 1);
  }
  whole = whole.replace(/[.,]/g, '');
  if (!/^-?\d*$/.test(whole) || !/^\d*$/.test(fraction) || fraction.length > exponent) return undefined;
  if (whole === '' || whole === '-') whole += '0';
  const minor =
    Number(whole) * 10 ** exponent + (whole.startsWith('-') ? -1 : 1) * Number(fraction.padEnd(exponent, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : undefined;
}
