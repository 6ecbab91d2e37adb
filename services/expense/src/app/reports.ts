// Spending reports: totals by category, member, month or tag over a range, against the previous
// period (the same number of whole calendar months before a range of whole months, otherwise the
// same number of days), with the top merchants. A child's report covers only their own spending; a
// service with expense:read reads the whole family's, like a parent.
import { AppError, requireUuid, Violations } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import type { MemberInfo } from '@family/auth-client';
import { Scopes, type Actor } from '@family/service-kit';
import {
  addDays,
  addMonthsClamped,
  daysBetween,
  periodContaining,
  dayIn,
  toYmd,
  type Day,
} from '@family/service-kit/calendar';
import { CategoryTree } from '../domain/category.tree.js';
import type { ReportFilter, ReportGrouping, ReportsStore } from '../store/reports.store.js';
import type { ExpenseDeps } from './expense.deps.js';

export const MAX_REPORT_DAYS = 366 * 5;

export interface SpendingReport {
  currency: string;
  from: Day;
  to: Day;
  previousFrom: Day;
  previousTo: Day;
  total: number;
  previousTotal: number;
  groups: { key: string; label: string; total: number; previousTotal: number; count: number }[];
  topMerchants: { merchant: string; total: number; count: number }[];
}

/**
 * The period a report compares with: for whole calendar months (from the 1st to a month's last
 * day) the same number of whole months before (Nov 1–30 → Oct 1–31); otherwise the same number of
 * days just before.
 */
export function previousPeriodOf(from: Day, to: Day): { previousFrom: Day; previousTo: Day } {
  const previousTo = addDays(from, -1);
  if (from === periodContaining('MONTH', from).start && to === periodContaining('MONTH', to).end) {
    const a = toYmd(from);
    const b = toYmd(to);
    const months = (b.year - a.year) * 12 + (b.month - a.month) + 1;
    return { previousFrom: addMonthsClamped(from, -months, 1), previousTo };
  }
  return { previousFrom: addDays(previousTo, -daysBetween(from, to)), previousTo };
}

export class Reports {
  constructor(
    private readonly deps: ExpenseDeps,
    private readonly store: ReportsStore,
  ) {}

  async spending(
    caller: Caller,
    familyId: string,
    input: {
      from: Day | undefined;
      to: Day | undefined;
      groupBy: ReportGrouping | undefined;
      memberId: string;
      categoryId: string;
      topMerchantsLimit: number;
    },
  ): Promise<SpendingReport> {
    const actor = await this.deps.access.reader(caller, familyId, Scopes.EXPENSE_READ);
    const today = dayIn(actor.family.timezone, this.deps.now());
    const month = periodContaining('MONTH', today);
    const from = input.from ?? (input.to ? periodContaining('MONTH', input.to).start : month.start);
    const to = input.to ?? (input.from ? today : month.end);
    const v = new Violations();
    v.check(from <= to, 'to', 'must not be before from');
    v.check(daysBetween(from, to) < MAX_REPORT_DAYS, 'to', 'the range may span at most five years');
    v.check(input.topMerchantsLimit >= 0 && input.topMerchantsLimit <= 50, 'topMerchantsLimit', 'must be 0-50');
    v.throwIfAny();
    const groupBy = input.groupBy ?? 'CATEGORY';
    const tree = new CategoryTree(await this.deps.categories.all(actor.familyId));
    let categoryIds: string[] | undefined;
    if (input.categoryId) {
      const id = requireUuid(input.categoryId, 'categoryId');
      if (!tree.has(id)) throw AppError.invalidField('categoryId', 'is not a category of this family');
      categoryIds = tree.subtree(id);
    }
    const memberId = await this.deps.access.listScope(actor, input.memberId);
    const { previousFrom, previousTo } = previousPeriodOf(from, to);
    const current: ReportFilter = { familyId: actor.familyId, from, to, memberId, categoryIds };
    const previous: ReportFilter = { ...current, from: previousFrom, to: previousTo };
    // Groups partition the lines except by tag (an expense has several), so their sum is the total.
    const sum = (gs: { total: number }[]) => gs.reduce((s, g) => s + g.total, 0);
    const [groups, previousGroups, topMerchants, tagTotals] = await Promise.all([
      this.store.groups(current, groupBy),
      this.store.groups(previous, groupBy),
      this.store.topMerchants(current, input.topMerchantsLimit || 5),
      groupBy === 'TAG' ? Promise.all([this.store.total(current), this.store.total(previous)]) : undefined,
    ]);
    const [total, previousTotal] = tagTotals ?? [sum(groups), sum(previousGroups)];
    const before = new Map(previousGroups.map((g) => [g.key, g]));
    const keys = [...new Set([...groups.map((g) => g.key), ...previousGroups.map((g) => g.key)])];
    const now = new Map(groups.map((g) => [g.key, g]));
    const label = await this.labeler(groupBy, tree, actor);
    const rows = keys.map((key) => ({
      key,
      label: label(key),
      total: now.get(key)?.total ?? 0,
      previousTotal: before.get(key)?.total ?? 0,
      count: now.get(key)?.count ?? 0,
    }));
    if (groupBy === 'MONTH') {
      // The previous period's months are other months: a month report lists the range's own months.
      rows.splice(0, rows.length, ...rows.filter((r) => now.has(r.key)).sort((a, b) => (a.key < b.key ? -1 : 1)));
    } else {
      rows.sort((a, b) => b.total - a.total || b.previousTotal - a.previousTotal || (a.label < b.label ? -1 : 1));
    }
    return {
      currency: actor.family.currency,
      from,
      to,
      previousFrom,
      previousTo,
      total,
      previousTotal,
      groups: rows,
      topMerchants,
    };
  }

  private async labeler(groupBy: ReportGrouping, tree: CategoryTree, actor: Actor) {
    switch (groupBy) {
      case 'CATEGORY':
        return (key: string) => (key ? tree.path(key) || key : 'Uncategorized');
      case 'TAG':
        return (key: string) => key || 'Untagged';
      case 'MONTH':
        return (key: string) => key;
      case 'MEMBER': {
        // Auth lists members only to a user: a service reader gets the ids (asking with its token would
        // fail). A user's report needs the names, so auth failing fails the report.
        const members = actor.service
          ? new Map<string, MemberInfo>()
          : await this.deps.families.members(actor.familyId, actor.token);
        return (key: string) => members.get(key)?.displayName ?? key;
      }
    }
  }
}
