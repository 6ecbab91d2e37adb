// Budget periods, status and thresholds. Periods are calendar weeks (Monday first), months or years
// in the family's time zone. Rollover carries the previous period's unspent (or overspent) amount
// into the current one; it does not compound over older periods.
import { charLength, type Violations } from '@family/errors';
import { daysBetween, periodContaining, previousPeriod, type Day, type Period } from '@family/service-kit/calendar';
import { divRound, MAX_AMOUNT_MINOR } from './money.rules.js';

export type BudgetPeriodKind = 'WEEK' | 'MONTH' | 'YEAR';

export const DEFAULT_THRESHOLDS = [80, 100];

export interface BudgetShape {
  period: BudgetPeriodKind;
  amountMinor: number;
  rollover: boolean;
  startsOn: Day;
}

export interface BudgetStatus {
  periodStart: Day;
  periodEnd: Day;
  spentMinor: number;
  remainingMinor: number;
  percent: number;
  projectedMinor: number;
  rolloverMinor: number;
}

export function checkBudgetName(v: Violations, name: string): void {
  const n = name.trim();
  v.check(charLength(n) >= 1 && charLength(n) <= 80, 'name', 'must be 1-80 characters');
}

export function checkBudgetAmount(v: Violations, amountMinor: number): void {
  v.check(
    Number.isInteger(amountMinor) && amountMinor > 0 && amountMinor <= MAX_AMOUNT_MINOR,
    'amountMinor',
    'must be a positive whole number of minor units',
  );
}

export function checkThresholds(v: Violations, thresholds: readonly number[]): void {
  v.check(thresholds.length <= 10, 'thresholds', 'at most 10 thresholds');
  v.check(new Set(thresholds).size === thresholds.length, 'thresholds', 'must not repeat');
  thresholds.forEach((t, i) =>
    v.check(Number.isInteger(t) && t >= 1 && t <= 1000, `thresholds.${i}`, 'must be a percent from 1 to 1000'),
  );
}

/** The period to report on and the one before it (for rollover). */
export function budgetPeriods(kind: BudgetPeriodKind, on: Day): { current: Period; previous: Period } {
  return { current: periodContaining(kind, on), previous: previousPeriod(kind, on) };
}

/** Whether the previous period's leftover counts: rollover is on and the budget existed then. */
export function rolloverApplies(b: BudgetShape, previous: Period): boolean {
  return b.rollover && b.startsOn <= previous.end;
}

export function budgetStatus(
  b: BudgetShape,
  current: Period,
  today: Day,
  spentMinor: number,
  previousSpentMinor: number,
  rolloverOn: boolean,
): BudgetStatus {
  const rolloverMinor = rolloverOn ? b.amountMinor - previousSpentMinor : 0;
  const limit = b.amountMinor + rolloverMinor;
  const percent = limit > 0 ? Number((BigInt(spentMinor) * 100n) / BigInt(limit)) : spentMinor > 0 ? 100 : 0;
  let projectedMinor = spentMinor;
  if (today >= current.start && today < current.end) {
    const elapsed = daysBetween(current.start, today) + 1;
    const total = daysBetween(current.start, current.end) + 1;
    projectedMinor = Number(divRound(BigInt(spentMinor) * BigInt(total), BigInt(elapsed)));
  }
  return {
    periodStart: current.start,
    periodEnd: current.end,
    spentMinor,
    remainingMinor: limit - spentMinor,
    percent: Math.min(percent, 2_000_000_000),
    projectedMinor,
    rolloverMinor,
  };
}

/** The thresholds a status has reached. */
export function reachedThresholds(thresholds: readonly number[], status: BudgetStatus): number[] {
  return thresholds.filter((t) => status.percent >= t).sort((a, b) => a - b);
}
