// Page requests for this service's lists, over the one cursor codec of @family/db: every list here is
// keyed by a time-ordered UUIDv7 id.
import { AppError, isUuid } from '@family/errors';
import { decodeCursor, pageLimit } from '@family/db';

export interface PageInput {
  limit: number;
  cursor: string;
}

export function pageOf(page: PageInput | undefined): { limit: number; afterId: string | undefined } {
  const limit = pageLimit(page?.limit);
  if (!page?.cursor) return { limit, afterId: undefined };
  const id = String(decodeCursor(page.cursor, 1)[0]);
  if (!isUuid(id)) throw AppError.invalidField('cursor', 'is not a cursor from a previous page');
  return { limit, afterId: id };
}
