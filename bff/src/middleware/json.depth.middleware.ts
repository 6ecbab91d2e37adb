// Refuses a JSON body nested deeper than a fixed depth, right after parsing and before anything else
// reads it (rate limits, validation, the idempotency fingerprint, the handler): recursive code
// further on — canonical JSON, zod, protobuf encoding — would otherwise overflow the stack on it.
import type { RequestHandler } from 'express';
import { AppError } from '@family/errors';

/** Deeper than any body the API defines (its deepest is a few levels), far below a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/** How deep a parsed JSON value nests (a scalar is 0, `[]` and `{}` are 1), measured without recursion. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

export function jsonDepthLimit(limit = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    if (req.body !== null && typeof req.body === 'object' && jsonDepthExceeds(req.body, limit)) {
      next(
        new AppError('INVALID_ARGUMENT', 'BODY_TOO_DEEP', `The JSON body nests deeper than ${limit} levels`, {
          violations: [{ field: 'body', message: `must not nest deeper than ${limit} levels` }],
        }),
      );
      return;
    }
    next();
  };
}
