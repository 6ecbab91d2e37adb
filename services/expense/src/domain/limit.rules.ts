// Spending limits for children: per day, week and month (calendar periods in the family's zone) and
// blocked categories. An expense that takes the member over a limit is still recorded, and flagged.
import type { Violations } from '@family/errors';
import { MAX_AMOUNT_MINOR } from './money.rules.js';
import type { PeriodKind } from '@family/service-kit/calendar';

export type LimitPeriod = Extract<PeriodKind, 'DAY' | 'WEEK' | 'MONTH'>;
export const LIMIT_PERIODS: readonly LimitPeriod[] = ['DAY', 'WEEK', 'MONTH'];

export function checkLimits(
  v: Violations,
  limits: readonly { period: LimitPeriod | undefined; amountMinor: number }[],
) {
  const seen = new Set<string>();
  limits.forEach((l, i) => {
    if (!l.period) v.add(`limits.${i}.period`, 'must be DAY, WEEK or MONTH');
    else if (seen.has(l.period)) v.add(`limits.${i}.period`, 'at most one limit per period');
    else seen.add(l.period);
    v.check(
      Number.isInteger(l.amountMinor) && l.amountMinor > 0 && l.amountMinor <= MAX_AMOUNT_MINOR,
      `limits.${i}.amountMinor`,
      'must be a positive whole number of minor units',
    );
  });
}

/**
 * Walks new expenses (in time order) on top of what was already spent in the window and says which
 * of them leave the total over the limit.
 */
export function overLimit(limitMinor: number, spentBefore: number, amounts: readonly number[]): boolean[] {
  let running = spentBefore;
  return amounts.map((a) => {
    running += a;
    return running > limitMinor;
  });
}
