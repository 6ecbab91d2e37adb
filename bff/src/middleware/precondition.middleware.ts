// Optimistic concurrency over HTTP: a versioned resource is sent with `ETag: "<version>"`, and a
// write names the version it was based on in `If-Match`. The BFF only reads the header; the service
// compares it (stale → FAILED_PRECONDITION/VERSION_MISMATCH → 412). Where a route requires it, a
// request without one is refused with 428 so that no client can overwrite blindly (RFC 6585).
import type { RequestHandler, Response } from 'express';
import { AppError } from '@family/errors';
import { sendProblem } from './problem.middleware.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The version named by If-Match; 0 when the route allows its absence and it is absent. */
      expectedVersion?: number;
    }
  }
}

export type IfMatchMode = 'required' | 'optional';

/** A strong entity tag holding a version, or the bare number (lenient for hand-written requests). */
const VERSION_TAG = /^(?:"([1-9]\d{0,14})"|([1-9]\d{0,14}))$/;

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Sets the ETag of a versioned resource on the response. */
export function setVersionTag(res: Response, version: number): void {
  res.setHeader('ETag', etagOf(version));
}

export function ifMatch(mode: IfMatchMode): RequestHandler {
  return (req, res, next) => {
    const header = req.get('if-match')?.trim();
    if (!header) {
      if (mode === 'optional') {
        req.expectedVersion = 0;
        next();
        return;
      }
      sendProblem(req, res, {
        status: 428,
        code: 'PRECONDITION_REQUIRED',
        detail: 'This request needs an If-Match header with the ETag (version) of the resource it changes',
      });
      return;
    }
    // `*` and lists are valid HTTP but would not protect against lost updates: one version only.
    const match = VERSION_TAG.exec(header);
    if (!match) {
      next(AppError.invalidField('If-Match', 'must be the ETag of the resource, e.g. "3"'));
      return;
    }
    req.expectedVersion = Number(match[1] ?? match[2]);
    next();
  };
}
