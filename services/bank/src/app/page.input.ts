// Page requests for this service's lists, over the typed cursor codec of @family/db: every list here
// is keyed by a time-ordered UUIDv7 id.
import { AppError, isUuid } from '@family/errors';
import { pageCursor, pageLimit } from '@family/db';

export interface PageInput {
  limit: number;
  cursor: string;
}

const idCursor = pageCursor('string');

export function pageOf(page: PageInput | undefined): { limit: number; afterId: string | undefined } {
  const limit = pageLimit(page?.limit);
  const key = idCursor.decode(page?.cursor, 'page.cursor');
  if (!key) return { limit, afterId: undefined };
  const [id] = key;
  if (!isUuid(id)) throw AppError.invalidField('page.cursor', 'is not a cursor from a previous page');
  return { limit, afterId: id };
}
