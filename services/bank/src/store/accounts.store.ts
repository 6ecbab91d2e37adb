// Accounts of a connection: what the provider reports (name, kind, mask, balances) and what the
// family decided (a name of its own, the member whose spending it is, tracked or ignored).
import { sql, type Kysely, type Selectable } from 'kysely';
import { newId } from '@family/db';
import type { AccountsTable, BankDatabase } from '../db/schema.js';
import type { ProviderName } from '../adapters/bank.adapter.js';
import { trackedByDefault, type Account, type AccountSnapshot } from '../domain/bank.records.js';

type Row = Selectable<AccountsTable> & { provider: ProviderName; institution_name: string };

function fromRow(r: Row): Account {
  return {
    id: r.id,
    familyId: r.family_id,
    connectionId: r.connection_id,
    provider: r.provider,
    institutionName: r.institution_name,
    providerAccountId: r.provider_account_id,
    name: r.custom_name ?? r.provider_name,
    providerName: r.provider_name,
    customName: r.custom_name,
    mask: r.mask,
    kind: r.kind,
    currency: r.currency,
    currentBalanceMinor: r.current_balance_minor,
    availableBalanceMinor: r.available_balance_minor,
    balanceAsOf: r.balance_as_of,
    memberId: r.member_id,
    tracked: r.tracked,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface AccountFilter {
  familyId: string;
  connectionId?: string | undefined;
  /** Accounts whose spending is this member's (assigned, or unassigned on a connection they linked). */
  memberId?: string | undefined;
  /** Only accounts assigned to this member (what a child may see). */
  assignedTo?: string | undefined;
}

export interface AccountChanges {
  customName?: string | null | undefined;
  memberId?: string | null | undefined;
  tracked?: boolean | undefined;
}

export class AccountsStore {
  constructor(private readonly db: Kysely<BankDatabase>) {}

  private select(db: Kysely<BankDatabase>) {
    return db
      .selectFrom('accounts')
      .innerJoin('connections', 'connections.id', 'accounts.connection_id')
      .selectAll('accounts')
      .select(['connections.provider', 'connections.institution_name']);
  }

  /**
   * Records what the provider reported: new accounts are added (tracked by default unless savings or
   * loan), known ones get the provider's name, mask and balances; the family's choices stay.
   */
  async upsertSnapshots(
    trx: Kysely<BankDatabase>,
    familyId: string,
    connectionId: string,
    snapshots: AccountSnapshot[],
  ): Promise<Account[]> {
    if (snapshots.length) {
      await trx
        .insertInto('accounts')
        .values(
          snapshots.map((s) => ({
            id: newId(),
            family_id: familyId,
            connection_id: connectionId,
            provider_account_id: s.providerAccountId,
            provider_name: s.name,
            mask: s.mask,
            kind: s.kind,
            currency: s.currency,
            current_balance_minor: s.currentBalanceMinor,
            available_balance_minor: s.availableBalanceMinor,
            balance_as_of: s.balanceAsOf,
            tracked: trackedByDefault(s.kind),
          })),
        )
        .onConflict((oc) =>
          oc.constraint('accounts_provider_account_key').doUpdateSet((eb) => ({
            provider_name: eb.ref('excluded.provider_name'),
            mask: eb.ref('excluded.mask'),
            kind: eb.ref('excluded.kind'),
            currency: eb.ref('excluded.currency'),
            current_balance_minor: eb.ref('excluded.current_balance_minor'),
            available_balance_minor: eb.ref('excluded.available_balance_minor'),
            balance_as_of: eb.ref('excluded.balance_as_of'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .execute();
    }
    return this.forConnection(connectionId, trx);
  }

  async forConnection(connectionId: string, db: Kysely<BankDatabase> = this.db): Promise<Account[]> {
    const rows = await this.select(db)
      .where('accounts.connection_id', '=', connectionId)
      .orderBy('accounts.id')
      .execute();
    return rows.map(fromRow);
  }

  async byId(familyId: string, id: string, db: Kysely<BankDatabase> = this.db): Promise<Account | undefined> {
    const row = await this.select(db)
      .where('accounts.family_id', '=', familyId)
      .where('accounts.id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async forUpdate(trx: Kysely<BankDatabase>, familyId: string, id: string): Promise<Account | undefined> {
    const row = await this.select(trx)
      .where('accounts.family_id', '=', familyId)
      .where('accounts.id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async list(filter: AccountFilter, page: { afterId?: string | undefined; limit: number }): Promise<Account[]> {
    let q = this.select(this.db)
      .where('accounts.family_id', '=', filter.familyId)
      .orderBy('accounts.id')
      .limit(page.limit + 1);
    if (page.afterId) q = q.where('accounts.id', '>', page.afterId);
    if (filter.connectionId) q = q.where('accounts.connection_id', '=', filter.connectionId);
    if (filter.assignedTo) q = q.where('accounts.member_id', '=', filter.assignedTo);
    if (filter.memberId) {
      const member = filter.memberId;
      q = q.where((eb) =>
        eb.or([
          eb('accounts.member_id', '=', member),
          eb.and([eb('accounts.member_id', 'is', null), eb('connections.created_by_member_id', '=', member)]),
        ]),
      );
    }
    return (await q.execute()).map(fromRow);
  }

  async update(trx: Kysely<BankDatabase>, id: string, c: AccountChanges): Promise<Account> {
    await trx
      .updateTable('accounts')
      .set({
        ...(c.customName !== undefined ? { custom_name: c.customName } : {}),
        ...(c.memberId !== undefined ? { member_id: c.memberId } : {}),
        ...(c.tracked !== undefined ? { tracked: c.tracked } : {}),
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
    const row = await this.select(trx).where('accounts.id', '=', id).executeTakeFirstOrThrow();
    return fromRow(row);
  }
}
