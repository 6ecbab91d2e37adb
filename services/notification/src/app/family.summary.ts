// What the daily digest tells a parent about one family on one local day, read with this service's
// own token from the services that own it: spending today by category and this month so far (expense
// service, expense:read), budgets at or past their first warning (expense), and chores waiting for a
// parent's approval (goals service, goals:read). One call per question per family; nothing per member.
import type { Client } from 'nice-grpc';
import { AppError } from '@family/errors';
import { callMetadata, type KitCallOptions, type ServiceTokenSource } from '@family/grpc-kit';
import type { AuthGateway } from '@family/auth-client';
import { monthStart, toYmd } from '@family/service-kit/calendar';
import { SpendingReportGroupBy, type ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { ChoreStatus, type GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';

export type ExpenseClient = Client<typeof ExpenseServiceDefinition, KitCallOptions>;
export type GoalsClient = Client<typeof GoalsServiceDefinition, KitCallOptions>;

/** A budget is worth a line in the digest from this share of its limit. */
export const BUDGET_WARNING_PERCENT = 80;
/** Categories named in "spent today". */
const TOP_CATEGORIES = 3;
/** Enough for any family; more budgets or waiting chores than this are summarised as "100+". */
const PAGE = 100;

export interface FamilySummary {
  familyId: string;
  name: string;
  currency: string;
  todayMinor: number;
  todayByCategory: { label: string; totalMinor: number }[];
  monthMinor: number;
  /** The same number of days just before the month began (the report's previous period). */
  previousMinor: number;
  budgets: { name: string; percent: number; spentMinor: number; remainingMinor: number }[];
  choresWaiting: number;
  /** More chores wait than one page holds (the digest says "100+"). */
  moreChoresWaiting: boolean;
}

export class FamilySummaries {
  constructor(
    private readonly expense: ExpenseClient,
    private readonly goals: GoalsClient,
    private readonly auth: AuthGateway,
    private readonly serviceToken: ServiceTokenSource,
    private readonly timeoutMs = 5000,
  ) {}

  /** The family's day `date` ("YYYY-MM-DD", the family's calendar). */
  async summarize(familyId: string, date: string): Promise<FamilySummary> {
    const options = { metadata: callMetadata({ token: await this.serviceToken.get() }), deadline: this.deadline() };
    const day = toYmd(date);
    const [families, today, month, budgets, chores] = await Promise.all([
      this.auth.families([familyId]),
      this.call('Spending', () =>
        this.expense.getSpendingReport(
          {
            familyId,
            from: day,
            to: day,
            groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_CATEGORY,
            memberId: '',
            categoryId: '',
            topMerchantsLimit: 1,
          },
          options,
        ),
      ),
      this.call('Spending', () =>
        this.expense.getSpendingReport(
          {
            familyId,
            from: toYmd(monthStart(date)),
            to: day,
            groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_UNSPECIFIED,
            memberId: '',
            categoryId: '',
            topMerchantsLimit: 1,
          },
          options,
        ),
      ),
      this.call('Budgets', () =>
        this.expense.listBudgets(
          { familyId, page: { limit: PAGE, cursor: '' }, memberId: '', categoryId: '', on: day },
          options,
        ),
      ),
      this.call('Chores', () =>
        this.goals.listChores(
          {
            familyId,
            page: { limit: PAGE, cursor: '' },
            assigneeMemberId: '',
            status: ChoreStatus.CHORE_STATUS_SUBMITTED,
            dueFrom: undefined,
            dueTo: undefined,
          },
          options,
        ),
      ),
    ]);
    const family = families[0];
    return {
      familyId,
      name: family?.name ?? '',
      currency: today.currency || family?.currency || '',
      todayMinor: today.totalMinor,
      todayByCategory: today.groups
        .filter((g) => g.totalMinor > 0)
        .slice(0, TOP_CATEGORIES)
        .map((g) => ({ label: g.label || 'Uncategorized', totalMinor: g.totalMinor })),
      monthMinor: month.totalMinor,
      previousMinor: month.previousTotalMinor,
      budgets: budgets.budgets
        .filter((b) => (b.status?.percent ?? 0) >= BUDGET_WARNING_PERCENT)
        .sort((a, b) => (b.status?.percent ?? 0) - (a.status?.percent ?? 0))
        .map((b) => ({
          name: b.name,
          percent: b.status!.percent,
          spentMinor: b.status!.spentMinor,
          remainingMinor: b.status!.remainingMinor,
        })),
      choresWaiting: chores.chores.length,
      moreChoresWaiting: !!chores.page?.nextCursor,
    };
  }

  private deadline(): Date {
    return new Date(Date.now() + this.timeoutMs);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new AppError('UNAVAILABLE', 'SUMMARY_UNAVAILABLE', `${what} are unavailable right now`, {
        metadata: { cause: String((err as Error)?.message ?? err).slice(0, 200) },
      });
    }
  }
}
