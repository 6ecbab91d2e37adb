// Spending limits for children: parents set a child's daily/weekly/monthly limits and blocked
// categories; a child may read their own. Enforcement (flag + event) is in ExpenseWriter.
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import { checkLimits, type LimitPeriod } from '../domain/limit.rules.js';
import type { LimitsRow } from '../store/limits.store.js';
import type { ExpenseDeps } from './expense.deps.js';

export interface LimitsView {
  memberId: string;
  currency: string;
  limits: { period: LimitPeriod; amountMinor: number }[];
  blockedCategoryIds: string[];
  version: number;
  updatedAt: Date | undefined;
}

function view(memberId: string, currency: string, row: LimitsRow | undefined): LimitsView {
  const limits: LimitsView['limits'] = [];
  if (row?.day_minor != null) limits.push({ period: 'DAY', amountMinor: row.day_minor });
  if (row?.week_minor != null) limits.push({ period: 'WEEK', amountMinor: row.week_minor });
  if (row?.month_minor != null) limits.push({ period: 'MONTH', amountMinor: row.month_minor });
  return {
    memberId,
    currency,
    limits,
    blockedCategoryIds: row?.blocked_category_ids ?? [],
    version: row?.version ?? 0,
    updatedAt: row?.updated_at,
  };
}

export class SpendingLimits {
  constructor(private readonly deps: ExpenseDeps) {}

  async get(caller: Caller, familyId: string, memberId: string): Promise<LimitsView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const id = memberId ? requireUuid(memberId, 'memberId') : actor.memberId;
    this.deps.access.assertOwn(actor, id, 'Member');
    // The member is the resource in the path: one outside the family is as if it did not exist.
    if (id !== actor.memberId && !(await this.deps.access.members.find(actor.familyId, id, actor.token))) {
      throw AppError.notFound('Member');
    }
    return view(id, actor.family.currency, await this.deps.limits.get(actor.familyId, id));
  }

  async put(
    caller: Caller,
    familyId: string,
    memberId: string,
    input: {
      limits: { period: LimitPeriod | undefined; amountMinor: number }[];
      blockedCategoryIds: string[];
      expectedVersion: number;
    },
  ): Promise<LimitsView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const id = requireUuid(memberId, 'memberId');
    const member = await this.deps.access.members.find(actor.familyId, id, actor.token);
    if (!member) throw AppError.notFound('Member');
    if (member.role !== 'CHILD') throw AppError.invalidField('memberId', 'spending limits are for children');
    const v = new Violations();
    checkLimits(v, input.limits);
    const categories = new Set((await this.deps.categories.all(actor.familyId)).map((c) => c.id));
    input.blockedCategoryIds.forEach((c, i) =>
      v.check(
        isUuid(c) && categories.has(c.toLowerCase()),
        `blockedCategoryIds.${i}`,
        'is not a category of this family',
      ),
    );
    v.throwIfAny();
    const amount = (p: LimitPeriod) => input.limits.find((l) => l.period === p)?.amountMinor ?? null;
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.deps.limits.forUpdate(trx, actor.familyId, id);
      if (input.expectedVersion && (current?.version ?? 0) !== input.expectedVersion) {
        throw AppError.versionMismatch(current?.version ?? 0);
      }
      return this.deps.limits.put(trx, {
        family_id: actor.familyId,
        member_id: id,
        day_minor: amount('DAY'),
        week_minor: amount('WEEK'),
        month_minor: amount('MONTH'),
        blocked_category_ids: [...new Set(input.blockedCategoryIds.map((c) => c.toLowerCase()))],
      });
    });
    return view(id, actor.family.currency, row);
  }
}
