// REST shape of the spending report and its mapping from the expense service's proto.
import { z } from 'zod';
import { SpendingReportGroupBy, type GetSpendingReportResponse } from '@family/contracts/expense/v1/expense';
import { DayDto, toDay } from './calendar.day.js';

/** Query values are lower case (`groupBy=category`), as in ARCHITECTURE §5. */
export const GroupByDto = z.enum(['category', 'member', 'month', 'tag']).meta({ id: 'SpendingReportGroupBy' });
export type GroupByDto = z.infer<typeof GroupByDto>;

const groupByProto: Record<GroupByDto, SpendingReportGroupBy> = {
  category: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_CATEGORY,
  member: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MEMBER,
  month: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MONTH,
  tag: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_TAG,
};

export function fromGroupByDto(groupBy: GroupByDto): SpendingReportGroupBy {
  return groupByProto[groupBy];
}

export const SpendingReportDto = z
  .object({
    currency: z.string().meta({ description: "The family's base currency: every total is in it" }),
    from: DayDto,
    to: DayDto,
    groupBy: GroupByDto,
    previousFrom: DayDto.meta({ description: 'The previous period: same length, ending the day before `from`' }),
    previousTo: DayDto,
    totalMinor: z.int(),
    previousTotalMinor: z.int(),
    groups: z
      .array(
        z.object({
          key: z
            .string()
            .nullable()
            .meta({ description: 'Category id, member id, YYYY-MM or tag; null collects the uncategorized/untagged' }),
          label: z.string(),
          totalMinor: z.int(),
          previousTotalMinor: z.int(),
          expenseCount: z.int(),
        }),
      )
      .meta({ description: 'Largest total first (by month: chronological)' }),
    topMerchants: z.array(z.object({ merchant: z.string(), totalMinor: z.int(), expenseCount: z.int() })),
  })
  .meta({ id: 'SpendingReport' });

export type SpendingReportDto = z.infer<typeof SpendingReportDto>;

export function toSpendingReportDto(
  r: GetSpendingReportResponse,
  range: { from: string; to: string; groupBy: GroupByDto },
): SpendingReportDto {
  return {
    currency: r.currency,
    ...range,
    previousFrom: toDay(r.previousFrom, 'report.previousFrom'),
    previousTo: toDay(r.previousTo, 'report.previousTo'),
    totalMinor: r.totalMinor,
    previousTotalMinor: r.previousTotalMinor,
    groups: r.groups.map((g) => ({
      key: g.key === '' ? null : g.key,
      label: g.label,
      totalMinor: g.totalMinor,
      previousTotalMinor: g.previousTotalMinor,
      expenseCount: g.expenseCount,
    })),
    topMerchants: r.topMerchants.map((m) => ({
      merchant: m.merchant,
      totalMinor: m.totalMinor,
      expenseCount: m.expenseCount,
    })),
  };
}
