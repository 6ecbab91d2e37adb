// Iterates a cursor-paged list (`{ items, nextCursor }`, nextCursor null on the last page).

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Yields every item, fetching the next page only when the previous one is consumed. `fetchPage`
 * gets `undefined` for the first page, then each `nextCursor`; it throws to stop on an error.
 */
export async function* pages<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
