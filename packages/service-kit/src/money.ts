// Currencies and amounts in integer minor units, by the ISO 4217 table (never by what the running
// ICU happens to think): which codes are accepted, their exponents, and exact text in and out.
import { LIST_ONE, RETIRED, type RetiredRow } from './iso4217.table.js';

export { ISO_4217_EDITION } from './iso4217.table.js';

/** A currency a family, expense, goal or rate may be in. */
export interface Currency {
  /** Alphabetic code, e.g. "EUR". */
  readonly code: string;
  /** Numeric code, three digits, e.g. "978". */
  readonly numeric: string;
  /** Digits of the minor unit: 2 for EUR (cents), 0 for JPY, 3 for KWD, 4 for CLF. */
  readonly exponent: number;
  /** English name as ISO 4217 gives it. */
  readonly name: string;
}

/** A code withdrawn from ISO 4217: refused for new data, still readable in data stored before. */
export type RetiredCurrency = Readonly<RetiredRow>;

export type MoneyErrorReason = 'UNKNOWN_CURRENCY' | 'MALFORMED' | 'TOO_MANY_DECIMALS' | 'OUT_OF_RANGE';

/** What parsing or formatting an amount refuses; the message is fit for a field violation. */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';
  constructor(
    readonly reason: MoneyErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const accepted = new Map<string, Currency>();
/** Codes on List One without a minor unit ("N.A."): precious metals, bond units, SDR, test, none. */
const withoutMinorUnit = new Set<string>();
for (const [code, numeric, exponent, name] of LIST_ONE) {
  if (exponent === null) withoutMinorUnit.add(code);
  else accepted.set(code, Object.freeze({ code, numeric, exponent, name }));
}
const retired = new Map(RETIRED.map((r) => [r.code, Object.freeze({ ...r })]));

/** Every accepted currency, sorted by code (for pickers and `GET /v1/currencies`). */
export const CURRENCIES: readonly Currency[] = Object.freeze(
  [...accepted.values()].sort((a, b) => (a.code < b.code ? -1 : 1)),
);

/** The accepted currency with this code (upper case, as ISO writes it); undefined otherwise. */
export function currency(code: string): Currency | undefined {
  return accepted.get(code);
}

/** Whether new data may be in this currency: on List One with a minor unit, not withdrawn. */
export function isCurrency(code: string): boolean {
  return accepted.has(code);
}

/**
 * Whether stored or reported amounts in this currency can be read: accepted, or withdrawn (an old
 * bank transaction, an event from a family whose currency has since been replaced).
 */
export function isKnownCurrency(code: string): boolean {
  return accepted.has(code) || retired.has(code);
}

/** The withdrawn code, with what replaced it; undefined when the code was never withdrawn. */
export function retiredCurrency(code: string): RetiredCurrency | undefined {
  return retired.get(code);
}

/**
 * Why new data may not be in this currency, as a field message; undefined when it may.
 * A withdrawn code names its replacement; a code without a minor unit says so.
 */
export function currencyRefusal(code: string): string | undefined {
  if (accepted.has(code)) return undefined;
  const old = retired.get(code);
  if (old) {
    return old.replacedBy
      ? `${code} (${old.name}) is withdrawn from ISO 4217; use ${old.replacedBy}`
      : `${code} (${old.name}) is withdrawn from ISO 4217`;
  }
  if (withoutMinorUnit.has(code)) {
    return `${code} has no minor unit in ISO 4217 (a metal, fund unit or test code), so it cannot hold an amount`;
  }
  return 'must be an ISO 4217 currency code such as EUR';
}

/**
 * Digits of the minor unit of an accepted currency or of a withdrawn one (so amounts stored before
 * the withdrawal still read); a MoneyError for anything else.
 */
export function exponentOf(code: string): number {
  const exponent = accepted.get(code)?.exponent ?? retired.get(code)?.exponent;
  if (exponent === undefined) throw new MoneyError('UNKNOWN_CURRENCY', currencyRefusal(code)!);
  return exponent;
}

function toBigInt(amountMinor: number | bigint): bigint {
  if (typeof amountMinor === 'bigint') return amountMinor;
  if (!Number.isSafeInteger(amountMinor)) {
    throw new MoneyError('OUT_OF_RANGE', `${amountMinor} is not a whole number of minor units`);
  }
  return BigInt(amountMinor);
}

/**
 * Minor units as a plain decimal in major units, for CSV and exports: no symbol, no grouping, a dot,
 * always the currency's number of decimals (12345 HUF → "123.45", -5 EUR → "-0.05", 500 JPY → "500").
 */
export function formatMinor(amountMinor: number | bigint, code: string): string {
  const exponent = exponentOf(code);
  const minor = toBigInt(amountMinor);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const int = digits.slice(0, digits.length - exponent);
  const text = exponent > 0 ? `${int}.${digits.slice(digits.length - exponent)}` : int;
  return negative ? `-${text}` : text;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * A plain decimal in major units ("123.45", "-0.05", "500") as integer minor units, exactly (string
 * arithmetic, no floats). Refused with a MoneyError: anything but digits with an optional minus and
 * dot, more decimals than the currency has, and results beyond ±Number.MAX_SAFE_INTEGER.
 */
export function parseMajor(text: string, code: string): number {
  const exponent = exponentOf(code);
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new MoneyError('MALFORMED', 'must be a decimal amount such as 12.50');
  const fraction = m[3] ?? '';
  if (fraction.length > exponent) {
    throw new MoneyError(
      'TOO_MANY_DECIMALS',
      exponent === 0 ? `${code} has no decimals` : `${code} has at most ${exponent} decimals`,
    );
  }
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  // Longer than any safe integer: refused before building a huge BigInt.
  if (int.length + exponent > 17) throw new MoneyError('OUT_OF_RANGE', 'is too large an amount');
  const minor = BigInt(int + fraction.padEnd(exponent, '0'));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError('OUT_OF_RANGE', 'is too large an amount');
  return m[1] && minor !== 0n ? -Number(minor) : Number(minor);
}

const FORMAT_CACHE_LIMIT = 500;
const formats = new Map<string, Intl.NumberFormat>();

function displayFormat(locale: string, code: string, exponent: number): Intl.NumberFormat {
  const key = `${locale}|${code}`;
  let format = formats.get(key);
  if (!format) {
    const options = {
      style: 'currency',
      currency: code,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    } as const;
    try {
      format = new Intl.NumberFormat(locale, options);
    } catch {
      // A malformed locale tag from a profile: English rather than no text at all.
      format = new Intl.NumberFormat('en', options);
    }
    if (formats.size >= FORMAT_CACHE_LIMIT) formats.clear();
    formats.set(key, format);
  }
  return format;
}

/**
 * An amount for people to read (notifications, digests): symbol and grouping from Intl for the
 * locale, the number of decimals from the table ("€12.50", "HUF 123.45", "¥500"). Never throws: an
 * unknown code shows as "<minor units> <code>".
 */
export function formatMoney(amountMinor: number | bigint, code: string, locale = 'en'): string {
  if (!code) return String(amountMinor);
  const exponent = accepted.get(code)?.exponent ?? retired.get(code)?.exponent;
  if (exponent === undefined || (typeof amountMinor === 'number' && !Number.isSafeInteger(amountMinor))) {
    return `${amountMinor} ${code}`;
  }
  // Intl formats a decimal string exactly, so no amount goes through a float.
  return displayFormat(locale, code, exponent).format(formatMinor(amountMinor, code) as Intl.StringNumericLiteral);
}
