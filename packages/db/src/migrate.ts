// Forward-only migrations per service schema. One transaction, under a Postgres advisory lock keyed
// by the schema, creates the schema and its `migrations` table if needed, then applies in name order
// every migration not recorded there. Replicas starting together wait for each other and never apply
// a migration twice; only the service's own schema is ever read, so other schemas coming and going
// (tests drop theirs) cannot disturb it.
import { sql, type Kysely } from 'kysely';

export interface Migration {
  up(db: Kysely<any>): Promise<void>;
}

export type Migrations = Record<string, Migration>;

export async function migrateToLatest(db: Kysely<any>, schema: string, migrations: Migrations): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${'migrate:' + schema}))`.execute(trx);
    await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
    const table = sql.table(`${schema}.migrations`);
    await sql`create table if not exists ${table} (name text primary key, applied_at timestamptz not null default now())`.execute(
      trx,
    );
    // Raw SQL in a migration (expression or partial indexes, say) names tables unqualified: inside
    // this transaction they resolve to the service's schema.
    await sql`set local search_path to ${sql.id(schema)}, public`.execute(trx);
    const applied = new Set(
      (await sql<{ name: string }>`select name from ${table}`.execute(trx)).rows.map((r) => r.name),
    );
    const pending = Object.keys(migrations)
      .sort()
      .filter((name) => !applied.has(name));
    for (const name of pending) {
      try {
        await migrations[name]!.up(trx);
      } catch (err) {
        throw new Error(`Migration ${name} of schema ${schema} failed: ${String(err)}`, { cause: err });
      }
      await sql`insert into ${table} (name) values (${name})`.execute(trx);
    }
    return pending;
  });
}
