// The apps' client: typed REST over the committed OpenAPI document, and GraphQL, sharing one session
// (bearer on every call; on a 401 one refresh through POST /v1/auth/refresh, then one retry).
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { GraphQLRequestError, type GraphQLErrorEntry } from './graphql.request.error.js';
import type { paths } from './openapi.gen.js';
import type { PersistedOperation } from './persisted.operation.js';
import { memoryTokenStore, type SessionTokens, type TokenStore } from './token.store.js';

export interface FamilyClientOptions {
  /** The BFF's origin, e.g. http://127.0.0.1:8080 (paths start with /v1). */
  baseUrl: string;
  fetch?: typeof fetch;
  tokens?: TokenStore;
  /** Called when a refresh is refused: the user has to log in again. */
  onSessionEnded?: () => void;
}

export interface FamilyClient {
  rest: Client<paths>;
  /**
   * A document, or one of `persistedOperations` (sent by its id; a BFF that does not know the id yet
   * is sent the document instead, unless it runs only persisted operations).
   */
  graphql<TData>(operation: string | PersistedOperation, variables?: Record<string, unknown>): Promise<TData>;
  tokens: TokenStore;
}

const REFRESH_PATH = '/v1/auth/refresh';
/** GraphQL codes for answers refused at the HTTP level, as the BFF names them in `extensions.code`. */
const HTTP_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
/** Routes whose 401 means wrong credentials, not an expired access token. */
const NO_REFRESH = new Set(['/v1/auth/login', '/v1/auth/register', REFRESH_PATH, '/v1/auth/logout']);

export function createFamilyClient(options: FamilyClientOptions): FamilyClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  const tokens = options.tokens ?? memoryTokenStore();
  // Concurrent 401s share one refresh: a refresh token is single-use.
  let refreshing: Promise<SessionTokens | undefined> | undefined;

  async function refresh(stale: SessionTokens): Promise<SessionTokens | undefined> {
    const current = tokens.get();
    // Another call already refreshed while this one was in flight.
    if (current && current.accessToken !== stale.accessToken) return current;
    refreshing ??= (async () => {
      try {
        const res = await fetcher(`${baseUrl}${REFRESH_PATH}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refreshToken: stale.refreshToken }),
        });
        if (!res.ok) {
          tokens.set(undefined);
          options.onSessionEnded?.();
          return undefined;
        }
        const body = (await res.json()) as { tokens: SessionTokens };
        const next = { accessToken: body.tokens.accessToken, refreshToken: body.tokens.refreshToken };
        tokens.set(next);
        return next;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  /** Adds the bearer; returns a copy to resend after a refresh, when a 401 would mean an expired token. */
  function sign(request: Request, path: string): { session: SessionTokens; retry: Request } | undefined {
    const session = tokens.get();
    if (!session || request.headers.has('Authorization')) return undefined;
    const retry = NO_REFRESH.has(path) ? undefined : request.clone();
    request.headers.set('Authorization', `Bearer ${session.accessToken}`);
    return retry ? { session, retry } : undefined;
  }

  /** On a 401: one refresh, then the copy once more with the new token (else the 401 stands). */
  async function afterResponse(
    response: Response,
    signed: { session: SessionTokens; retry: Request } | undefined,
  ): Promise<Response> {
    if (response.status !== 401 || !signed) return response;
    const renewed = await refresh(signed.session);
    if (!renewed) return response;
    signed.retry.headers.set('Authorization', `Bearer ${renewed.accessToken}`);
    return fetcher(signed.retry);
  }

  const rest = createClient<paths>({ baseUrl, fetch: fetcher });
  const pending = new Map<string, { session: SessionTokens; retry: Request }>();
  const session: Middleware = {
    onRequest({ request, id }) {
      const signed = sign(request, new URL(request.url).pathname);
      if (signed) pending.set(id, signed);
      return request;
    },
    async onResponse({ response, id }) {
      const signed = pending.get(id);
      pending.delete(id);
      return afterResponse(response, signed);
    },
    onError({ id }) {
      pending.delete(id);
    },
  };
  rest.use(session);

  async function graphql<TData>(
    operation: string | PersistedOperation,
    variables?: Record<string, unknown>,
  ): Promise<TData> {
    if (typeof operation === 'string') return send<TData>({ query: operation }, variables);
    try {
      return await send<TData>({ documentId: operation.id }, variables);
    } catch (err) {
      if (!(err instanceof GraphQLRequestError) || err.code !== 'PERSISTED_QUERY_NOT_FOUND') throw err;
      return send<TData>({ query: operation.document }, variables);
    }
  }

  async function send<TData>(
    document: { query: string } | { documentId: string },
    variables?: Record<string, unknown>,
  ): Promise<TData> {
    const request = new Request(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ ...document, ...(variables ? { variables } : {}) }),
    });
    const signed = sign(request, '/graphql');
    const response = await afterResponse(await fetcher(request), signed);
    const text = await response.text();
    let body: { data?: TData | null; errors?: GraphQLErrorEntry[]; code?: string; detail?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    if (body.errors?.length) throw new GraphQLRequestError(body.errors, body.data, response.status);
    if (!response.ok || body.data == null) {
      // Refused before GraphQL ran (401, 429, …): the REST problem, under the same codes.
      const code = HTTP_CODES[response.status] ?? 'BAD_RESPONSE';
      throw new GraphQLRequestError(
        [
          {
            message: body.detail ?? `HTTP ${response.status}`,
            extensions: { code, status: response.status, ...(body.code ? { reason: body.code } : {}) },
          },
        ],
        body.data,
        response.status,
      );
    }
    return body.data;
  }

  return { rest, graphql, tokens };
}
