// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests: every route
// registers itself here through apiRoute(), so the document cannot drift from the code.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

export const BEARER_SCHEME = 'bearerAuth';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable reason code, e.g. USERNAME_TAKEN' }),
    instance: z.string(),
    requestId: z.string(),
    errors: z
      .array(
        z.object({
          field: z.string(),
          message: z.string(),
          line: z.int().optional().meta({ description: 'For an uploaded file: the 1-based line' }),
        }),
      )
      .optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });

export function createApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from /v1/auth/login, /register, /refresh or /social',
  });
  return registry;
}

export function generateOpenApiDocument(
  registry: OpenAPIRegistry,
): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Family Expense Tracker API',
      version: '1.0.0',
      description:
        'REST API for the mobile and web apps. Errors are application/problem+json with a stable `code`. ' +
        'POST requests accept an Idempotency-Key header (replayed for 24 h).',
    },
    // Paths are absolute from the BFF's origin; the local stack (`npm start`) listens here.
    servers: [{ url: 'http://127.0.0.1:8080', description: 'The local stack (npm start)' }],
  });
}
