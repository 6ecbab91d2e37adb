// Jars: balances, the ledger, posting deposits, withdrawals, transfers and purchases, and each
// member's jar settings (default split, monthly interest on SAVE).
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import { newId, toPage, afterIdPage, type PageInput } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import { dayIn, monthStart, type Day } from '@family/service-kit/calendar';
import { dayToMessage, type Actor } from '@family/service-kit';
import {
  DEFAULT_SPLIT,
  type JarName,
  type LedgerKindName,
  type PostableKind,
  type Split,
} from '../domain/goals.types.js';
import { checkAmount, checkSplit } from '../domain/money.rules.js';
import { checkText } from '../domain/text.rules.js';
import type { JarSettings, LedgerEntry } from '../domain/goals.records.js';
import { postingContext, type GoalsDeps } from './goals.deps.js';
import { money } from './goal.events.js';

export interface BalanceView {
  memberId: string;
  currency: string;
  spendMinor: number;
  saveMinor: number;
  giveMinor: number;
  goalsMinor: number;
}

export interface JarSettingsView {
  memberId: string;
  split: Split;
  interestBps: number;
  interestCapMinor: number;
  currency: string;
  updatedAt: Date | undefined;
}

export interface PostEntryInput {
  memberId: string;
  kind: PostableKind | undefined;
  jar: JarName | undefined;
  toJar: JarName | undefined;
  amountMinor: number;
  memo: string;
  description: string;
  merchant: string;
  categoryId: string;
  occurredOn: Day | undefined;
}

export interface LedgerQuery {
  memberId: string;
  jar: JarName | undefined;
  kind: LedgerKindName | undefined;
  from: Day | undefined;
  to: Day | undefined;
  page: PageInput | undefined;
}

const MAX_INTEREST_BPS = 10_000;

export function splitOf(settings: JarSettings | undefined): Split {
  return settings?.split ?? DEFAULT_SPLIT;
}

/** Most members one BatchGetBalances may name. */
const MAX_BATCH = 100;

export class Jars {
  constructor(private readonly deps: GoalsDeps) {}

