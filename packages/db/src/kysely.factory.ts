import { Kysely, PostgresDialect } from 'kysely';
import type { SqlHandle } from './sql.handle.js';
import { PgliteDialect } from './pglite.dialect.js';

/**
 * A kysely instance whose every table reference lives in `schema` (one schema per service).
 * Destroying it does not close the shared handle; close the handle once at shutdown.
 */
export function createKysely<DB>(handle: SqlHandle, schema: string): Kysely<DB> {
  const dialect =
    handle.kind === 'pg'
      ? new PostgresDialect({
          pool: {
            connect: () => handle.pool.connect(),
            end: async () => undefined,
          },
        })
      : new PgliteDialect(handle.db, handle.lock);
  return new Kysely<DB>({ dialect }).withSchema(schema);
}
