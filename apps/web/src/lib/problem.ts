// Every API failure as a sentence a family can read: the BFF's problem+json (its detail and field
// errors) or a GraphQL error's code, never a blank page.
import { GraphQLRequestError } from '@family/sdk';
import type { MessageKey } from './i18n';

export interface ProblemBody {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string; line?: number }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

/** The data of an openapi-fetch answer, or an ApiError with its problem body. */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok) {
    throw new ApiError(answer.response.status, (answer.error ?? {}) as ProblemBody);
  }
  return answer.data as T;
}

const BY_STATUS: Record<number, MessageKey> = {
  401: 'errorSession',
  403: 'errorForbidden',
  404: 'errorNotFound',
  429: 'errorRateLimited',
};

const BY_CODE: Record<string, MessageKey> = {
  UNAUTHENTICATED: 'errorSession',
  FORBIDDEN: 'errorForbidden',
  NOT_FOUND: 'errorNotFound',
  RATE_LIMITED: 'errorRateLimited',
  UNAVAILABLE: 'errorNetwork',
  VERSION_MISMATCH: 'versionConflict',
};

export function describeError(err: unknown, t: (key: MessageKey) => string): string {
  if (err instanceof ApiError) {
    const fields = (err.problem.errors ?? []).map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
    const known = BY_STATUS[err.status];
    const main = err.problem.detail ?? (known ? t(known) : (err.problem.title ?? t('errorGeneric')));
    return [main, ...fields].join(' — ');
  }
  if (err instanceof GraphQLRequestError) {
    const first = err.errors[0];
    const code = first?.extensions?.code as string | undefined;
    const known = code ? BY_CODE[code] : undefined;
    return known ? t(known) : (first?.message ?? t('errorGeneric'));
  }
  if (err instanceof TypeError) return t('errorNetwork');
  return t('errorGeneric');
}
