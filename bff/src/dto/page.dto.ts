// Cursor pagination over REST: `?limit=&cursor=` in, `{items, nextCursor}` out (null on the last
// page), mapped to and from family.common.v1.PageRequest/PageResponse.
import { z } from 'zod';
import type { PageRequest, PageResponse } from '@family/contracts/common/v1/common';
import { text } from './text.field.js';

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: text({ max: 512 }).optional(),
});

export type PageQuery = z.infer<typeof PageQuery>;

/** A page of `item`, registered in OpenAPI as `id`. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
}

export function toPageRequest(query: PageQuery): PageRequest {
  return { limit: query.limit ?? 0, cursor: query.cursor ?? '' };
}

export function toNextCursor(page: PageResponse | undefined): string | null {
  return page?.nextCursor || null;
}
