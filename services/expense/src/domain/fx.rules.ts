// Where an expense's base-currency amount comes from: the base currency itself, a rate or amount the
// user gave, or the family's own rate table. There is no external FX service.
import { AppError, Violations } from '@family/errors';
import type { FxSourceName } from '../db/schema.js';
import { convert, formatDecimal, impliedRate, MAX_AMOUNT_MINOR, parseRate } from './money.rules.js';

export interface BaseAmount {
  baseAmountMinor: number;
  fxRate: string;
  fxRateSource: FxSourceName;
}

export const FX_RATE_MISSING = 'FX_RATE_MISSING';

/**
 * The base amount of something that happened elsewhere (a jar purchase, a bank transaction): it is
 * recorded whether or not the family has a rate for its currency. Without one it is labelled as
 * having none, the original amount standing in for the base amount until a parent sets it.
 */
export function recordedBaseAmount(
  input: { amountMinor: number; currency: string; baseCurrency: string; tableRate?: string | undefined },
  prefix = '',
): BaseAmount {
  try {
    return resolveBaseAmount(input, prefix);
  } catch (err) {
    if (!(err instanceof AppError && err.code === FX_RATE_MISSING)) throw err;
    return { baseAmountMinor: input.amountMinor, fxRate: '1', fxRateSource: 'UNAVAILABLE' };
  }
}

export function resolveBaseAmount(
  input: {
    amountMinor: number;
    currency: string;
    baseCurrency: string;
    userRate?: string | undefined;
    userBaseAmountMinor?: number | undefined;
    tableRate?: string | undefined;
  },
  prefix = '',
): BaseAmount {
  const v = new Violations();
  const rateField = `${prefix}fxRate`;
  const baseField = `${prefix}baseAmountMinor`;
  if (input.currency === input.baseCurrency) {
    v.check(input.userRate === undefined, rateField, 'is only for an expense in a foreign currency');
    v.check(input.userBaseAmountMinor === undefined, baseField, 'is only for an expense in a foreign currency');
    v.throwIfAny();
    return { baseAmountMinor: input.amountMinor, fxRate: '1', fxRateSource: 'NONE' };
  }
  if (input.userBaseAmountMinor !== undefined) {
    const b = input.userBaseAmountMinor;
    v.check(
      Number.isInteger(b) && b > 0 && b <= MAX_AMOUNT_MINOR,
      baseField,
      'must be a positive whole number of minor units',
    );
    v.throwIfAny();
    return {
      baseAmountMinor: b,
      fxRate: impliedRate(input.amountMinor, input.currency, b, input.baseCurrency),
      fxRateSource: 'USER',
    };
  }
  const given = input.userRate ?? input.tableRate;
  if (given === undefined) {
    throw new AppError(
      'INVALID_ARGUMENT',
      FX_RATE_MISSING,
      `No rate for ${input.currency} in the family's rate table`,
      {
        violations: [
          {
            field: rateField,
            message: `give a rate or baseAmountMinor, or add ${input.currency} to the family's rates`,
          },
        ],
      },
    );
  }
  const rate = parseRate(given);
  if (!rate) throw AppError.invalidField(rateField, 'must be a positive decimal such as 1.0825');
  const baseAmountMinor = convert(input.amountMinor, input.currency, input.baseCurrency, rate);
  v.check(baseAmountMinor > 0 && baseAmountMinor <= MAX_AMOUNT_MINOR, rateField, 'gives a base amount out of range');
  v.throwIfAny();
  return {
    baseAmountMinor,
    fxRate: formatDecimal(rate),
    fxRateSource: input.userRate !== undefined ? 'USER' : 'FAMILY_TABLE',
  };
}
