// The one mapping from errors to HTTP: RFC 9457 application/problem+json. gRPC failures are read with
// problemFromClientError and mapped with the table in ARCHITECTURE §5; the BFF's own AppErrors take
// the same path through grpc-kit's kind → status mapping, so both agree.
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, type FieldViolation } from '@family/errors';
import { ClientError, Status, problemFromClientError, toServerError, type GrpcFailure } from '@family/grpc-kit';

/** One entry of `errors`: a field, and for a file upload the line it is on. */
export interface ProblemFieldError extends FieldViolation {
  /** 1-based line of an uploaded file (CSV import). */
  line?: number;
}

export interface Problem {
  /** `urn:family:problem:<code in kebab case>`: stable, not meant to be dereferenced. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable reason code (the upstream ErrorInfo reason, e.g. USERNAME_TAKEN). */
  code: string;
  instance: string;
  requestId: string;
  errors?: ProblemFieldError[];
  /** Extra facts an upstream attached to the error (ErrorInfo metadata), e.g. currentVersion. */
  metadata?: Record<string, string>;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function httpStatusFor(failure: Pick<GrpcFailure, 'status' | 'code'>): number {
  switch (failure.status) {
    case Status.INVALID_ARGUMENT:
    case Status.OUT_OF_RANGE:
      return 400;
    case Status.UNAUTHENTICATED:
      return 401;
    case Status.PERMISSION_DENIED:
      return 403;
    case Status.NOT_FOUND:
      return 404;
    case Status.ALREADY_EXISTS:
    case Status.ABORTED:
      return 409;
    case Status.FAILED_PRECONDITION:
      return failure.code === 'VERSION_MISMATCH' ? 412 : 409;
    case Status.RESOURCE_EXHAUSTED:
      return 429;
    case Status.UNAVAILABLE:
      return 503;
    case Status.DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

// Server-side failures say nothing about the inside: gRPC's own messages name hosts and ports.
export const genericDetail: Record<number, string> = {
  500: 'An unexpected error occurred',
  503: 'A service this request needs is unavailable; try again shortly',
  504: 'The request took too long to complete',
};

/** What sendProblem() needs; the rest of the problem comes from the request. */
export interface ProblemInit {
  status: number;
  code: string;
  detail: string;
  violations?: ProblemFieldError[];
  retryAfterSeconds?: number | undefined;
  metadata?: Record<string, string>;
}

function fromFailure(failure: GrpcFailure): ProblemInit {
  const status = httpStatusFor(failure);
  if (status >= 500) {
    const code = status === 500 ? 'INTERNAL' : failure.code;
    return { status, code, detail: genericDetail[status] ?? genericDetail[500]! };
  }
  return {
    status,
    code: failure.code,
    detail: failure.message,
    violations: failure.violations,
    retryAfterSeconds: failure.retryAfterSeconds,
    metadata: failure.metadata,
  };
}

// body-parser's errors carry `type` and `status`; only these are the client's fault.
interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as BodyParserError).type === 'string' &&
    typeof (err as BodyParserError).status === 'number' &&
    (err as BodyParserError).status >= 400 &&
    (err as BodyParserError).status < 500
  );
}

const bodyParserCodes: Record<string, [string, string]> = {
  'entity.parse.failed': ['MALFORMED_JSON', 'The request body is not valid JSON'],
  'entity.too.large': ['PAYLOAD_TOO_LARGE', 'The request body is too large'],
  'encoding.unsupported': ['UNSUPPORTED_ENCODING', 'The request body encoding is not supported'],
  'charset.unsupported': ['UNSUPPORTED_CHARSET', 'The request body charset is not supported'],
};

/** Classifies any error; `undefined` means it is unexpected (answered as 500 and logged). */
export function mapError(err: unknown): ProblemInit | undefined {
  if (err instanceof ClientError) return fromFailure(problemFromClientError(err));
  if (err instanceof AppError) {
    const status = httpStatusFor({ status: toServerError(err).code, code: err.code });
    return {
      status,
      code: err.code,
      detail: err.message,
      violations: err.violations,
      retryAfterSeconds: err.retryAfterSeconds,
      metadata: err.metadata,
    };
  }
  if (isBodyParserError(err)) {
    const [code, detail] = bodyParserCodes[err.type] ?? ['BAD_REQUEST', 'The request could not be read'];
    return { status: err.status, code, detail };
  }
  // The router could not percent-decode a path segment (e.g. %ED%A0%80, a lone surrogate's bytes).
  if (err instanceof URIError && (err as URIError & { status?: number }).status === 400) {
    return {
      status: 400,
      code: 'MALFORMED_PATH',
      detail: 'The request path is not valid percent-encoded UTF-8',
      violations: [{ field: 'path', message: 'must be valid percent-encoded UTF-8' }],
    };
  }
  return undefined;
}

function kebab(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

/** Retry-After of a 503 whose cause gave no hint of its own. */
const DEFAULT_RETRY_AFTER_SECONDS = 2;

export function sendProblem(req: Request, res: Response, mapped: ProblemInit): void {
  const problem: Problem = {
    type: `urn:family:problem:${kebab(mapped.code)}`,
    title: STATUS_CODES[mapped.status] ?? 'Error',
    status: mapped.status,
    detail: mapped.detail,
    code: mapped.code,
    instance: req.originalUrl.split('?')[0] ?? req.path,
    requestId: req.requestId,
  };
  if (mapped.violations?.length) problem.errors = mapped.violations;
  if (mapped.metadata && Object.keys(mapped.metadata).length > 0) problem.metadata = mapped.metadata;
  if (mapped.status === 401) {
    const tokenRefused = mapped.code === 'INVALID_TOKEN' || mapped.code === 'TOKEN_EXPIRED';
    res.setHeader('WWW-Authenticate', tokenRefused ? 'Bearer error="invalid_token"' : 'Bearer');
  }
  if (mapped.status === 429 || mapped.status === 503) {
    // A 503 always says when to come back: the dependency's own hint, else a short default.
    const seconds = mapped.retryAfterSeconds ?? (mapped.status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
    if (seconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(seconds))));
  }
  res.status(mapped.status).type(PROBLEM_CONTENT_TYPE).json(problem);
}

/** Last error handler: every error leaves the BFF as problem+json. */
export function problemHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const mapped = mapError(err);
    if (mapped && mapped.status < 500) {
      sendProblem(req, res, mapped);
      return;
    }
    // pino-http logs the request once, with this error and its stack: as a warning for an upstream
    // that is down or slow (503/504), as an error for anything else.
    res.err = err instanceof Error ? err : new Error(String(err));
    sendProblem(req, res, mapped ?? { status: 500, code: 'INTERNAL', detail: genericDetail[500]! });
  };
}

/** For paths no route matched. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    sendProblem(req, res, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: `No route for ${req.method} ${req.path}`,
    });
  };
}
