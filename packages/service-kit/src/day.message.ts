// Calendar days on the gRPC wire (family.common.v1.Date {year, month, day}): unset or all zeros is
// "no day", an impossible date from a caller is a violation on the field that carried it.
import { AppError } from '@family/errors';
import { dayOf, toYmd, type Day, type YearMonthDay } from './calendar.days.js';

export function dayFromMessage(date: YearMonthDay | undefined, field: string): Day | undefined {
  if (!date || (date.year === 0 && date.month === 0 && date.day === 0)) return undefined;
  const day = dayOf(date.year, date.month, date.day);
  if (!day) throw AppError.invalidField(field, 'is not a valid calendar date');
  return day;
}

export function requireDayFromMessage(date: YearMonthDay | undefined, field: string): Day {
  const day = dayFromMessage(date, field);
  if (!day) throw AppError.invalidField(field, 'is required');
  return day;
}

export function dayToMessage(day: Day | null | undefined): YearMonthDay | undefined {
  return day ? toYmd(day) : undefined;
}
