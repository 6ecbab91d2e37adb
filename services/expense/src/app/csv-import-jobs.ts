// CSV imports too large to write within a request run as jobs: the call checks every row (reads
// only) and stores the checked rows with a QUEUED job — or a FAILED one carrying every row error —
// and a worker in this service writes them all in one transaction, so a job either commits the
// whole file or nothing. The worker claims jobs with FOR UPDATE SKIP LOCKED under a lease: two
// replicas never write one job twice (only the current claim can finish it), and a job left RUNNING
// by a replica that died is claimed again once its lease has run out.
//
// On the embedded database one transaction would hold the only connection for the whole file, and
// every other family's request would wait for it. There a job is written in chunks (`chunkRows`),
// each in a transaction of its own that also records the progress and renews the lease: others'
// queries run between chunks, and a job taken over goes on after its last committed chunk. Its
// duplicates are set aside once, before the first chunk. The rows appear chunk by chunk, and a job
// that fails for good keeps the chunks it committed (its result says how many).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AppError, requireUuid } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
import { newId } from '@family/db';
import { PeriodicTask, type Actor, type PeriodicTaskOptions } from '@family/service-kit';
import type { ClaimedCsvImport, CsvImportRecord, CsvImportsStore } from '../store/csv-imports.store.js';
import type { CheckedCsv, CsvRowError, CsvTransfer } from './csv-transfer.js';
import type { ExpenseDeps } from './expense.deps.js';
import type { ExpenseDraft, ExpenseWriter } from './expense.writer.js';

export type CsvImportJob = CsvImportRecord;

const DAY_MS = 24 * 60 * 60 * 1000;
/** A job that failed to write this many times is FAILED (each try waits for the lease to run out). */
const MAX_ATTEMPTS = 3;

export interface CsvImportJobOptions {
  /** Files of at most this many rows are written within the call. */
  syncRows: number;
  /** How often the worker looks for queued jobs; 0 runs it only when kicked (a submit) or asked. */
  pollMs: number;
  /** How long a claim holds before another replica may take the job over. */
  leaseMs: number;
  /** How long a job and its result are kept. */
  retentionDays: number;
  /** Write a job this many rows per transaction (the embedded database); absent: all in one. */
  chunkRows?: number | undefined;
  registry?: PeriodicTaskOptions['registry'];
}

/** Thrown inside the writing transaction when another replica took the job over: nothing commits. */
class ClaimLost extends Error {}

export class CsvImportJobs {
  readonly task: PeriodicTask;
  readonly syncRows: number;

  constructor(
    private readonly deps: ExpenseDeps,
    private readonly store: CsvImportsStore,
    private readonly transfer: CsvTransfer,
    private readonly writer: ExpenseWriter,
    private readonly logger: Logger,
    private readonly options: CsvImportJobOptions,
  ) {
    this.syncRows = options.syncRows;
    this.task = new PeriodicTask({
      name: 'csv-imports',
      intervalMs: options.pollMs,
      run: async () => (await this.runOnce()) !== undefined,
      logger,
      registry: options.registry,
    });
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }

