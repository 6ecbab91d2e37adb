// Syncs: one row per run of syncing a connection, so a caller can poll a sync that continues in the
// background and see what the last one did.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BankDatabase, SyncsTable } from '../db/schema.js';
import type { Sync, SyncCounts, SyncStateName, SyncTriggerName } from '../domain/bank.records.js';

function fromRow(r: Selectable<SyncsTable>): Sync {
  return {
    id: r.id,
    familyId: r.family_id,
    connectionId: r.connection_id,
    state: r.state,
    trigger: r.trigger,
    requestedAt: r.requested_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    added: r.added,
    modified: r.modified,
    removed: r.removed,
    skipped: r.skipped,
    fetched: r.fetched,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    retryAt: r.retry_at,
  };
}

export interface SyncEnd extends SyncCounts {
  state: Extract<SyncStateName, 'SUCCEEDED' | 'FAILED'>;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  retryAt?: Date | null | undefined;
}

export class SyncsStore {
  constructor(private readonly db: Kysely<BankDatabase>) {}

  async create(s: {
    id: string;
    familyId: string;
    connectionId: string;
    state: Extract<SyncStateName, 'QUEUED' | 'RUNNING'>;
    trigger: SyncTriggerName;
  }): Promise<Sync> {
    const row = await this.db
      .insertInto('syncs')
      .values({
        id: s.id,
        family_id: s.familyId,
        connection_id: s.connectionId,
        state: s.state,
        trigger: s.trigger,
        started_at: s.state === 'RUNNING' ? sql<Date>`now()` : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async start(id: string): Promise<void> {
    await this.db
      .updateTable('syncs')
      .set({ state: 'RUNNING', started_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  async progress(id: string, c: SyncCounts, db: Kysely<BankDatabase> = this.db): Promise<void> {
    await db.updateTable('syncs').set(c).where('id', '=', id).execute();
  }

  async finish(trx: Kysely<BankDatabase>, id: string, end: SyncEnd): Promise<Sync> {
    const row = await trx
      .updateTable('syncs')
      .set({
        state: end.state,
        added: end.added,
        modified: end.modified,
        removed: end.removed,
        skipped: end.skipped,
        fetched: end.fetched,
        error_code: end.errorCode ?? '',
        error_message: end.errorMessage ?? '',
        retry_at: end.retryAt ?? null,
        finished_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async byId(connectionId: string, id: string): Promise<Sync | undefined> {
    const row = await this.db
      .selectFrom('syncs')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** The connection's latest sync, if any. */
  async latest(connectionId: string): Promise<Sync | undefined> {
    const row = await this.db
      .selectFrom('syncs')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** The latest sync of each of some connections. */
  async latestOf(connectionIds: string[]): Promise<Map<string, Sync>> {
    if (!connectionIds.length) return new Map();
    const rows = await this.db
      .selectFrom('syncs')
      .selectAll()
      .distinctOn('connection_id')
      .where('connection_id', 'in', connectionIds)
      .orderBy('connection_id')
      .orderBy('id', 'desc')
      .execute();
    return new Map(rows.map((r) => [r.connection_id, fromRow(r)]));
  }

  /** The queued syncs of a connection (asked for while another ran): the next run takes them on. */
  async queued(connectionId: string): Promise<Sync[]> {
    const rows = await this.db
      .selectFrom('syncs')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('state', '=', 'QUEUED')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  /** Queued syncs taken over by the run `runId` finished with it. */
  async settleQueued(trx: Kysely<BankDatabase>, connectionId: string, run: Sync): Promise<void> {
    await trx
      .updateTable('syncs')
      .set({
        state: run.state,
        added: run.added,
        modified: run.modified,
        removed: run.removed,
        skipped: run.skipped,
        fetched: run.fetched,
        error_code: run.errorCode,
        error_message: run.errorMessage,
        retry_at: run.retryAt,
        started_at: run.startedAt,
        finished_at: run.finishedAt,
      })
      .where('connection_id', '=', connectionId)
      .where('state', '=', 'QUEUED')
      .where('id', '<', run.id)
      .execute();
  }
}
