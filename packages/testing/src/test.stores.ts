// Real stores for tests: the machine's Postgres and Redis, isolated per suite by a fresh schema or
// key prefix.
import { randomBytes } from 'node:crypto';
import { openSql, sql, createKysely, type SqlHandle } from '@family/db';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A name no other suite or run uses: `prefix_t<time><random>` (valid as a schema or key prefix). */
export function uniqueName(prefix: string): string {
  return `${prefix}_t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function openTestSql(poolSize = 5): Promise<SqlHandle> {
  return openSql({ databaseUrl: testDatabaseUrl(), poolSize });
}

export async function dropSchema(handle: SqlHandle, schema: string): Promise<void> {
  const db = createKysely<unknown>(handle, 'public');
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
}
