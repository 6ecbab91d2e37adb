// Reading, syncing and deleting connections. Parents see every connection of the family; a child sees
// only connections with an account assigned to them, and of those only their accounts.
import { AppError, requireUuid } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import { toPage, afterIdPage, type PageInput } from '@family/db';
import type { Actor } from '@family/service-kit';
import type { Account, Connection, Sync } from '../domain/bank.records.js';
import type { BankDeps } from './bank.deps.js';
import type { SyncRunner } from './sync.runner.js';

export interface ConnectionView {
  connection: Connection;
  lastSync: Sync | undefined;
}

export interface SyncOutcomeView {
  connection: ConnectionView;
  sync: Sync;
  /** False when the sync continues in the background. */
  completed: boolean;
}

export class Connections {
  constructor(
    private readonly deps: BankDeps,
    private readonly runner: SyncRunner,
  ) {}

  async list(caller: Caller, familyId: string, page: PageInput | undefined) {
    const actor = await this.deps.access.actor(caller, familyId);
    const { limit, afterId } = afterIdPage(page);
    const rows = await this.deps.connections.list(
      actor.familyId,
      { afterId, limit },
      actor.isParent ? undefined : actor.memberId,
    );
    const result = toPage(rows, limit, (c) => [c.id]);
    const syncs = await this.deps.syncs.latestOf(result.items.map((c) => c.id));
    return {
      items: result.items.map((c) => ({ connection: c, lastSync: syncs.get(c.id) })),
      nextCursor: result.nextCursor,
    };
  }

  async get(caller: Caller, familyId: string, connectionId: string): Promise<ConnectionView & { accounts: Account[] }> {
    const actor = await this.deps.access.actor(caller, familyId);
    const c = await this.visible(actor, connectionId);
    const accounts = (await this.deps.accounts.forConnection(c.id)).filter(
      (a) => actor.isParent || a.memberId === actor.memberId,
    );
    return { connection: c, lastSync: await this.deps.syncs.latest(c.id), accounts };
  }

  /** Revokes the link at the provider (best effort) and forgets the connection; expenses stay. */
  async delete(caller: Caller, familyId: string, connectionId: string): Promise<void> {
    const actor = await this.deps.access.parent(caller, familyId);
    const c = await this.owned(actor, connectionId);
    const adapter = this.deps.providers.find(c.provider);
    if (adapter && c.status !== 'REVOKED') {
      try {
        await adapter.revoke(await this.deps.vault.open(c.id));
      } catch (err) {
        // The tokens are forgotten either way; the provider's side ends with its own expiry.
        this.deps.logger.warn({ err, connectionId: c.id }, 'revoking at the provider failed');
      }
    }
    await this.deps.db.transaction().execute((trx) => this.deps.connections.delete(trx, c.id));
  }

  async sync(caller: Caller, familyId: string, connectionId: string): Promise<SyncOutcomeView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const c = await this.owned(actor, connectionId);
    if (c.status === 'NEEDS_REAUTH' || c.status === 'REVOKED') {
      throw AppError.precondition(
        c.status === 'REVOKED' ? 'CONNECTION_REVOKED' : 'REAUTH_REQUIRED',
        c.status === 'REVOKED'
          ? 'The bank link was revoked; link the bank again'
          : 'The bank asks for the login again; re-link the connection first',
      );
    }
    const request = await this.runner.request(c, 'MANUAL');
    let sync = request.sync;
    let completed = false;
    if (request.done) {
      const waited = await Promise.race([
        request.done,
        new Promise<undefined>((resolve) =>
          setTimeout(() => resolve(undefined), this.deps.settings.syncWaitMs).unref(),
        ),
      ]);
      if (waited) {
        sync = waited;
        completed = true;
      } else {
        sync = (await this.deps.syncs.byId(c.id, sync.id)) ?? sync;
      }
    }
    const connection = (await this.deps.connections.find(c.id)) ?? c;
    return { connection: { connection, lastSync: sync }, sync, completed };
  }

  async status(caller: Caller, familyId: string, connectionId: string, syncId: string) {
    const actor = await this.deps.access.parent(caller, familyId);
    const c = await this.owned(actor, connectionId);
    const sync = syncId
      ? await this.deps.syncs.byId(c.id, requireUuid(syncId, 'syncId'))
      : await this.deps.syncs.latest(c.id);
    if (!sync) throw AppError.notFound('Sync');
    return { sync, connection: { connection: c, lastSync: await this.deps.syncs.latest(c.id) } };
  }

  private async owned(actor: Actor, connectionId: string): Promise<Connection> {
    const c = await this.deps.connections.byId(actor.familyId, requireUuid(connectionId, 'connectionId'));
    if (!c) throw AppError.notFound('Connection');
    return c;
  }

  private async visible(actor: Actor, connectionId: string): Promise<Connection> {
    const c = await this.owned(actor, connectionId);
    if (!actor.isParent) {
      const mine = await this.deps.accounts.list(
        { familyId: actor.familyId, connectionId: c.id, assignedTo: actor.memberId },
        { limit: 1 },
      );
      if (!mine.length) throw AppError.notFound('Connection');
    }
    return c;
  }
}