  /** Stores the checked file as a job (FAILED at once when a row is bad) and wakes the worker. */
  async submit(actor: Actor, checked: CheckedCsv): Promise<CsvImportJob> {
    const now = this.deps.now();
    const failed = checked.errors.length > 0;
    const job = await this.store.insert({
      id: newId(),
      familyId: actor.familyId,
      createdByMemberId: actor.memberId,
      createdByUserId: actor.userId,
      status: failed ? 'FAILED' : 'QUEUED',
      rowCount: checked.rowCount,
      errors: checked.errors,
      drafts: failed ? null : checked.drafts,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.options.retentionDays * DAY_MS),
    });
    if (!failed) this.task.kick();
    return job;
  }

  /** A job of the family; a child sees only their own (another's → NOT_FOUND, like a foreign id). */
  async get(caller: Caller, familyId: string, importId: string): Promise<CsvImportJob> {
    const actor = await this.deps.access.actor(caller, familyId);
    const id = requireUuid(importId, 'importId');
    const job = await this.store.find(actor.familyId, id, this.deps.now());
    if (!job) throw AppError.notFound('Import');
    this.deps.access.assertVisible(actor, job.createdByMemberId, 'Import');
    return job;
  }

  /**
   * Claims and writes one job; returns its id, or undefined when none was waiting. Expired jobs are
   * forgotten on the way.
   */
  async runOnce(): Promise<string | undefined> {
    const now = this.deps.now();
    await this.store.prune(now);
    const job = await this.store.claim(now, this.options.leaseMs, newId());
    if (!job) return undefined;
    await this.write(job);
    return job.id;
  }

  private async write(job: ClaimedCsvImport): Promise<void> {
    try {
      if (this.options.chunkRows) {
        await this.writeInChunks(job, this.options.chunkRows);
        return;
      }
      const family = await this.deps.families.settings(job.familyId);
      const drafts = job.drafts as ExpenseDraft[];
      await this.deps.db.transaction().execute(async (trx) => {
        // Read inside the transaction: a file imported again meanwhile is skipped as duplicates.
        const { fresh, duplicates } = await this.transfer.withoutDuplicates(trx, job.familyId, drafts);
        await this.writer.create(trx, family, fresh, { actorUserId: job.createdByUserId });
        const finished = await this.store.succeed(trx, job.id, job.claimId, {
          imported: fresh.length,
          duplicates,
          at: this.deps.now(),
        });
        if (!finished) throw new ClaimLost();
      });
    } catch (err) {
      if (err instanceof ClaimLost) {
        this.logger.warn({ importId: job.id }, 'CSV import taken over by another replica; rolled back');
        return;
      }
      this.logger.error({ err, importId: job.id, attempt: job.attempts }, 'CSV import could not be written');
      // Left RUNNING, it is claimed again once the lease runs out; after the last try it fails.
      if (job.attempts >= MAX_ATTEMPTS) {
        const message = this.options.chunkRows
          ? 'The rows could not all be written; the import count says how many were'
          : 'The rows could not be written; nothing was imported';
        const errors: CsvRowError[] = [{ line: 0, field: '', message }];
        await this.store.fail(job.id, job.claimId, errors, this.deps.now());
      }
    }
  }

  private async writeInChunks(claimed: ClaimedCsvImport, chunkRows: number): Promise<void> {
    const family = await this.deps.families.settings(claimed.familyId);
    let drafts = claimed.drafts as ExpenseDraft[];
    let duplicates = claimed.duplicatesSkipped;
    if (!claimed.planned) {
      await this.deps.db.transaction().execute(async (trx) => {
        const { fresh } = await this.transfer.withoutDuplicates(trx, claimed.familyId, drafts);
        duplicates = drafts.length - fresh.length;
        if (!(await this.store.plan(trx, claimed.id, claimed.claimId, { drafts: fresh, duplicates }))) {
          throw new ClaimLost();
        }
        drafts = fresh;
      });
    }
    for (let from = claimed.writtenRows; ; from += chunkRows) {
      const chunk = drafts.slice(from, from + chunkRows);
      const last = from + chunkRows >= drafts.length;
      await this.deps.db.transaction().execute(async (trx) => {
        await this.writer.create(trx, family, chunk, { actorUserId: claimed.createdByUserId });
        const now = this.deps.now();
        const held = last
          ? await this.store.succeed(trx, claimed.id, claimed.claimId, { imported: drafts.length, duplicates, at: now })
          : await this.store.advance(trx, claimed.id, claimed.claimId, {
              rows: chunk.length,
              now,
              leaseMs: this.options.leaseMs,
            });
        if (!held) throw new ClaimLost();
      });
      if (last) return;
      // Queries of the embedded database run on this thread: let the requests that arrived meanwhile
      // be read (and queue for the connection) before the next chunk takes it.
      await yieldToEventLoop();
    }
  }
}
