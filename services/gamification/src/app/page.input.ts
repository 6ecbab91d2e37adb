// Page requests of this service's lists: keyset cursors over (instant, id), newest first.
import { AppError } from '@family/errors';
import { pageCursor, encodeCursor, pageLimit } from '@family/db';
import type { Page, PageQuery } from '../store/gamification.repository.js';

const cursor = pageCursor('string', 'string');

export interface PageInput {
  limit: number;
  cursor: string;
}

/** The page asked for; a cursor not made by this service's lists is a violation on `<field>.cursor`. */
export function pageQuery(
  page: PageInput | undefined,
  field: string,
  { max = 100, fallback = 20, ids = /^[\w:.-]{1,100}$/ }: { max?: number; fallback?: number; ids?: RegExp } = {},
): PageQuery {
  const limit = pageLimit(page?.limit, max, fallback);
  const key = cursor.decode(page?.cursor, `${field}.cursor`);
  if (key && (Number.isNaN(Date.parse(key[0])) || !ids.test(key[1]))) {
    throw AppError.invalidField(`${field}.cursor`, 'is not a cursor from a previous page');
  }
  return key ? { limit, after: key } : { limit };
}

/** Quests and badges are keyed by UUIDs. */
export const UUID_KEYS = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function nextCursor<T>(page: Page<T>): string {
  return page.nextAfter ? encodeCursor(page.nextAfter) : '';
}
