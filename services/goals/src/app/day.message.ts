import type { DateMessage } from '@family/contracts/common/v1/common';
import { dayParts, type Day } from '../domain/calendar.days.js';

/** A calendar day as the contracts' Date message (for event payloads). */
export function encodeDayMessage(day: Day): DateMessage {
  const p = dayParts(day);
  return { year: p.year, month: p.month, day: p.day };
}
