// FX conversion and allocation of integer minor units with exact decimal arithmetic; currencies and
// their exponents come from @family/service-kit/money (the ISO 4217 table).
// Rounding is half away from zero (12.5 → 13, -12.5 → -13), the rule people expect on receipts.
import { exponentOf } from '@family/service-kit/money';

/** Largest amount accepted anywhere: well inside ±2^53 so int64 fields stay exact as numbers. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

export interface Decimal {
  /** value = units / 10^scale */
  units: bigint;
  scale: number;
}

const RATE = /^(\d{1,12})(?:\.(\d{1,12}))?$/;

/** A positive decimal rate such as "1.0825"; undefined when malformed or not positive. */
export function parseRate(text: string): Decimal | undefined {
  const m = RATE.exec(text.trim());
  if (!m) return undefined;
  const fraction = m[2] ?? '';
  const units = BigInt(m[1]! + fraction);
  if (units <= 0n) return undefined;
  return { units, scale: fraction.length };
}

/** The canonical text of a decimal (no trailing zeros, at least one digit before the point). */
export function formatDecimal({ units, scale }: Decimal): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  let int = digits.slice(0, digits.length - scale);
  let frac = scale > 0 ? digits.slice(digits.length - scale) : '';
  frac = frac.replace(/0+$/, '');
  int = int.replace(/^0+(?=\d)/, '');
  digits = frac ? `${int}.${frac}` : int;
  return negative ? `-${digits}` : digits;
}

/** n / d rounded half away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return q + (n < 0n ? -1n : 1n);
  return q;
}

/** An amount in `currency` minor units converted at `rate` (base units per major unit) to base minor units. */
export function convert(amountMinor: number, currency: string, baseCurrency: string, rate: Decimal): number {
  const shift = exponentOf(baseCurrency) - exponentOf(currency);
  let n = BigInt(amountMinor) * rate.units;
  let d = 10n ** BigInt(rate.scale);
  if (shift >= 0) n *= 10n ** BigInt(shift);
  else d *= 10n ** BigInt(-shift);
  return Number(divRound(n, d));
}

/** The rate implied by an amount and what it cost in base currency, to 10 decimal places. */
export function impliedRate(amountMinor: number, currency: string, baseMinor: number, baseCurrency: string): string {
  const shift = exponentOf(currency) - exponentOf(baseCurrency);
  const scale = 10;
  let n = BigInt(baseMinor) * 10n ** BigInt(scale);
  let d = BigInt(amountMinor);
  if (shift >= 0) n *= 10n ** BigInt(shift);
  else d *= 10n ** BigInt(-shift);
  return formatDecimal({ units: divRound(n, d), scale });
}

/**
 * Splits `total` into parts proportional to `weights` that sum exactly to `total` (largest
 * remainder method; ties go to the earlier part).
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const t = BigInt(total);
  const s = BigInt(sum);
  const exact = weights.map((w) => BigInt(w) * t);
  const parts = exact.map((e) => e / s);
  let rest = t - parts.reduce((a, b) => a + b, 0n);
  const order = exact.map((e, i) => ({ i, r: e % s })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (rest <= 0n) break;
    parts[i]! += 1n;
    rest -= 1n;
  }
  return parts.map(Number);
}
