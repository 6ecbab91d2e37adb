// REST shapes for recurring expenses and their mapping from the expense service's protos.
import { z } from 'zod';
import { RecurringFrequency, type ExpenseTemplate, type RecurringExpense } from '@family/contracts/expense/v1/expense';
import { present } from './auth.dto.js';
import { DayDto, toDay, toOptionalDay } from './calendar.day.js';
import { SplitDto, toSplitDto, withOptional } from './expense.dto.js';
import { protoEnum } from './proto.enum.js';

export const Frequency = protoEnum(
  RecurringFrequency,
  'RECURRING_FREQUENCY_',
  ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'],
  'RecurringFrequency',
);

export const ExpenseTemplateDto = z
  .object({
    memberId: z.string(),
    amountMinor: z.int(),
    currency: z.string(),
    description: z.string(),
    merchant: z.string().optional(),
    categoryId: z.string().optional(),
    tags: z.array(z.string()),
    note: z.string().optional(),
    splits: z.array(SplitDto),
  })
  .meta({ id: 'ExpenseTemplate', description: 'The expense recorded on every occurrence' });

export const RecurringExpenseDto = z
  .object({
    id: z.string(),
    template: ExpenseTemplateDto,
    frequency: Frequency.schema,
    interval: z.int().meta({ description: 'Every `interval` periods (1 = every period)' }),
    startOn: DayDto,
    endOn: DayDto.optional(),
    paused: z.boolean(),
    nextOn: DayDto.nullable().meta({ description: 'The next occurrence; null once the schedule has ended' }),
    lastRunOn: DayDto.optional(),
    version: z.int(),
    createdAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'RecurringExpense' });

export const RecurrencePreviewDto = z
  .object({ dates: z.array(DayDto).meta({ description: 'The next occurrences, earliest first' }) })
  .meta({ id: 'RecurrencePreview' });

export type ExpenseTemplateDto = z.infer<typeof ExpenseTemplateDto>;
export type RecurringExpenseDto = z.infer<typeof RecurringExpenseDto>;

export function toExpenseTemplateDto(template: ExpenseTemplate | undefined): ExpenseTemplateDto {
  const t = present(template, 'recurringExpense.template');
  return withOptional<ExpenseTemplateDto>(
    {
      memberId: t.memberId,
      amountMinor: t.amountMinor,
      currency: t.currency,
      description: t.description,
      tags: t.tags,
      splits: t.splits.map(toSplitDto),
    },
    { merchant: t.merchant, categoryId: t.categoryId, note: t.note },
  );
}

export function toRecurringExpenseDto(recurring: RecurringExpense | undefined): RecurringExpenseDto {
  const r = present(recurring, 'recurringExpense');
  const dto: RecurringExpenseDto = {
    id: r.id,
    template: toExpenseTemplateDto(r.template),
    frequency: Frequency.fromProto(r.frequency),
    interval: r.interval,
    startOn: toDay(r.startOn, 'recurringExpense.startOn'),
    paused: r.paused,
    nextOn: toOptionalDay(r.nextOn) ?? null,
    version: r.version,
  };
  const endOn = toOptionalDay(r.endOn);
  const lastRunOn = toOptionalDay(r.lastRunOn);
  if (endOn !== undefined) dto.endOn = endOn;
  if (lastRunOn !== undefined) dto.lastRunOn = lastRunOn;
  if (r.createdAt) dto.createdAt = r.createdAt.toISOString();
  return dto;
}
