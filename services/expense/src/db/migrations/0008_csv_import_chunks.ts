import { sql, type Kysely } from 'kysely';

/**
 * Import jobs written chunk by chunk (on the embedded database, where one transaction would hold
 * the only connection for the whole file): `planned` once the file's duplicates were set aside and
 * `drafts` holds only the rows to write, `written_rows` how many of those are committed, so a job
 * taken over after a crash goes on from there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table csv_imports add column if not exists planned boolean not null default false`.execute(db);
  await sql`alter table csv_imports add column if not exists written_rows int4 not null default 0`.execute(db);
}
