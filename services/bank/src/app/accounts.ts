// Accounts: listing (a child sees only the accounts assigned to them) and a parent's changes — the
// member whose spending it is, a name of the family's own, tracked or ignored — with If-Match.
import { AppError, charLength, requireUuid, Violations } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import { toPage, afterIdPage, type PageInput } from '@family/db';
import type { Account } from '../domain/bank.records.js';
import type { BankDeps } from './bank.deps.js';

export interface AccountListInput {
  connectionId: string;
  memberId: string;
  page: PageInput | undefined;
}

export interface AccountUpdate {
  memberId?: string | undefined;
  name?: string | undefined;
  tracked?: boolean | undefined;
  expectedVersion: number;
}

export class Accounts {
  constructor(private readonly deps: BankDeps) {}

  async list(caller: Caller, familyId: string, input: AccountListInput) {
    const actor = await this.deps.access.actor(caller, familyId);
    const { limit, afterId } = afterIdPage(input.page);
    const connectionId = input.connectionId ? requireUuid(input.connectionId, 'connectionId') : undefined;
    let memberId: string | undefined;
    let assignedTo: string | undefined;
    if (actor.isParent) memberId = input.memberId ? requireUuid(input.memberId, 'memberId') : undefined;
    else {
      // A child reads only what is assigned to them (naming a sibling is refused by the kit).
      await this.deps.access.subject(actor, input.memberId);
      assignedTo = actor.memberId;
    }
    const rows = await this.deps.accounts.list(
      { familyId: actor.familyId, connectionId, memberId, assignedTo },
      { afterId, limit },
    );
    return toPage(rows, limit, (a) => [a.id]);
  }

  async update(caller: Caller, familyId: string, accountId: string, input: AccountUpdate): Promise<Account> {
    const actor = await this.deps.access.parent(caller, familyId);
    const id = requireUuid(accountId, 'accountId');
    const v = new Violations();
    const name = input.name?.trim();
    if (name !== undefined) v.check(charLength(name) <= 100, 'name', 'must be at most 100 characters');
    v.check(
      Number.isInteger(input.expectedVersion) && input.expectedVersion >= 0,
      'expectedVersion',
      'must be a version',
    );
    v.throwIfAny();
    let memberId: string | null | undefined;
    if (input.memberId !== undefined) {
      if (input.memberId === '') memberId = null;
      else {
        const member = await this.deps.families.member(
          actor.familyId,
          requireUuid(input.memberId, 'memberId'),
          actor.token,
        );
        if (!member) throw AppError.invalidField('memberId', 'is not a member of this family');
        memberId = member.id;
      }
    }
    return this.deps.db.transaction().execute(async (trx) => {
      const account = await this.deps.accounts.forUpdate(trx, actor.familyId, id);
      if (!account) throw AppError.notFound('Account');
      if (input.expectedVersion && input.expectedVersion !== account.version)
        throw AppError.versionMismatch(account.version);
      return this.deps.accounts.update(trx, id, {
        memberId,
        customName: name === undefined ? undefined : name || null,
        tracked: input.tracked,
      });
    });
  }
}
