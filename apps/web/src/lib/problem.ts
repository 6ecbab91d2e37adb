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
    /** Read from an answer (its detail is the server's English), not written by a page in the user's language. */
    readonly received = false,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

/** The data of an openapi-fetch answer, or an ApiError with its problem body. */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok) {
    throw new ApiError(answer.response.status, (answer.error ?? {}) as ProblemBody, true);
  }
  return answer.data as T;
}

const BY_STATUS: Record<number, MessageKey> = {
  401: 'errorSession',
  403: 'errorForbidden',
  404: 'errorNotFound',
  412: 'errorChanged',
  429: 'errorRateLimited',
  502: 'errorNetwork',
  503: 'errorNetwork',
};

const BY_CODE: Record<string, MessageKey> = {
  UNAUTHENTICATED: 'errorSession',
  FORBIDDEN: 'errorForbidden',
  NOT_FOUND: 'errorNotFound',
  RATE_LIMITED: 'errorRateLimited',
  UNAVAILABLE: 'errorNetwork',
  DEADLINE_EXCEEDED: 'errorGeneric',
  INTERNAL: 'errorGeneric',
  VERSION_MISMATCH: 'errorChanged',
  // Reasons (the REST problem's code, GraphQL's extensions.reason) a family meets in the app.
  CHORE_NOT_SUBMITTED: 'errorChoreNotWaiting',
};

/** Our text for a kind of failure: by its code, else its status (any other 5xx is ours to say). */
function knownText(code: unknown, status: number | undefined): MessageKey | undefined {
  const byCode = typeof code === 'string' ? BY_CODE[code] : undefined;
  if (byCode || status === undefined) return byCode;
  return BY_STATUS[status] ?? (status >= 500 ? 'errorGeneric' : undefined);
}

/** A text that says something: blank strings and non-strings count as none. */
function said(text: unknown): string | undefined {
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

export function describeError(err: unknown, t: (key: MessageKey) => string): string {
  if (err instanceof ApiError) {
    const fields = (err.problem.errors ?? [])
      .filter((e) => said(e.message))
      .map((e) => (said(e.field) ? `${e.field}: ${e.message}` : e.message));
    const known = knownText(err.problem.code, err.status);
    const detail = said(err.problem.detail);
    // A received detail is the server's English; where we have a text for that kind of failure, ours
    // says it in the user's language. A page's own detail already speaks it.
    const main =
      known && (err.received || !detail) ? t(known) : (detail ?? said(err.problem.title) ?? t('errorGeneric'));
    return [main, ...fields].join(' — ');
  }
  if (err instanceof GraphQLRequestError) {
    const first = err.errors[0];
    const reason = first?.extensions?.reason;
    const known =
      (typeof reason === 'string' ? BY_CODE[reason] : undefined) ??
      knownText(first?.extensions?.code, err.status >= 500 ? err.status : undefined);
    return known ? t(known) : (said(first?.message) ?? t('errorGeneric'));
  }
  if (err instanceof TypeError) return t('errorNetwork');
  return t('errorGeneric');
}
