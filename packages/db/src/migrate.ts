// Forward-only migrations per service schema. kysely's Migrator runs them in one transaction under a
// Postgres advisory lock, so replicas starting together never race; applied names are recorded in
// `<schema>.migrations` and never run twice.
import { Migrator, sql, type Kysely } from 'kysely';

export interface Migration {
  up(db: Kysely<any>): Promise<void>;
}

export type Migrations = Record<string, Migration>;

export async function migrateToLatest(db: Kysely<any>, schema: string, migrations: Migrations): Promise<void> {
  // Creating the schema itself is serialized on a lock of its own: IF NOT EXISTS alone still races.
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${'schema:' + schema}))`.execute(trx);
    await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
  });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    migrationTableName: 'migrations',
    migrationLockTableName: 'migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`Migration ${failed ?? ''} of schema ${schema} failed: ${String(error)}`, { cause: error });
  }
}
