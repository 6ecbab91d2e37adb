// Calendar days on the wire: 'YYYY-MM-DD' strings in REST, family.common.v1.Date {year, month, day}
// in gRPC. A day has no time and no zone: it is read in the family's time zone by the services.
import { z } from 'zod';
import type { DateMessage } from '@family/contracts/common/v1/common';

export const DayDto = z.iso.date({ error: 'must be a date as YYYY-MM-DD' }).meta({ example: '2025-03-31' });

export type DayDto = z.infer<typeof DayDto>;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A day the contract says is always set; its absence is an upstream bug (→ 500). */
export function toDay(date: DateMessage | undefined, what: string): DayDto {
  if (!date) throw new Error(`Upstream response is missing ${what}`);
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** An optional day: unset (or all zeros) means none. */
export function toOptionalDay(date: DateMessage | undefined): DayDto | undefined {
  if (!date || (date.year === 0 && date.month === 0 && date.day === 0)) return undefined;
  return toDay(date, 'a day');
}

/** A day validated by DayDto. */
export function fromDay(day: DayDto): DateMessage {
  const [year, month, date] = day.split('-').map(Number);
  return { year: year!, month: month!, day: date! };
}

export function fromOptionalDay(day: DayDto | undefined): DateMessage | undefined {
  return day === undefined ? undefined : fromDay(day);
}
