// The text rule (@family/errors text.rules) at every service's gRPC boundary: a request whose strings
// carry control characters or invalid Unicode is refused with INVALID_ARGUMENT naming each field,
// before any handler or store sees it. Per-field rules (single line, lengths) stay with the service;
// this refuses what no field accepts, so a NUL never reaches Postgres whatever the caller.
import type { ServerMiddleware } from 'nice-grpc';
import { AppError, textViolationsIn } from '@family/errors';

export function textBoundaryMiddleware(): ServerMiddleware {
  return async function* refuseBadText(call, context) {
    // Unary and server-streaming calls carry one decoded request; client streams are read by handlers.
    if (!call.requestStream && call.request !== undefined) {
      const violations = textViolationsIn(call.request, { multiline: true }, '');
      if (violations.length > 0) throw AppError.invalid(violations, 'The request has invalid text');
    }
    return yield* call.next(call.request, context);
  };
}
