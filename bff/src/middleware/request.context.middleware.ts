// Gives every request an id (the caller's X-Request-Id when it looks sane, else a new UUID) and a
// deadline: the request's whole budget, shared by every gRPC call it makes.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { UserCaller } from '@family/grpc-kit';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      requestId: string;
      /** Arrival + REQUEST_TIMEOUT_MS. */
      deadline: Date;
      /** Set when the request carried a valid bearer token (see auth.middleware.ts). */
      caller?: UserCaller;
      /** Why the bearer token was refused, raised by requireUser() on routes that need one. */
      authError?: Error;
    }
  }
}

// Letters, digits and a few separators, at most 128 characters: safe to log and to echo back.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(options: { timeoutMs: number }): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.deadline = new Date(Date.now() + options.timeoutMs);
    res.setHeader('X-Request-Id', req.requestId);
    next();
  };
}
