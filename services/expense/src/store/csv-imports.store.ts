// CSV import jobs (migration 0007): submit, claim under a lease with FOR UPDATE SKIP LOCKED, finish
// only under the current claim, read within a family, forget once expired.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CsvImportsTable, ExpenseDatabase } from '../db/schema.js';

export type CsvImportStatusName = CsvImportsTable['status'];

export interface CsvImportRecord {
  id: string;
  familyId: string;
  createdByMemberId: string;
  createdByUserId: string;
  status: CsvImportStatusName;
  rowCount: number;
  importedCount: number;
  duplicatesSkipped: number;
  errors: { line: number; field: string; message: string }[];
  attempts: number;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date;
}

/** A claimed job: its rows to write and the claim that must still hold at COMMIT. */
export interface ClaimedCsvImport extends CsvImportRecord {
  claimId: string;
  drafts: unknown[];
  /** Written chunk by chunk: duplicates already set aside (`drafts` are all to write)… */
  planned: boolean;
  /** …and this many of `drafts` committed. */
  writtenRows: number;
}

const RECORD_COLUMNS = [
  'id',
  'family_id',
  'created_by_member_id',
  'created_by_user_id',
  'status',
  'row_count',
  'imported_count',
  'duplicates_skipped',
  'errors',
  'attempts',
  'created_at',
  'finished_at',
  'expires_at',
] as const;

type RecordRow = Pick<Selectable<CsvImportsTable>, (typeof RECORD_COLUMNS)[number]>;

function toRecord(r: RecordRow): CsvImportRecord {
  return {
    id: r.id,
    familyId: r.family_id,
    createdByMemberId: r.created_by_member_id,
    createdByUserId: r.created_by_user_id,
    status: r.status,
    rowCount: r.row_count,
    importedCount: r.imported_count,
    duplicatesSkipped: r.duplicates_skipped,
    errors: r.errors,
    attempts: r.attempts,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    expiresAt: r.expires_at,
  };
}

export class CsvImportsStore {
  constructor(private readonly db: Kysely<ExpenseDatabase>) {}

  async insert(job: {
    id: string;
    familyId: string;
    createdByMemberId: string;
    createdByUserId: string;
    status: 'QUEUED' | 'FAILED';
    rowCount: number;
    errors: CsvImportRecord['errors'];
    drafts: unknown[] | null;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<CsvImportRecord> {
    const row = await this.db
      .insertInto('csv_imports')
      .values({
        id: job.id,
        family_id: job.familyId,
        created_by_member_id: job.createdByMemberId,
        created_by_user_id: job.createdByUserId,
        status: job.status,
        row_count: job.rowCount,
        errors: JSON.stringify(job.errors),
        drafts: job.drafts ? JSON.stringify(job.drafts) : null,
        created_at: job.createdAt,
        finished_at: job.status === 'FAILED' ? job.createdAt : null,
        expires_at: job.expiresAt,
      })
      .returning(RECORD_COLUMNS)
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async find(familyId: string, id: string, now: Date): Promise<CsvImportRecord | undefined> {
    const row = await this.db
      .selectFrom('csv_imports')
      .select(RECORD_COLUMNS)
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Claims the oldest QUEUED job, or a RUNNING one whose lease ran out, in one short transaction: a
   * job another replica holds (locked, or leased) is skipped, never waited for.
   */
  async claim(now: Date, leaseMs: number, claimId: string): Promise<ClaimedCsvImport | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const found = await trx
        .selectFrom('csv_imports')
        .select('id')
        .where((eb) =>
          eb.or([eb('status', '=', 'QUEUED'), eb.and([eb('status', '=', 'RUNNING'), eb('lease_until', '<', now)])]),
        )
        .where('expires_at', '>', now)
        .orderBy('created_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!found) return undefined;
      const row = await trx
        .updateTable('csv_imports')
        .set({
          status: 'RUNNING',
          claim_id: claimId,
          lease_until: new Date(now.getTime() + leaseMs),
          attempts: sql<number>`attempts + 1`,
        })
        .where('id', '=', found.id)
        .returning([...RECORD_COLUMNS, 'drafts', 'planned', 'written_rows'])
        .executeTakeFirstOrThrow();
      return {
        ...toRecord(row),
        claimId,
        drafts: row.drafts ?? [],
        planned: row.planned,
        writtenRows: row.written_rows,
      };
    });
  }

  /**
   * A chunked job's plan under the claim (in the transaction that read the duplicates): only the
   * rows to write are kept, the duplicates counted. False when the claim was lost.
   */
  async plan(
    db: Kysely<ExpenseDatabase>,
    id: string,
    claimId: string,
    plan: { drafts: unknown[]; duplicates: number },
  ): Promise<boolean> {
    const r = await db
      .updateTable('csv_imports')
      .set({ planned: true, drafts: JSON.stringify(plan.drafts), duplicates_skipped: plan.duplicates })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /**
   * A chunk committed under the claim (in its writing transaction), the lease renewed from `now`.
   * False when the claim was lost.
   */
  async advance(
    db: Kysely<ExpenseDatabase>,
    id: string,
    claimId: string,
    chunk: { rows: number; now: Date; leaseMs: number },
  ): Promise<boolean> {
    const r = await db
      .updateTable('csv_imports')
      .set({
        written_rows: sql<number>`written_rows + ${chunk.rows}`,
        imported_count: sql<number>`imported_count + ${chunk.rows}`,
        lease_until: new Date(chunk.now.getTime() + chunk.leaseMs),
      })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** SUCCEEDED under the claim (in the writing transaction); false when the claim was lost. */
  async succeed(
    db: Kysely<ExpenseDatabase>,
    id: string,
    claimId: string,
    result: { imported: number; duplicates: number; at: Date },
  ): Promise<boolean> {
    const r = await db
      .updateTable('csv_imports')
      .set({
        status: 'SUCCEEDED',
        imported_count: result.imported,
        duplicates_skipped: result.duplicates,
        drafts: null,
        lease_until: null,
        finished_at: result.at,
      })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** FAILED under the claim with the errors to show; false when the claim was lost. */
  async fail(id: string, claimId: string, errors: CsvImportRecord['errors'], at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('csv_imports')
      .set({ status: 'FAILED', errors: JSON.stringify(errors), drafts: null, lease_until: null, finished_at: at })
      .where('id', '=', id)
      .where('claim_id', '=', claimId)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** Forgets jobs past their expiry; returns how many. */
  async prune(now: Date): Promise<number> {
    const r = await this.db.deleteFrom('csv_imports').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
