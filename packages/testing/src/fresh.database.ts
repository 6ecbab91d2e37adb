// A database of its own on the test server (a region's, say), dropped afterwards; and a way to ask
// it how many rows of a family a table holds, for tests about where data lives.
import { createKysely, openSql, sql, type SqlHandle } from '@family/db';
import { testDatabaseUrl, uniqueName } from './test.stores.js';

async function onServer<T>(url: string, run: (db: ReturnType<typeof createKysely<unknown>>) => Promise<T>): Promise<T> {
  const handle = await openSql({ databaseUrl: url, poolSize: 1 });
  try {
    return await run(createKysely<unknown>(handle, 'public'));
  } finally {
    await handle.close();
  }
}

export interface FreshDatabase {
  url: string;
  sql: SqlHandle;
  /** Rows of `schema.table` with this family_id (0 when the table does not exist). */
  familyRows(schema: string, table: string, familyId: string): Promise<number>;
  drop(): Promise<void>;
}

export async function freshDatabase(prefix: string, poolSize = 4): Promise<FreshDatabase> {
  const server = testDatabaseUrl().replace(/\/[^/]*$/, '/postgres');
  const name = uniqueName(prefix);
  await onServer(server, (db) => sql`create database ${sql.id(name)}`.execute(db));
  const url = testDatabaseUrl().replace(/\/[^/]*$/, `/${name}`);
  const handle = await openSql({ databaseUrl: url, poolSize });
  const db = createKysely<unknown>(handle, 'public');
  return {
    url,
    sql: handle,
    async familyRows(schema, table, familyId) {
      const exists = await sql<{ t: string | null }>`select to_regclass(${`"${schema}"."${table}"`}) as t`.execute(db);
      if (!exists.rows[0]?.t) return 0;
      const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(`${schema}.${table}`)}
        where family_id = ${familyId}`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
    async drop() {
      await handle.close();
      await onServer(server, (s) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(s));
    },
  };
}
