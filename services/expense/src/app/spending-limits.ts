// Spending limits for children: parents set a child's daily/weekly/monthly limits and blocked
// categories; a child may read their own; parents and a service with expense:read list the family's.
// Enforcement (flag + event) is in ExpenseWriter.
import { AppError, isUuid, requireUuid, Violations } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import { Scopes } from '@family/service-kit';
import { checkLimits, type LimitPeriod } from '../domain/limit.rules.js';
import type { SpendingLimits as Limits } from '../domain/expense.records.js';
import type { ExpenseDeps } from './expense.deps.js';

export interface LimitsView {
  memberId: string;
  currency: string;
  limits: { period: LimitPeriod; amountMinor: number }[];
  blockedCategoryIds: string[];
  version: number;
  updatedAt: Date | undefined;
}

function view(memberId: string, currency: string, set: Limits | undefined): LimitsView {
  const limits: LimitsView['limits'] = [];
  if (set?.dayMinor != null) limits.push({ period: 'DAY', amountMinor: set.dayMinor });
  if (set?.weekMinor != null) limits.push({ period: 'WEEK', amountMinor: set.weekMinor });
  if (set?.monthMinor != null) limits.push({ period: 'MONTH', amountMinor: set.monthMinor });
  return {
    memberId,
    currency,
    limits,
    blockedCategoryIds: set?.blockedCategoryIds ?? [],
    version: set?.version ?? 0,
    updatedAt: set?.updatedAt,
  };
}

export class SpendingLimits {
  constructor(private readonly deps: ExpenseDeps) {}

  async get(caller: Caller, familyId: string, memberId: string): Promise<LimitsView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const id = memberId ? requireUuid(memberId, 'memberId') : actor.memberId;
    this.deps.access.assertVisible(actor, id, 'Member');
    // The member is the resource in the path: one outside the family is as if it did not exist.
    if (id !== actor.memberId) await this.deps.access.member(actor, id);
    return view(id, actor.family.currency, await this.deps.limits.get(actor.familyId, id));
  }

  /**
   * Every member of the family who has limits or blocked categories (those with none are left out),
   * by member id. A parent, or a service token with expense:read (it reads like a parent).
   */
  async list(caller: Caller, familyId: string): Promise<LimitsView[]> {
    const actor = await this.deps.access.reader(caller, familyId, Scopes.EXPENSE_READ);
    this.deps.access.requireParent(actor, "Only parents may list the family's spending limits");
    const rows = await this.deps.limits.forFamily(actor.familyId);
    return rows
      .map((row) => view(row.memberId, actor.family.currency, row))
      .filter((v) => v.limits.length > 0 || v.blockedCategoryIds.length > 0);
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
    await this.deps.defaultCategories.ensure(actor.familyId);
    const member = await this.deps.access.member(actor, memberId);
    const id = member.id;
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
        familyId: actor.familyId,
        memberId: id,
        dayMinor: amount('DAY'),
        weekMinor: amount('WEEK'),
        monthMinor: amount('MONTH'),
        blockedCategoryIds: [...new Set(input.blockedCategoryIds.map((c) => c.toLowerCase()))],
      });
    });
    return view(id, actor.family.currency, row);
  }
}
