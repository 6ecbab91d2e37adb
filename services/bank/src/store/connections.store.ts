// Connections: the link to a provider for one family, its encrypted credentials, sync cursor,
// schedule and the lease that keeps one sync at a time per connection across replicas.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BankDatabase, ConnectionsTable } from '../db/schema.js';
import type { ProviderName } from '../adapters/bank.adapter.js';
import type { Connection, ConnectionStatusName, SealedCredentials, SyncTriggerName } from '../domain/bank.records.js';

const CONNECTION_COLUMNS = [
  'id',
  'family_id',
  'provider',
  'provider_connection_id',
  'institution_id',
  'institution_name',
  'status',
  'error_code',
  'error_message',
  'cursor',
  'first_sync_from',
  'last_synced_at',
  'consent_expires_at',
  'consent_notified_for',
  'created_by_member_id',
  'created_by_user_id',
  'next_sync_at',
  'sync_requested',
  'sync_failures',
  'created_at',
  'updated_at',
] as const;

type Row = Pick<Selectable<ConnectionsTable>, (typeof CONNECTION_COLUMNS)[number]>;

function fromRow(r: Row): Connection {
  return {
    id: r.id,
    familyId: r.family_id,
    provider: r.provider,
    providerConnectionId: r.provider_connection_id,
    institutionId: r.institution_id,
    institutionName: r.institution_name,
    status: r.status,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    cursor: r.cursor,
    firstSyncFrom: r.first_sync_from,
    lastSyncedAt: r.last_synced_at,
    consentExpiresAt: r.consent_expires_at,
    consentNotifiedFor: r.consent_notified_for,
    createdByMemberId: r.created_by_member_id,
    createdByUserId: r.created_by_user_id,
    nextSyncAt: r.next_sync_at,
    syncRequested: r.sync_requested,
    syncFailures: r.sync_failures,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewConnection {
  id: string;
  familyId: string;
  provider: ProviderName;
  providerConnectionId: string;
  institutionId: string;
  institutionName: string;
  credentials: SealedCredentials;
  firstSyncFrom: string;
  consentExpiresAt: Date | null;
  createdByMemberId: string;
  createdByUserId: string;
}

export interface SyncOutcome {
  status: ConnectionStatusName;
  errorCode: string;
  errorMessage: string;
  nextSyncAt: Date;
  syncFailures: number;
  lastSyncedAt?: Date | undefined;
}

export class ConnectionsStore {
  constructor(private readonly db: Kysely<BankDatabase>) {}

  async insert(trx: Kysely<BankDatabase>, c: NewConnection): Promise<Connection> {
    const row = await trx
      .insertInto('connections')
      .values({
        id: c.id,
        family_id: c.familyId,
        provider: c.provider,
        provider_connection_id: c.providerConnectionId,
        institution_id: c.institutionId,
        institution_name: c.institutionName,
        status: 'ACTIVE',
        credentials: c.credentials.data,
        credentials_key_id: c.credentials.keyId,
        first_sync_from: c.firstSyncFrom,
        consent_expires_at: c.consentExpiresAt,
        created_by_member_id: c.createdByMemberId,
        created_by_user_id: c.createdByUserId,
      })
      .returning(CONNECTION_COLUMNS)
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  /** A re-link: new credentials on the same connection (accounts, cursor and history stay). */
  async relink(
    trx: Kysely<BankDatabase>,
    id: string,
    c: Pick<
      NewConnection,
      'providerConnectionId' | 'institutionId' | 'institutionName' | 'credentials' | 'consentExpiresAt'
    >,
    resetCursor: boolean,
  ): Promise<Connection> {
    const row = await trx
      .updateTable('connections')
      .set({
        provider_connection_id: c.providerConnectionId,
        institution_id: c.institutionId,
        institution_name: c.institutionName,
        credentials: c.credentials.data,
        credentials_key_id: c.credentials.keyId,
        consent_expires_at: c.consentExpiresAt,
        status: 'ACTIVE',
        error_code: '',
        error_message: '',
        sync_failures: 0,
        next_sync_at: sql<Date>`now()`,
        ...(resetCursor ? { cursor: '' } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returning(CONNECTION_COLUMNS)
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async byId(familyId: string, id: string, db: Kysely<BankDatabase> = this.db): Promise<Connection | undefined> {
    const row = await db
      .selectFrom('connections')
      .select(CONNECTION_COLUMNS)
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** A connection by id alone (background work, which has no family in hand). */
  async find(id: string): Promise<Connection | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .select(CONNECTION_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async byProviderConnection(provider: ProviderName, providerConnectionId: string): Promise<Connection | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .select(CONNECTION_COLUMNS)
      .where('provider', '=', provider)
      .where('provider_connection_id', '=', providerConnectionId)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** A family's connections after `afterId`; `visibleTo` keeps those with an account assigned to a member. */
  async list(familyId: string, page: { afterId?: string | undefined; limit: number }, visibleTo?: string) {
    let q = this.db
      .selectFrom('connections')
      .select(CONNECTION_COLUMNS)
      .where('family_id', '=', familyId)
      .orderBy('id')
      .limit(page.limit + 1);
    if (page.afterId) q = q.where('id', '>', page.afterId);
    if (visibleTo) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('accounts')
            .select('accounts.id')
            .whereRef('accounts.connection_id', '=', 'connections.id')
            .where('accounts.member_id', '=', visibleTo),
        ),
      );
    }
    return (await q.execute()).map(fromRow);
  }

  async sealedCredentials(id: string, db: Kysely<BankDatabase> = this.db): Promise<SealedCredentials | undefined> {
    const row = await db
      .selectFrom('connections')
      .select(['credentials', 'credentials_key_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { keyId: row.credentials_key_id, data: row.credentials };
  }

  async saveCredentials(id: string, sealed: SealedCredentials, db: Kysely<BankDatabase> = this.db): Promise<void> {
    await db
      .updateTable('connections')
      .set({ credentials: sealed.data, credentials_key_id: sealed.keyId, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  async delete(trx: Kysely<BankDatabase>, id: string): Promise<void> {
    await trx.deleteFrom('connections').where('id', '=', id).execute();
  }

  /**
   * Takes the connection's sync lease for `owner` if it is free or expired (never when held, even by
   * this replica: a second run here would interleave with the first); clears the "sync requested"
   * flag it is taking on. Undefined when a sync holds it.
   */
  async acquireLease(id: string, owner: string, leaseMs: number): Promise<Connection | undefined> {
    const row = await this.db
      .updateTable('connections')
      .set({
        sync_lease_owner: owner,
        sync_lease_until: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`,
        sync_requested: false,
      })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('sync_lease_until', 'is', null), eb('sync_lease_until', '<', sql<Date>`now()`)]))
      .returning(CONNECTION_COLUMNS)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Extends the lease; false when it is no longer ours (taken over after it ran out). */
  async renewLease(id: string, owner: string, leaseMs: number, db: Kysely<BankDatabase> = this.db): Promise<boolean> {
    const row = await db
      .updateTable('connections')
      .set({ sync_lease_until: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'` })
      .where('id', '=', id)
      .where('sync_lease_owner', '=', owner)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Saves the cursor after a batch was applied, under the lease (false when the lease was lost). */
  async saveCursor(trx: Kysely<BankDatabase>, id: string, owner: string, cursor: string): Promise<boolean> {
    const row = await trx
      .updateTable('connections')
      .set({ cursor, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('sync_lease_owner', '=', owner)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ends a sync: outcome and schedule written, lease released. Answers whether a sync was asked meanwhile. */
  async finishSync(trx: Kysely<BankDatabase>, id: string, owner: string, o: SyncOutcome) {
    const row = await trx
      .updateTable('connections')
      .set({
        // A webhook (or a parent) may have ended the connection while the sync ran: that stays.
        status:
          o.status === 'ACTIVE' || o.status === 'ERROR'
            ? sql<ConnectionStatusName>`case when status in ('NEEDS_REAUTH', 'REVOKED') then status else ${o.status} end`
            : o.status,
        error_code: o.errorCode,
        error_message: o.errorMessage,
        next_sync_at: o.nextSyncAt,
        sync_failures: o.syncFailures,
        ...(o.lastSyncedAt ? { last_synced_at: o.lastSyncedAt } : {}),
        sync_lease_owner: null,
        sync_lease_until: null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('sync_lease_owner', '=', owner)
      .returning(['sync_requested', 'sync_requested_trigger'])
      .executeTakeFirst();
    return row ? { requested: row.sync_requested, trigger: row.sync_requested_trigger } : undefined;
  }

  /** Asks for a sync as soon as the connection is free (webhook, a manual sync while one runs). */
  async requestSync(id: string, trigger: SyncTriggerName): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ sync_requested: true, sync_requested_trigger: trigger, next_sync_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  /** Connections that are due (schedule, request or retry), free to sync, and able to. */
  async due(limit: number): Promise<{ id: string; trigger: SyncTriggerName }[]> {
    const rows = await this.db
      .selectFrom('connections')
      .select(['id', 'sync_requested', 'sync_requested_trigger', 'sync_failures'])
      .where('next_sync_at', '<=', sql<Date>`now()`)
      .where('status', 'in', ['ACTIVE', 'ERROR'])
      .where((eb) => eb.or([eb('sync_lease_until', 'is', null), eb('sync_lease_until', '<', sql<Date>`now()`)]))
      .orderBy('next_sync_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      trigger: r.sync_requested ? (r.sync_requested_trigger ?? 'MANUAL') : r.sync_failures > 0 ? 'RETRY' : 'SCHEDULE',
    }));
  }

  /** Moves a connection to a new status; the previous one, or undefined when it does not exist. */
  async setStatus(
    trx: Kysely<BankDatabase>,
    id: string,
    status: ConnectionStatusName,
    errorCode: string,
    errorMessage: string,
  ): Promise<ConnectionStatusName | undefined> {
    const before = await trx
      .selectFrom('connections')
      .select('status')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return undefined;
    await trx
      .updateTable('connections')
      .set({ status, error_code: errorCode, error_message: errorMessage, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
    return before.status;
  }

  async setConsentExpiry(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ consent_expires_at: at, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  /** Connections whose consent ends before `before` and whose parents were not told about that date. */
  async consentEnding(before: Date, limit: number): Promise<Connection[]> {
    const rows = await this.db
      .selectFrom('connections')
      .select(CONNECTION_COLUMNS)
      .where('consent_expires_at', 'is not', null)
      .where('consent_expires_at', '<=', before)
      .where('status', '!=', 'REVOKED')
      .where((eb) =>
        eb.or([eb('consent_notified_for', 'is', null), eb('consent_notified_for', '!=', eb.ref('consent_expires_at'))]),
      )
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Records that parents were told; false when another replica did it first. */
  async markConsentNotified(trx: Kysely<BankDatabase>, id: string, expiresAt: Date): Promise<boolean> {
    const row = await trx
      .updateTable('connections')
      .set({ consent_notified_for: expiresAt })
      .where('id', '=', id)
      .where('consent_expires_at', '=', expiresAt)
      .where((eb) => eb.or([eb('consent_notified_for', 'is', null), eb('consent_notified_for', '!=', expiresAt)]))
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }
}
