// @family/sdk: the typed client the apps use for the BFF's REST routes and /graphql.
export { createFamilyClient, type FamilyClient, type FamilyClientOptions } from './family.client.js';
export { GraphQLRequestError, type GraphQLErrorEntry } from './graphql.request.error.js';
export { persistedOperations } from './operations.gen.js';
export { pages, type CursorPage } from './pages.js';
export { idempotencyKey, ifMatch } from './request.headers.js';
export type { PersistedOperation } from './persisted.operation.js';
export { memoryTokenStore, type SessionTokens, type TokenStore } from './token.store.js';
export type { components, operations, paths } from './openapi.gen.js';
