// The one mapping from typed application errors to gRPC status. Unknown errors are logged with their
// stack and answered as INTERNAL with no detail.
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { BadRequest, ErrorInfo, RetryInfo, RichServerError, type ErrorDetails } from 'nice-grpc-error-details';
import { AppError, type ErrorKind } from '@family/errors';
import type { Logger } from '@family/logger';
import { isAbortError } from 'abort-controller-x';

export const ERROR_DOMAIN = 'family.app';

const statusByKind: Record<ErrorKind, Status> = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  UNAUTHENTICATED: Status.UNAUTHENTICATED,
  PERMISSION_DENIED: Status.PERMISSION_DENIED,
  NOT_FOUND: Status.NOT_FOUND,
  ALREADY_EXISTS: Status.ALREADY_EXISTS,
  ABORTED: Status.ABORTED,
  FAILED_PRECONDITION: Status.FAILED_PRECONDITION,
  VERSION_MISMATCH: Status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: Status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: Status.UNAVAILABLE,
};

export function toServerError(err: AppError): RichServerError {
  const details: ErrorDetails[] = [
    ErrorInfo.fromPartial({ reason: err.code, domain: ERROR_DOMAIN, metadata: err.metadata }),
  ];
  if (err.violations.length > 0) {
    details.push(
      BadRequest.fromPartial({
        fieldViolations: err.violations.map((v) => ({ field: v.field, description: v.message })),
      }),
    );
  }
  if (err.retryAfterSeconds !== undefined) {
    details.push(RetryInfo.fromPartial({ retryDelay: { seconds: err.retryAfterSeconds, nanos: 0 } }));
  }
  return new RichServerError(statusByKind[err.kind], err.message, details);
}

export function errorMappingMiddleware(
  logger: Logger,
  translate: (err: unknown) => AppError | undefined = () => undefined,
): ServerMiddleware {
  return async function* mapErrors(call, context) {
    const started = performance.now();
    const requestId = context.metadata.get('x-request-id');
    try {
      const result = yield* call.next(call.request, context);
      logger.debug({ method: call.method.path, requestId, ms: Math.round(performance.now() - started) }, 'grpc call');
      return result;
    } catch (caught) {
      const ms = Math.round(performance.now() - started);
      const err = caught instanceof AppError ? caught : (translate(caught) ?? caught);
      if (err !== caught) logger.warn({ err: caught, method: call.method.path, requestId, ms }, 'store unavailable');
      if (err instanceof AppError) {
        logger.info({ method: call.method.path, requestId, ms, code: err.code }, 'grpc call refused');
        throw toServerError(err);
      }
      if (err instanceof ServerError || isAbortError(err)) throw err;
      logger.error({ err, method: call.method.path, requestId, ms }, 'grpc call failed');
      throw new ServerError(Status.INTERNAL, 'Internal error');
    }
  };
}
