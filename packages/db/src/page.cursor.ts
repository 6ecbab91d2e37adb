// The one pagination codec: keyset cursors (the sort key of the last row, opaque to clients) and
// page-size rules shared by every list.
import { AppError, isUuid } from '@family/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The page size to use: the default when none is asked, never more than the maximum. */
export function pageLimit(requested: number | undefined, max = MAX_PAGE_SIZE, fallback = DEFAULT_PAGE_SIZE): number {
  if (!requested || requested <= 0) return fallback;
  return Math.min(Math.trunc(requested), max);
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor with `arity` parts; anything else is a 400 on `field`. */
export function decodeCursor(cursor: string, arity: number, field = 'cursor'): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((k) => typeof k === 'string' || typeof k === 'number')
    ) {
      return key;
    }
  } catch {
    // fall through
  }
  throw AppError.invalidField(field, 'is not a cursor from a previous page');
}

type KeyKind = 'string' | 'number';
type KeyOf<K extends readonly KeyKind[]> = { -readonly [I in keyof K]: K[I] extends 'string' ? string : number };

export interface CursorCodec<K extends readonly KeyKind[]> {
  encode(key: KeyOf<K>): string;
  /** The key of a cursor from a previous page; '' → undefined (the first page); else a 400 on `field`. */
  decode(cursor: string | undefined, field?: string): KeyOf<K> | undefined;
}

/** A typed keyset cursor: `pageCursor('string', 'string')` for (occurred_on, id) lists. */
export function pageCursor<const K extends readonly KeyKind[]>(...kinds: K): CursorCodec<K> {
  return {
    encode: (key) => encodeCursor(key as readonly (string | number)[]),
    decode(cursor, field = 'page.cursor') {
      if (!cursor) return undefined;
      const key = decodeCursor(cursor, kinds.length, field);
      if (!key.every((k, i) => typeof k === kinds[i])) {
        throw AppError.invalidField(field, 'is not a cursor from a previous page');
      }
      return key as KeyOf<K>;
    },
  };
}

/** Fetch `limit + 1` rows, then call this: it trims the extra row and makes the next cursor. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => readonly (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : '' };
}

const idCursor = pageCursor('string');

/**
 * A page request for a list keyed by time-ordered UUIDv7 ids (the cursor toPage writes from the last
 * item's id): the page size to use and the id to continue after.
 */
export interface PageInput {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export function afterIdPage(
  page: PageInput | undefined,
  field = 'page.cursor',
): { limit: number; afterId: string | undefined } {
  const limit = pageLimit(page?.limit);
  const key = idCursor.decode(page?.cursor, field);
  if (key && !isUuid(key[0])) throw AppError.invalidField(field, 'is not a cursor from a previous page');
  return { limit, afterId: key?.[0] };
}
