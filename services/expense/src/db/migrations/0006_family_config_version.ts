import { sql, type Kysely } from 'kysely';

/**
 * A version per family of what every expense write reads — categories, categorization rules,
 * spending limits, budgets — bumped by triggers in the transaction that changes any of them, so a
 * replica can keep them in memory and know with one cheap read that they are still current
 * (FamilyConfigCache). Families without a row have never changed since this migration: version 0;
 * the caches of a running replica start empty, so nothing cached before can be mistaken for it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table if not exists family_config_versions (
    family_id uuid primary key,
    version int8 not null default 0
  )`.execute(db);
  await sql`create or replace function bump_family_config_version() returns trigger
    language plpgsql set search_path from current as $$
    begin
      insert into family_config_versions as v (family_id, version)
        values (coalesce(new.family_id, old.family_id), 1)
        on conflict (family_id) do update set version = v.version + 1;
      return null;
    end
    $$`.execute(db);
  for (const table of ['categories', 'categorization_rules', 'spending_limits', 'budgets']) {
    await sql`drop trigger if exists ${sql.raw(`${table}_config_version`)} on ${sql.table(table)}`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_config_version`)}
      after insert or update or delete on ${sql.table(table)}
      for each row execute function bump_family_config_version()`.execute(db);
  }
}
