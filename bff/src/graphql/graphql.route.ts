// POST /graphql (and GET for queries, SSE for subscriptions) on the Express app: graphql-yoga with
// the product schema, the caller's bearer checked by requireAuth() like every REST route, the same
// Idempotency-Key handling for mutations, graphql-armor's limits and introspection by config.
import { readFileSync } from 'node:fs';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { Router, type Request, type RequestHandler } from 'express';
import { GraphQLScalarType, Kind, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import type { Logger } from '@family/logger';
import type { BffClients } from '../clients.js';
import type { BffConfig } from '../config.js';
import type { UserEventsHub } from '../events/user.events.hub.js';
import { requireAuth } from '../middleware/auth.middleware.js';
import { createContext, type GraphQLContext } from './graphql.context.js';
import { maskError } from './graphql.errors.js';
import { resolvers } from './graphql.resolvers.js';
import { acceptDocumentId, loadPersistedOperations, usePersistedOperations } from './persisted.operations.js';

export const GRAPHQL_PATH = '/graphql';

export const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/** A string scalar passed through as is (shapes are checked where the values are made). */
const text = (name: string, description: string) =>
  new GraphQLScalarType({
    name,
    description,
    serialize: (v) => v,
    parseValue: (v) => v,
    parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : undefined),
  });

const StringMap = new GraphQLScalarType({
  name: 'StringMap',
  serialize: (v) => v,
  parseValue: (v) => v,
});

export interface GraphQLRouteDeps {
  config: Pick<
    BffConfig,
    | 'GRAPHQL_INTROSPECTION'
    | 'GRAPHQL_PERSISTED_ONLY'
    | 'GRAPHQL_MAX_DEPTH'
    | 'GRAPHQL_MAX_COST'
    | 'GRAPHQL_MAX_ALIASES'
    | 'GRAPHQL_MAX_TOKENS'
  >;
  clients: BffClients;
  logger: Logger;
  idempotency: RequestHandler;
  hub?: UserEventsHub | undefined;
}

function disableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

export function graphqlRoutes(deps: GraphQLRouteDeps): Router {
  const { config } = deps;
  const schema = createSchema<GraphQLContext>({
    typeDefs,
    resolvers: {
      ...resolvers,
      Date: text('Date', "YYYY-MM-DD in the family's time zone"),
      DateTime: text('DateTime', 'ISO 8601 in UTC'),
      StringMap,
    },
  });
  const yoga = createYoga<{ req: Request }, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    context: ({ req }) => createContext(req, deps.clients, deps.hub),
    graphiql: false,
    landingPage: false,
    logging: false,
    maskedErrors: { maskError: maskError(deps.logger) },
    plugins: [
      usePersistedOperations({ operations: loadPersistedOperations(), only: config.GRAPHQL_PERSISTED_ONLY }),
      // Refused at validation, before any resolver (and so any service) runs.
      EnvelopArmorPlugin({
        maxDepth: { n: config.GRAPHQL_MAX_DEPTH },
        costLimit: { maxCost: config.GRAPHQL_MAX_COST },
        maxAliases: { n: config.GRAPHQL_MAX_ALIASES },
        maxTokens: { n: config.GRAPHQL_MAX_TOKENS },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: !config.GRAPHQL_INTROSPECTION },
      }),
      ...(config.GRAPHQL_INTROSPECTION ? [] : [disableIntrospection()]),
    ],
  });

  const router = Router();
  // Every operation is the caller's: a missing or expired token is the REST 401 (the SDK refreshes on it).
  router.use(GRAPHQL_PATH, requireAuth());
  router.post(GRAPHQL_PATH, deps.idempotency, acceptDocumentId);
  router.use(GRAPHQL_PATH, yoga as unknown as RequestHandler);
  return router;
}
