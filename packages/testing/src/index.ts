export { testDatabaseUrl, testRedisUrl, uniqueName, openTestSql, dropSchema } from './test.stores.js';
export { waitFor } from './wait.for.js';
export { freePort } from './free.port.js';
export { onFreshSchema } from './fresh.schema.js';
export { expectGrpcError } from './grpc.expect.js';
export { forgedTokens, signWith } from './forged.tokens.js';
export { partialImplementation } from './partial.implementation.js';
export { freshDatabase, type FreshDatabase } from './fresh.database.js';
export { testCipherKeys } from './cipher.keys.js';
export { startTestRedisServer, type TestRedisServer } from './redis.server.js';
export {
  startSourceProcess,
  httpOutcome,
  waitForHttp,
  waitForGrpcServing,
  type SourceProcess,
  type HttpOutcome,
} from './source.process.js';
