// The OpenAPI document without a running stack: the app is built with inert dependencies (nothing
// connects, nothing listens) so every route registers itself, then the registry is rendered.
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { createClient } from 'redis';
import { Registry } from 'prom-client';
import { TokenVerifier } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { createApp } from './app.js';
import { createClients } from './clients.js';
import { bffConfigSchema } from './config.js';
import { createApiRegistry, generateOpenApiDocument } from './openapi.js';

const NOWHERE = '127.0.0.1:9';

export function buildOpenApiDocument(): ReturnType<typeof generateOpenApiDocument> {
  const config = bffConfigSchema.parse({
    AUTH_GRPC_URL: NOWHERE,
    EXPENSE_GRPC_URL: NOWHERE,
    GOALS_GRPC_URL: NOWHERE,
    REDIS_URL: `redis://${NOWHERE}`,
  });
  // Channels connect lazily and the Redis client is never connected: building the app sends nothing.
  const clients = createClients({
    authAddress: NOWHERE,
    expenseAddress: NOWHERE,
    goalsAddress: NOWHERE,
    notificationAddress: NOWHERE,
    gamificationAddress: NOWHERE,
    bankAddress: NOWHERE,
  });
  try {
    const apiRegistry = createApiRegistry();
    createApp({
      config,
      logger: silentLogger(),
      clients,
      redis: createClient({ url: config.REDIS_URL }),
      verifier: new TokenVerifier({
        keys: () => Promise.resolve([]),
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      }),
      registry: new Registry(),
      events: {
        hub: {
          subscribe: () => Promise.reject(new Error('inert')),
          close: () => Promise.resolve(),
        },
      },
      apiRegistry,
    });
    return generateOpenApiDocument(apiRegistry);
  } finally {
    clients.close();
  }
}

/** Where the document is committed. */
export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** The document as committed in bff/openapi.json: JSON formatted as `prettier --check` expects. */
export async function renderOpenApiDocument(): Promise<string> {
  const options = await prettier.resolveConfig(OPENAPI_FILE);
  return prettier.format(JSON.stringify(buildOpenApiDocument()), { ...options, parser: 'json' });
}
