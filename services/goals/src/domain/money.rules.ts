// Money arithmetic in integer minor units, with the rounding rules of docs/decisions/0011-goals-service.md: splits floor every
// jar's share and give the remainder to the last jar with a positive share; matches and interest
// round down and respect their caps. Products use BigInt so no intermediate value loses precision.
import type { Violations } from '@family/errors';
import { JARS, MAX_AMOUNT_MINOR, type JarAmounts, type JarName, type Split } from './goals.types.js';

const key: Record<JarName, keyof Split> = { SPEND: 'spend', SAVE: 'save', GIVE: 'give' };

function floorPercent(amount: number, numerator: number, denominator: number): number {
  return Number((BigInt(amount) * BigInt(numerator)) / BigInt(denominator));
}

/** Splits `amount` by the percentages of `split` (summing to 100), losing nothing to rounding. */
export function splitAmount(amount: number, split: Split): JarAmounts {
  const out: JarAmounts = { spend: 0, save: 0, give: 0 };
  let given = 0;
  let last: keyof Split = 'spend';
  for (const jar of JARS) {
    const k = key[jar];
    if (split[k] > 0) last = k;
    out[k] = floorPercent(amount, split[k], 100);
    given += out[k];
  }
  out[last] += amount - given;
  return out;
}

/** The jars of a split amount in a fixed order (SPEND, SAVE, GIVE), zeros left out. */
export function jarAmounts(amounts: JarAmounts): { jar: JarName; amount: number }[] {
  return JARS.map((jar) => ({ jar, amount: amounts[key[jar]] })).filter((x) => x.amount > 0);
}

/**
 * The parent match for a SAVE-jar contribution: `percent` of it rounded down, no more than what is
 * left of this month's cap (capMinor 0 = no cap), and never beyond the goal's target.
 */
export function matchFor(input: {
  amountMinor: number;
  percent: number;
  capMinor: number;
  matchedThisMonthMinor: number;
  roomToTargetMinor: number;
}): number {
  if (input.percent <= 0) return 0;
  let match = floorPercent(input.amountMinor, input.percent, 100);
  if (input.capMinor > 0) match = Math.min(match, Math.max(0, input.capMinor - input.matchedThisMonthMinor));
  return Math.max(0, Math.min(match, input.roomToTargetMinor));
}

/** A month's interest on a SAVE balance: rate in basis points, rounded down, then capped (0 = no cap). */
export function interestFor(input: { balanceMinor: number; rateBps: number; capMinor: number }): number {
  if (input.rateBps <= 0 || input.balanceMinor <= 0) return 0;
  const interest = floorPercent(input.balanceMinor, input.rateBps, 10_000);
  return input.capMinor > 0 ? Math.min(interest, input.capMinor) : interest;
}

/** A positive amount of money no larger than MAX_AMOUNT_MINOR. */
export function checkAmount(v: Violations, field: string, amount: number, { allowZero = false } = {}): void {
  if (!Number.isSafeInteger(amount) || amount < (allowZero ? 0 : 1)) {
    v.add(field, allowZero ? 'must be zero or more' : 'must be a positive amount in minor units');
  } else if (amount > MAX_AMOUNT_MINOR) {
    v.add(field, `must be at most ${MAX_AMOUNT_MINOR}`);
  }
}

/** Whole percentages per jar, each 0–100, summing to 100. */
export function checkSplit(v: Violations, field: string, split: Split): void {
  const parts = [split.spend, split.save, split.give];
  if (parts.some((p) => !Number.isInteger(p) || p < 0 || p > 100)) {
    v.add(field, 'each share must be a whole percentage from 0 to 100');
  } else if (parts.reduce((a, b) => a + b, 0) !== 100) {
    v.add(field, 'the shares must sum to 100');
  }
}
