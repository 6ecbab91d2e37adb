// REST shapes for allowance schedules and their mapping from the goals service's protos.
import { z } from 'zod';
import { AllowanceFrequency, DayOfWeek, type Allowance } from '@family/contracts/goals/v1/goals';
import { present } from './auth.dto.js';
import { DayDto, toDay, toOptionalDay } from './calendar.day.js';
import { JarSplitDto, toJarSplitDto } from './jar.dto.js';
import { protoEnum } from './proto.enum.js';
import { Weekday } from './weekday.dto.js';

export const AllowanceRepeat = protoEnum(
  AllowanceFrequency,
  'ALLOWANCE_FREQUENCY_',
  ['WEEKLY', 'BIWEEKLY', 'MONTHLY'],
  'AllowanceFrequency',
);

export const AllowanceConditionDto = z
  .object({
    minChoreCompletionPercent: z
      .int()
      .min(1)
      .max(100)
      .meta({ description: "Paid only if at least this share of the period's chores was approved" }),
  })
  .meta({ id: 'AllowanceCondition' });

export const AllowanceDto = z
  .object({
    id: z.string(),
    memberId: z.string(),
    amountMinor: z.int(),
    currency: z.string(),
    frequency: AllowanceRepeat.schema,
    dayOfWeek: Weekday.schema.optional().meta({ description: 'WEEKLY and BIWEEKLY' }),
    dayOfMonth: z.int().optional().meta({ description: "MONTHLY: 1–31, clamped to the month's last day" }),
    split: JarSplitDto.optional().meta({ description: "Absent: the member's default split" }),
    startOn: DayDto,
    paused: z.boolean(),
    condition: AllowanceConditionDto.optional().meta({ description: 'Absent: unconditional' }),
    nextPayday: DayDto.optional().meta({ description: 'Absent while paused' }),
    lastPaidOn: DayDto.optional(),
    version: z.int().meta({ description: 'Send it back in If-Match to change the allowance' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Allowance' });

export type AllowanceDto = z.infer<typeof AllowanceDto>;

export function toAllowanceDto(allowance: Allowance | undefined): AllowanceDto {
  const a = present(allowance, 'allowance');
  const dto: AllowanceDto = {
    id: a.id,
    memberId: a.memberId,
    amountMinor: a.amountMinor,
    currency: a.currency,
    frequency: AllowanceRepeat.fromProto(a.frequency),
    startOn: toDay(a.startOn, 'allowance.startOn'),
    paused: a.paused,
    version: a.version,
    createdAt: present(a.createdAt, 'allowance.createdAt').toISOString(),
  };
  if (a.dayOfWeek !== DayOfWeek.DAY_OF_WEEK_UNSPECIFIED) dto.dayOfWeek = Weekday.fromProto(a.dayOfWeek);
  if (a.dayOfMonth !== 0) dto.dayOfMonth = a.dayOfMonth;
  const split = toJarSplitDto(a.split);
  if (split) dto.split = split;
  if (a.condition) dto.condition = { minChoreCompletionPercent: a.condition.minChoreCompletionPercent };
  const nextPayday = toOptionalDay(a.nextPayday);
  if (nextPayday) dto.nextPayday = nextPayday;
  const lastPaidOn = toOptionalDay(a.lastPaidOn);
  if (lastPaidOn) dto.lastPaidOn = lastPaidOn;
  return dto;
}
