// The one place provider amounts become money: a positive decimal string, a direction and an ISO 4217
// code → signed integer minor units with the currency's exponent (positive = money out, as the expense
// service counts spending), by string arithmetic. Amounts with more decimals than the currency has
// (a provider sending 12.345 USD) are rounded half away from zero on the extra digits.
import { exponentOf, MoneyError, parseMajor } from '@family/service-kit/money';
import { isDay, type Day } from '@family/service-kit/calendar';
import type { ProviderTransaction } from '../adapters/bank.adapter.js';

/** A provider transaction in the service's terms, on one of our accounts. */
export interface NormalisedTransaction {
  providerTransactionId: string;
  accountId: string;
  /** Positive: money out (spending); negative: money in. */
  amountMinor: number;
  currency: string;
  bookedOn: Day;
  pending: boolean;
  pendingTransactionId: string | null;
  description: string;
  merchant: string;
}

/** Minor units of a positive decimal amount, exactly; extra decimals rounded half away from zero. */
export function minorUnits(amount: string, currency: string): number {
  const text = amount.trim();
  try {
    return parseMajor(text, currency);
  } catch (err) {
    if (!(err instanceof MoneyError) || err.reason !== 'TOO_MANY_DECIMALS') throw err;
    const exponent = exponentOf(currency);
    const [int, fraction] = text.replace(/^-/, '').split('.') as [string, string];
    const kept = parseMajor(`${int}${exponent ? `.${fraction.slice(0, exponent)}` : ''}`, currency);
    const up = Number(fraction[exponent]) >= 5 ? 1 : 0;
    return text.startsWith('-') ? -(kept + up) : kept + up;
  }
}

/** Money out is positive, money in negative; a provider sending a signed amount is read by its magnitude. */
export function signedMinor(amount: string, direction: 'OUT' | 'IN', currency: string): number {
  const magnitude = Math.abs(minorUnits(amount, currency));
  return direction === 'OUT' ? magnitude : -magnitude;
}

/**
 * A provider transaction on our account `accountId`, or a reason it cannot be read (an unknown
 * currency, a malformed amount or day): such a transaction is skipped and logged, never guessed.
 */
export function normalise(
  t: ProviderTransaction,
  accountId: string,
  accountCurrency: string,
): NormalisedTransaction | { invalid: string } {
  const currency = (t.currency || accountCurrency).toUpperCase();
  let amountMinor: number;
  try {
    amountMinor = signedMinor(t.amount, t.direction, currency);
  } catch (err) {
    return { invalid: `amount ${JSON.stringify(t.amount)} ${currency}: ${(err as Error).message}` };
  }
  if (!isDay(t.bookedOn)) return { invalid: `booked on ${JSON.stringify(t.bookedOn)} is not a day` };
  return {
    providerTransactionId: t.providerTransactionId,
    accountId,
    amountMinor,
    currency,
    bookedOn: t.bookedOn,
    pending: t.pending,
    pendingTransactionId: t.pendingTransactionId || null,
    description: (t.description || t.merchant || '').trim().slice(0, 500),
    merchant: (t.merchant ?? '').trim().slice(0, 200),
  };
}
