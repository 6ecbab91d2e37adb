import type { SqlHandle } from '@family/db';
import { dropSchema, openTestSql, uniqueName } from './test.stores.js';

/**
 * Starts something (usually a service on port 0) against a fresh schema in the test database;
 * `stop()` stops it, drops the schema and closes the connections.
 */
export async function onFreshSchema<T extends { stop(): Promise<void> }>(
  prefix: string,
  start: (input: { sql: SqlHandle; schema: string }) => Promise<T>,
): Promise<T & { sql: SqlHandle; schema: string }> {
  const sql = await openTestSql();
  const schema = uniqueName(prefix);
  const started = await start({ sql, schema });
  const stopStarted = started.stop.bind(started);
  return Object.assign(started, {
    sql,
    schema,
    async stop() {
      await stopStarted();
      await dropSchema(sql, schema);
      await sql.close();
    },
  });
}
