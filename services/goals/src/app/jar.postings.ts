// The one way money moves in or out of a jar: the balance row and its ledger entry change together in
// the caller's transaction. A debit larger than the jar's balance fails with INSUFFICIENT_FUNDS (409)
// and the balance, and rolls the whole transaction back.
import type { Kysely } from 'kysely';
import { AppError } from '@family/errors';
import { newId } from '@family/db';
import type { GoalsDatabase } from '../db/schema.js';
import { dayIn } from '@family/service-kit/calendar';
import type { LedgerEntry } from '../domain/goals.records.js';
import type { JarAmounts, JarName, LedgerKindName } from '../domain/goals.types.js';
import { jarAmounts } from '../domain/money.rules.js';
import type { LedgerStore } from '../store/ledger.store.js';

/** Who posts, for which family, and when. */
export interface PostingContext {
  familyId: string;
  currency: string;
  timezone: string;
  at: Date;
  /** Empty for scheduled postings. */
  createdByMemberId: string | null;
}

export interface Posting {
  memberId: string;
  jar: JarName;
  /** Positive; the sign follows from credit or debit. */
  amount: number;
  kind: LedgerKindName;
  memo?: string;
  transferId?: string | null;
  description?: string;
  merchant?: string;
  categoryId?: string | null;
  occurredOn?: string | null;
  goalId?: string | null;
  choreId?: string | null;
  allowanceId?: string | null;
}

export class JarPostings {
  constructor(private readonly ledger: LedgerStore) {}

  async credit(trx: Kysely<GoalsDatabase>, ctx: PostingContext, p: Posting): Promise<LedgerEntry> {
    const balance = await this.ledger.credit(trx, {
      familyId: ctx.familyId,
      memberId: p.memberId,
      jar: p.jar,
      amount: p.amount,
    });
    return this.entry(trx, ctx, p, p.amount, balance);
  }

  async debit(trx: Kysely<GoalsDatabase>, ctx: PostingContext, p: Posting): Promise<LedgerEntry> {
    const balance = await this.ledger.debit(trx, { memberId: p.memberId, jar: p.jar, amount: p.amount });
    if (balance === undefined) {
      const current = await this.ledger.balance(p.memberId, p.jar, trx);
      throw AppError.precondition('INSUFFICIENT_FUNDS', `The ${p.jar} jar holds only ${current}`, {
        jar: p.jar,
        balanceMinor: String(current),
        requestedMinor: String(p.amount),
      });
    }
    return this.entry(trx, ctx, p, -p.amount, balance);
  }

  /** Credits money split across jars (SPEND, SAVE, GIVE order); zero shares are left out. */
  async creditSplit(
    trx: Kysely<GoalsDatabase>,
    ctx: PostingContext,
    base: Omit<Posting, 'jar' | 'amount'>,
    amounts: JarAmounts,
  ): Promise<LedgerEntry[]> {
    const parts = jarAmounts(amounts);
    // Jars touched together are locked first in the one order transfers use too: no deadlock.
    await this.ledger.lockJars(
      trx,
      base.memberId,
      parts.map((p) => p.jar),
    );
    const rows: LedgerEntry[] = [];
    for (const { jar, amount } of parts) rows.push(await this.credit(trx, ctx, { ...base, jar, amount }));
    return rows;
  }

  private entry(
    trx: Kysely<GoalsDatabase>,
    ctx: PostingContext,
    p: Posting,
    signed: number,
    balanceAfter: number,
  ): Promise<LedgerEntry> {
    return this.ledger.insertEntry(trx, {
      id: newId(),
      familyId: ctx.familyId,
      memberId: p.memberId,
      jar: p.jar,
      amountMinor: signed,
      currency: ctx.currency,
      kind: p.kind,
      memo: p.memo ?? '',
      balanceAfterMinor: balanceAfter,
      transferId: p.transferId ?? null,
      description: p.description ?? '',
      merchant: p.merchant ?? '',
      categoryId: p.categoryId ?? null,
      occurredOn: p.occurredOn ?? null,
      goalId: p.goalId ?? null,
      choreId: p.choreId ?? null,
      allowanceId: p.allowanceId ?? null,
      createdByMemberId: ctx.createdByMemberId,
      day: dayIn(ctx.timezone, ctx.at),
      at: ctx.at,
    });
  }
}
