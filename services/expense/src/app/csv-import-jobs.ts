// CSV imports too large to write within a request run as jobs: the call checks every row (reads
// only) and stores the checked rows with a QUEUED job — or a FAILED one carrying every row error —
// and a worker in this service writes them all in one transaction, so a job either commits the
// whole file or nothing. The worker claims jobs with FOR UPDATE SKIP LOCKED under a lease: two
// replicas never write one job twice (only the current claim can finish it), and a job left RUNNING
// by a replica that died is claimed again once its lease has run out.
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
        const errors: CsvRowError[] = [
          { line: 0, field: '', message: 'The rows could not be written; nothing was imported' },
        ];
        await this.store.fail(job.id, job.claimId, errors, this.deps.now());
      }
    }
  }
}
