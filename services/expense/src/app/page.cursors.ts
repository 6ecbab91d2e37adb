// The keyset cursors of this service's lists, typed; keys are checked before they reach SQL, so a
// tampered cursor is a 400 on page.cursor rather than a failed query.
import { AppError, isUuid } from '@family/errors';
import { pageCursor } from '@family/db';
import { isDay } from '@family/service-kit/calendar';

const FIELD = 'page.cursor';
const notACursor = () => AppError.invalidField(FIELD, 'is not a cursor from a previous page');

const byId = pageCursor('string');
const byDayAndId = pageCursor('string', 'string');
const byPriorityAndId = pageCursor('number', 'string');
const byText = pageCursor('string');

/** Lists ordered by id (categories, budgets, recurring expenses). */
export function afterId(cursor: string): string | undefined {
  const key = byId.decode(cursor, FIELD);
  if (key && !isUuid(key[0])) throw notACursor();
  return key?.[0];
}

/** Expenses, newest first: (occurredOn, id). */
export function afterDayAndId(cursor: string): { occurredOn: string; id: string } | undefined {
  const key = byDayAndId.decode(cursor, FIELD);
  if (key && !(isDay(key[0]) && isUuid(key[1]))) throw notACursor();
  return key && { occurredOn: key[0], id: key[1] };
}

/** Rules in priority order: (priority, id). */
export function afterPriorityAndId(cursor: string): { priority: number; id: string } | undefined {
  const key = byPriorityAndId.decode(cursor, FIELD);
  if (key && !(Number.isInteger(key[0]) && isUuid(key[1]))) throw notACursor();
  return key && { priority: key[0], id: key[1] };
}

/** Lists ordered by a text key (FX rates by currency). */
export function afterText(cursor: string): string | undefined {
  return byText.decode(cursor, FIELD)?.[0];
}