  async balance(caller: Caller, familyId: string, memberId: string): Promise<BalanceView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const holder = await this.deps.access.subject(actor, memberId);
    return this.balanceOf(actor, holder);
  }

  /** Several members' balances in request order (duplicates once); none asked: the caller's own. */
  async balances(caller: Caller, familyId: string, memberIds: string[]): Promise<BalanceView[]> {
    if (memberIds.length > MAX_BATCH) throw AppError.invalidField('memberIds', `must list at most ${MAX_BATCH} ids`);
    const actor = await this.deps.access.actor(caller, familyId);
    const holders: string[] = [];
    for (const [i, requested] of (memberIds.length > 0 ? memberIds : ['']).entries()) {
      const holder = await this.deps.access.subject(actor, requested, `memberIds.${i}`);
      if (!holders.includes(holder)) holders.push(holder);
    }
    return Promise.all(holders.map((holder) => this.balanceOf(actor, holder)));
  }

  /** A member's balances, read outside any transaction. */
  async balanceOf(actor: Actor, memberId: string): Promise<BalanceView> {
    const [jars, goals] = await Promise.all([
      this.deps.ledger.balances(memberId),
      this.deps.goals.savedInGoals(memberId),
    ]);
    return {
      memberId,
      currency: actor.family.currency,
      spendMinor: jars.SPEND,
      saveMinor: jars.SAVE,
      giveMinor: jars.GIVE,
      goalsMinor: goals,
    };
  }

  async ledger(caller: Caller, familyId: string, q: LedgerQuery) {
    const actor = await this.deps.access.actor(caller, familyId);
    const holder = await this.deps.access.subject(actor, q.memberId);
    if (q.from && q.to && q.from > q.to) throw AppError.invalidField('to', 'must not be before from');
    const { limit, afterId } = afterIdPage(q.page);
    const rows = await this.deps.ledger.list(
      { memberId: holder, jar: q.jar, kind: q.kind, from: q.from, to: q.to },
      afterId,
      limit + 1,
    );
    return toPage(rows, limit, (r) => [r.id]);
  }

  async post(
    caller: Caller,
    familyId: string,
    input: PostEntryInput,
  ): Promise<{ entries: LedgerEntry[]; balance: BalanceView }> {
    const actor = await this.deps.access.actor(caller, familyId);
    requireUuid(input.memberId, 'memberId');
    if (!input.kind) throw AppError.invalidField('kind', 'must be DEPOSIT, WITHDRAWAL, TRANSFER or SPEND');
    if (input.kind === 'DEPOSIT' || input.kind === 'WITHDRAWAL') {
      this.deps.access.requireParent(actor, 'Only parents deposit or withdraw money');
    }
    const memberId = await this.deps.access.subject(actor, input.memberId);
    const today = dayIn(actor.family.timezone, this.deps.clock());
    const occurredOn = this.checkPost(input, today);
    const jar = input.jar!;
    const ctx = postingContext(actor, this.deps.clock());
    const base = { memberId, amount: input.amountMinor, memo: input.memo.trim() };

    const entries = await this.deps.db.transaction().execute(async (trx) => {
      const { postings, events } = this.deps;
      switch (input.kind!) {
        case 'DEPOSIT':
          return [await postings.credit(trx, ctx, { ...base, jar, kind: 'DEPOSIT' })];
        case 'WITHDRAWAL':
          return [await postings.debit(trx, ctx, { ...base, jar, kind: 'WITHDRAWAL' })];
        case 'TRANSFER': {
          const transferId = newId();
          await this.deps.ledger.lockJars(trx, memberId, [jar, input.toJar!]);
          const out = await postings.debit(trx, ctx, { ...base, jar, kind: 'TRANSFER', transferId });
          const into = await postings.credit(trx, ctx, { ...base, jar: input.toJar!, kind: 'TRANSFER', transferId });
          return [out, into];
        }
        case 'SPEND': {
          const entry = await postings.debit(trx, ctx, {
            ...base,
            jar,
            kind: 'SPEND',
            description: input.description.trim(),
            merchant: input.merchant.trim(),
            categoryId: input.categoryId || null,
            occurredOn,
          });
          if (jar === 'SPEND') {
            await events.emit(trx, {
              familyId: actor.familyId,
              actorUserId: actor.userId,
              payloads: [
                {
                  $case: 'jarSpent',
                  value: {
                    ledgerEntryId: entry.id,
                    memberId,
                    amount: money(input.amountMinor, actor.family.currency),
                    description: entry.description,
                    merchant: entry.merchant,
                    categoryId: entry.categoryId ?? '',
                    occurredOn: dayToMessage(occurredOn),
                  },
                },
              ],
            });
          }
          return [entry];
        }
      }
    });
    return { entries, balance: await this.balanceOf(actor, memberId) };
  }

  /** Field rules of a posted entry; returns the purchase day (today unless given). */
  private checkPost(input: PostEntryInput, today: Day): Day {
    const v = new Violations();
    if (!input.jar) v.add('jar', 'must be SPEND, SAVE or GIVE');
    else if (input.kind === 'SPEND' && input.jar === 'SAVE') {
      v.add('jar', 'purchases are paid from the SPEND or GIVE jar; move savings with a TRANSFER first');
    }
    if (input.kind === 'TRANSFER') {
      if (!input.toJar) v.add('toJar', 'must be SPEND, SAVE or GIVE');
      else if (input.toJar === input.jar) v.add('toJar', 'must differ from jar');
    }
    checkAmount(v, 'amountMinor', input.amountMinor);
    checkText(v, 'memo', input.memo, { max: 200 });
    const occurredOn = input.occurredOn ?? today;
    if (input.kind === 'SPEND') {
      checkText(v, 'description', input.description, { required: true, max: 200 });
      checkText(v, 'merchant', input.merchant, { max: 100 });
      if (input.categoryId && !isUuid(input.categoryId)) v.add('categoryId', 'must be a UUID');
      if (occurredOn > today) v.add('occurredOn', 'must not be in the future');
    }
    v.throwIfAny();
    return occurredOn;
  }

  async settings(caller: Caller, familyId: string, memberId: string): Promise<JarSettingsView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const holder = await this.deps.access.subject(actor, memberId);
    return this.view(actor, holder, await this.deps.jarSettings.get(holder));
  }

  async updateSettings(
    caller: Caller,
    familyId: string,
    input: {
      memberId: string;
      split?: Split | undefined;
      interestBps?: number | undefined;
      interestCapMinor?: number | undefined;
    },
  ): Promise<JarSettingsView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const member = await this.deps.access.member(actor, input.memberId);
    const v = new Violations();
    if (input.split) checkSplit(v, 'defaultSplit', input.split);
    if (
      input.interestBps !== undefined &&
      (!Number.isInteger(input.interestBps) || input.interestBps < 0 || input.interestBps > MAX_INTEREST_BPS)
    ) {
      v.add('interestMonthlyRateBps', `must be from 0 to ${MAX_INTEREST_BPS} basis points`);
    }
    if (input.interestCapMinor !== undefined)
      checkAmount(v, 'interestCapMinor', input.interestCapMinor, { allowZero: true });
    v.throwIfAny();
    const today = dayIn(actor.family.timezone, this.deps.clock());
    const settings = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.deps.jarSettings.forUpdate(trx, member.id);
      const bps = input.interestBps ?? current?.interestBps ?? 0;
      // Interest starts with the next calendar month; switching it off and on never pays the gap.
      const nextOn =
        bps === 0 ? null : current && current.interestBps > 0 ? current.interestNextOn : monthStart(today, 1);
      return this.deps.jarSettings.upsert(trx, {
        memberId: member.id,
        familyId: actor.familyId,
        split: input.split ?? splitOf(current),
        interestBps: bps,
        interestCapMinor: input.interestCapMinor ?? current?.interestCapMinor ?? 0,
        interestNextOn: nextOn,
      });
    });
    return this.view(actor, member.id, settings);
  }

  private view(actor: Actor, memberId: string, settings: JarSettings | undefined): JarSettingsView {
    return {
      memberId,
      split: splitOf(settings),
      interestBps: settings?.interestBps ?? 0,
      interestCapMinor: settings?.interestCapMinor ?? 0,
      currency: actor.family.currency,
      updatedAt: settings?.updatedAt,
    };
  }
}
