// Declares one REST route: registers it in the OpenAPI registry and mounts it on the router with
// the same schemas, so what is documented is what is validated. Per route the chain is
// requireAuth → (non-JSON body parser) → validate → If-Match → idempotency (POST) → handler.
import type { OpenAPIRegistry, ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { requireAuth } from '../middleware/auth.middleware.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../middleware/idempotency.middleware.js';
import { ifMatch, type IfMatchMode } from '../middleware/precondition.middleware.js';
import { PROBLEM_CONTENT_TYPE, sendProblem } from '../middleware/problem.middleware.js';
import { validate, type RequestSchemas, type ValidInput } from '../middleware/validation.js';
import { BEARER_SCHEME, ProblemSchema } from '../openapi.js';

export interface RouteContext {
  router: Router;
  registry: OpenAPIRegistry;
  idempotency: RequestHandler;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiRouteSpec<S extends RequestSchemas> {
  method: Method;
  /** Express-style path (`/v1/families/:familyId`); documented as `/v1/families/{familyId}`. */
  path: string;
  summary: string;
  tag: string;
  /** The OpenAPI operationId; derived from method and path when absent (see operationIdFor). */
  operationId?: string;
  /** Needs a user's bearer token. */
  auth: boolean;
  request?: S;
  /** Success responses: status → description and body schema (none for 204); JSON unless told. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Error statuses worth documenting beyond 400 (validation), 401 (auth) and the default. */
  errors?: Partial<Record<number, string>>;
  /**
   * A body that is not JSON (e.g. a CSV upload): parsed as text for this route only, with its own
   * size limit; any other content type is refused with 415. `request.body` then validates the text.
   */
  textBody?: { contentType: string; limit: string };
  /** The route reads the version to change from If-Match (missing → 428 when required). */
  ifMatch?: IfMatchMode;
  /** Success responses carry the resource's version as `ETag`. */
  etag?: boolean;
  handler: (req: Request, res: Response, input: ValidInput<S>) => Promise<void>;
}

const problem = (description: string): ResponseConfig => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

const IdempotencyHeader = z
  .string()
  .max(MAX_IDEMPOTENCY_KEY_LENGTH)
  .optional()
  .meta({ description: 'Retrying with the same key and body replays the first response (24 h)' });

const IfMatchHeader = z.string().meta({
  description: 'The ETag (version) of the resource this change is based on, e.g. "3"',
  example: '"3"',
});

const ETAG_HEADER = {
  ETag: { description: 'The version of the resource, for If-Match', schema: { type: 'string' as const } },
};

function document<S extends RequestSchemas>(registry: OpenAPIRegistry, spec: ApiRouteSpec<S>): void {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const success = Number(status) < 300 && Number(status) !== 204;
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
      ...(spec.etag && success ? { headers: ETAG_HEADER } : {}),
    };
  }
  const request: NonNullable<RouteConfig['request']> = {};
  if (spec.request?.params) request.params = spec.request.params;
  if (spec.request?.query) request.query = spec.request.query;
  if (spec.request?.body) {
    const contentType = spec.textBody?.contentType ?? 'application/json';
    request.body = { required: true, content: { [contentType]: { schema: spec.request.body } } };
  }
  const headers: Record<string, z.ZodType> = {};
  if (spec.method === 'post') headers['Idempotency-Key'] = IdempotencyHeader;
  if (spec.ifMatch) headers['If-Match'] = spec.ifMatch === 'required' ? IfMatchHeader : IfMatchHeader.optional();
  if (Object.keys(headers).length > 0) request.headers = z.object(headers);
  if (spec.request) responses['400'] = problem('The request has invalid fields (see `errors`)');
  if (spec.auth) responses['401'] = problem('Missing, invalid or expired access token');
  if (spec.textBody) {
    responses['413'] = problem('The body is larger than the route accepts');
    responses['415'] = problem(`The body must be ${spec.textBody.contentType}`);
  }
  if (spec.ifMatch) responses['412'] = problem('If-Match names a version that is no longer current');
  if (spec.ifMatch === 'required') responses['428'] = problem('If-Match is missing');
  for (const [status, description] of Object.entries(spec.errors ?? {})) {
    if (description) responses[status] = problem(description);
  }
  responses['429'] ??= problem('Too many requests (see Retry-After)');
  responses.default = problem('Unexpected or upstream failure');
  const path = spec.path.replace(/:(\w+)/g, '{$1}');
  registry.registerPath({
    method: spec.method,
    path,
    operationId: uniqueOperationId(registry, spec.operationId ?? operationIdFor(spec.method, path)),
    summary: spec.summary,
    tags: [spec.tag],
    // Public routes say so: an empty list overrides any document-wide requirement.
    security: spec.auth ? [{ [BEARER_SCHEME]: [] }] : [],
    request,
    responses,
  });
}

const camel = (word: string) => word.replace(/[-_.](\w)/g, (_m, c: string) => c.toUpperCase());
const pascal = (word: string) => camel(word).charAt(0).toUpperCase() + camel(word).slice(1);

/**
 * A stable operationId from method and path, so generated clients keep their names while routes
 * keep theirs: the method, the path's fixed words, then `By<Param>` for a trailing parameter.
 * `GET /v1/families/{familyId}/expenses/{expenseId}` → `getFamiliesExpensesByExpenseId`.
 */
export function operationIdFor(method: Method, path: string): string {
  const segments = path.split('/').filter((s) => s !== '' && s !== 'v1');
  const words = segments.filter((s) => !s.startsWith('{')).map(pascal);
  const last = segments.at(-1);
  const trailing = last?.startsWith('{') ? `By${pascal(last.slice(1, -1))}` : '';
  return `${method}${words.join('')}${trailing}`;
}

const operationIds = new WeakMap<OpenAPIRegistry, Set<string>>();

/** Refuses a second route with the same operationId (the generated client would lose one). */
export function uniqueOperationId(registry: OpenAPIRegistry, id: string): string {
  let seen = operationIds.get(registry);
  if (!seen) operationIds.set(registry, (seen = new Set()));
  if (seen.has(id)) throw new Error(`operationId ${id} is declared twice: give one route its own operationId`);
  seen.add(id);
  return id;
}

/** Parses a text body of one content type (after authentication, so strangers buffer nothing). */
function textBody(contentType: string, limit: string): RequestHandler[] {
  return [
    express.text({ type: contentType, limit }),
    (req, res, next) => {
      if (req.is(contentType)) {
        next();
        return;
      }
      sendProblem(req, res, {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        detail: `The request body must be ${contentType}`,
      });
    },
  ];
}

export function apiRoute<S extends RequestSchemas>(ctx: RouteContext, spec: ApiRouteSpec<S>): void {
  document(ctx.registry, spec);
  const chain: RequestHandler[] = [];
  if (spec.auth) chain.push(requireAuth());
  if (spec.textBody) chain.push(...textBody(spec.textBody.contentType, spec.textBody.limit));
  chain.push(validate(spec.request ?? {}));
  if (spec.ifMatch) chain.push(ifMatch(spec.ifMatch));
  if (spec.method === 'post') chain.push(ctx.idempotency);
  chain.push(async (req, res) => {
    await spec.handler(req, res, req.valid as ValidInput<S>);
  });
  ctx.router[spec.method](spec.path, ...chain);
}
