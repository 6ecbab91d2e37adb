// GraphQL errors from the one error mapping (problemFor → the REST problem): `extensions.code` is
// the class of failure a client branches on, `reason` the REST problem's `code`, `status` its status.
// Server-side failures say nothing about the inside, exactly as REST.
import { GraphQLError } from 'graphql';
import type { Logger } from '@family/logger';
import { genericDetail, mapError, type ProblemInit } from '../middleware/problem.middleware.js';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'VERSION_MISMATCH',
  413: 'PAYLOAD_TOO_LARGE',
  428: 'PRECONDITION_REQUIRED',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The GraphQL `extensions.code` for a REST status. */
export function graphQLCodeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? 'INTERNAL';
}

/** Extensions of an error that has a REST problem. */
export function problemExtensions(problem: ProblemInit): Record<string, unknown> {
  return {
    code: graphQLCodeFor(problem.status),
    reason: problem.code,
    status: problem.status,
    ...(problem.violations?.length ? { errors: problem.violations } : {}),
    ...(problem.metadata && Object.keys(problem.metadata).length > 0 ? { metadata: problem.metadata } : {}),
    ...(problem.retryAfterSeconds !== undefined ? { retryAfterSeconds: problem.retryAfterSeconds } : {}),
  };
}

/** Where in the document and the answer an error belongs. */
function where(error: GraphQLError) {
  return {
    nodes: error.nodes ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
  };
}

/**
 * Yoga's maskedErrors hook: GraphQL's own errors (syntax, validation, limits) pass as they are;
 * an error thrown in a resolver becomes its problem's message and extensions; anything else is
 * logged and answered as INTERNAL.
 */
export function maskError(logger: Logger) {
  return (error: unknown): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
    const graphQLError = error instanceof GraphQLError ? error : undefined;
    // A GraphQLError without a cause, or whose cause is itself one: the document's fault, already readable.
    if (graphQLError && (!original || original instanceof GraphQLError)) {
      const code = graphQLError.extensions.code ?? 'GRAPHQL_VALIDATION_FAILED';
      return new GraphQLError(graphQLError.message, {
        ...where(graphQLError),
        extensions: { ...graphQLError.extensions, code },
      });
    }
    const mapped = mapError(original);
    const problem: ProblemInit =
      mapped && mapped.status < 500
        ? mapped
        : (mapped ?? { status: 500, code: 'INTERNAL', detail: genericDetail[500]! });
    if (!mapped || mapped.status >= 500)
      logger.error({ err: original, path: graphQLError?.path }, 'graphql resolver failed');
    return new GraphQLError(problem.detail, {
      ...(graphQLError ? where(graphQLError) : {}),
      extensions: problemExtensions(problem),
    });
  };
}
