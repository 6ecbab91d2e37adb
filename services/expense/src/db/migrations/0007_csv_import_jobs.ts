import { sql, type Kysely } from 'kysely';

/**
 * CSV imports too large to write within a request run as jobs. A job keeps the file's checked rows
 * (`drafts`) until it finishes, then only its result (counts, or every row error) until it expires.
 * A worker claims a QUEUED job — or a RUNNING one whose lease ran out (its replica died) — with
 * FOR UPDATE SKIP LOCKED; `claim_id` names the claim, and only the holder of the current claim can
 * finish the job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table if not exists csv_imports (
    id uuid primary key,
    family_id uuid not null,
    created_by_member_id uuid not null,
    created_by_user_id uuid not null,
    status text not null check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    row_count int4 not null,
    imported_count int4 not null default 0,
    duplicates_skipped int4 not null default 0,
    errors jsonb not null default '[]'::jsonb,
    drafts jsonb,
    attempts int4 not null default 0,
    claim_id uuid,
    lease_until timestamptz,
    created_at timestamptz not null default now(),
    finished_at timestamptz,
    expires_at timestamptz not null
  )`.execute(db);
  await sql`create index if not exists csv_imports_runnable on csv_imports (created_at)
    where status in ('QUEUED', 'RUNNING')`.execute(db);
  await sql`create index if not exists csv_imports_expiry on csv_imports (expires_at)`.execute(db);
  await sql`create index if not exists csv_imports_family on csv_imports (family_id, created_at)`.execute(db);
}
