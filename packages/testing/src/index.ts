export { testDatabaseUrl, testRedisUrl, uniqueName, openTestSql, dropSchema } from './test.stores.js';
export { waitFor } from './wait.for.js';
export { onFreshSchema } from './fresh.schema.js';
