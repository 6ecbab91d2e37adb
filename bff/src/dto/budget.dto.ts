// REST shapes for budgets and spending limits and their mapping from the expense service's protos.
import { z } from 'zod';
import {
  BudgetPeriod,
  SpendingLimitPeriod,
  type Budget,
  type BudgetStatus,
  type SpendingLimits,
} from '@family/contracts/expense/v1/expense';
import { present } from './auth.dto.js';
import { DayDto, toDay } from './calendar.day.js';
import { withOptional } from './expense.dto.js';
import { protoEnum } from './proto.enum.js';

export const Period = protoEnum(BudgetPeriod, 'BUDGET_PERIOD_', ['WEEK', 'MONTH', 'YEAR'], 'BudgetPeriod');
export const LimitPeriod = protoEnum(
  SpendingLimitPeriod,
  'SPENDING_LIMIT_PERIOD_',
  ['DAY', 'WEEK', 'MONTH'],
  'SpendingLimitPeriod',
);

export const BudgetStatusDto = z
  .object({
    periodStart: DayDto,
    periodEnd: DayDto,
    spentMinor: z.int(),
    remainingMinor: z.int().meta({ description: 'Limit (plus rollover) minus spent; negative when over' }),
    percent: z.int().meta({ description: 'Whole percent of the limit spent (may exceed 100)' }),
    projectedMinor: z.int().meta({ description: 'Spending projected to the period end at the current pace' }),
    rolloverMinor: z.int().meta({ description: 'Carried over from the previous period (may be negative)' }),
  })
  .meta({ id: 'BudgetStatus' });

export const BudgetDto = z
  .object({
    id: z.string(),
    name: z.string(),
    categoryId: z.string().optional().meta({ description: 'Absent: all categories; else with subcategories' }),
    memberId: z.string().optional().meta({ description: 'Absent: the whole family' }),
    period: Period.schema,
    amountMinor: z.int().meta({ description: "Limit per period in the family's base currency" }),
    currency: z.string(),
    rollover: z.boolean(),
    thresholds: z.array(z.int()).meta({ description: 'Percentages that notify when crossed, e.g. [80, 100]' }),
    status: BudgetStatusDto,
    version: z.int(),
    createdAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Budget' });

export const SpendingLimitDto = z
  .object({ period: LimitPeriod.schema, amountMinor: z.int().meta({ description: "In the family's base currency" }) })
  .meta({ id: 'SpendingLimit' });

export const SpendingLimitsDto = z
  .object({
    memberId: z.string(),
    currency: z.string(),
    limits: z.array(SpendingLimitDto).meta({ description: 'At most one per period' }),
    blockedCategoryIds: z
      .array(z.string())
      .meta({ description: 'Expenses in these categories (or their subcategories) are flagged' }),
    version: z.int().meta({ description: '0 until limits are first set' }),
    updatedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'SpendingLimits' });

export type BudgetDto = z.infer<typeof BudgetDto>;
export type BudgetStatusDto = z.infer<typeof BudgetStatusDto>;
export type SpendingLimitsDto = z.infer<typeof SpendingLimitsDto>;

export function toBudgetStatusDto(status: BudgetStatus | undefined): BudgetStatusDto {
  const s = present(status, 'budget.status');
  return {
    periodStart: toDay(s.periodStart, 'budget.status.periodStart'),
    periodEnd: toDay(s.periodEnd, 'budget.status.periodEnd'),
    spentMinor: s.spentMinor,
    remainingMinor: s.remainingMinor,
    percent: s.percent,
    projectedMinor: s.projectedMinor,
    rolloverMinor: s.rolloverMinor,
  };
}

export function toBudgetDto(budget: Budget | undefined): BudgetDto {
  const b = present(budget, 'budget');
  const dto = withOptional<BudgetDto>(
    {
      id: b.id,
      name: b.name,
      period: Period.fromProto(b.period),
      amountMinor: b.amountMinor,
      currency: b.currency,
      rollover: b.rollover,
      thresholds: b.thresholds,
      status: toBudgetStatusDto(b.status),
      version: b.version,
    },
    { categoryId: b.categoryId, memberId: b.memberId },
  );
  if (b.createdAt) dto.createdAt = b.createdAt.toISOString();
  return dto;
}

export function toSpendingLimitsDto(limits: SpendingLimits | undefined): SpendingLimitsDto {
  const l = present(limits, 'spendingLimits');
  const dto: SpendingLimitsDto = {
    memberId: l.memberId,
    currency: l.currency,
    limits: l.limits.map((x) => ({ period: LimitPeriod.fromProto(x.period), amountMinor: x.amountMinor })),
    blockedCategoryIds: l.blockedCategoryIds,
    version: l.version,
  };
  if (l.updatedAt) dto.updatedAt = l.updatedAt.toISOString();
  return dto;
}
