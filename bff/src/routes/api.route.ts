// Declares one REST route: registers it in the OpenAPI registry and mounts it on the router with
// the same schemas, so what is documented is what is validated. Per route the chain is
// requireAuth → validate → idempotency (POST) → handler.
import type { OpenAPIRegistry, ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { requireAuth } from '../middleware/auth.middleware.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../middleware/idempotency.middleware.js';
import { PROBLEM_CONTENT_TYPE } from '../middleware/problem.middleware.js';
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
  /** Needs a user's bearer token. */
  auth: boolean;
  request?: S;
  /** Success responses: status → description and body schema (none for 204). */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Error statuses worth documenting beyond 400 (validation), 401 (auth) and the default. */
  errors?: Partial<Record<number, string>>;
  handler: (req: Request, res: Response, input: ValidInput<S>) => Promise<void>;
}

const problem = (description: string): ResponseConfig => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

const IdempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .max(MAX_IDEMPOTENCY_KEY_LENGTH)
    .optional()
    .meta({ description: 'Retrying with the same key and body replays the first response (24 h)' }),
});

function document<S extends RequestSchemas>(registry: OpenAPIRegistry, spec: ApiRouteSpec<S>): void {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { 'application/json': { schema: r.schema } } }
      : { description: r.description };
  }
  const request: NonNullable<RouteConfig['request']> = {};
  if (spec.request?.params) request.params = spec.request.params;
  if (spec.request?.query) request.query = spec.request.query;
  if (spec.request?.body)
    request.body = { required: true, content: { 'application/json': { schema: spec.request.body } } };
  if (spec.method === 'post') request.headers = IdempotencyHeaders;
  if (spec.request) responses['400'] = problem('The request has invalid fields (see `errors`)');
  if (spec.auth) responses['401'] = problem('Missing, invalid or expired access token');
  for (const [status, description] of Object.entries(spec.errors ?? {})) {
    if (description) responses[status] = problem(description);
  }
  responses['429'] ??= problem('Too many requests (see Retry-After)');
  responses.default = problem('Unexpected or upstream failure');
  registry.registerPath({
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, '{$1}'),
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.auth ? { security: [{ [BEARER_SCHEME]: [] }] } : {}),
    request,
    responses,
  });
}

export function apiRoute<S extends RequestSchemas>(ctx: RouteContext, spec: ApiRouteSpec<S>): void {
  document(ctx.registry, spec);
  const chain: RequestHandler[] = [];
  if (spec.auth) chain.push(requireAuth());
  chain.push(validate(spec.request ?? {}));
  if (spec.method === 'post') chain.push(ctx.idempotency);
  chain.push(async (req, res) => {
    await spec.handler(req, res, req.valid as ValidInput<S>);
  });
  ctx.router[spec.method](spec.path, ...chain);
}
