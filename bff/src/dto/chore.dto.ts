// REST shapes for chores (with their recurrence) and their mapping from the goals service's protos.
import { z } from 'zod';
import { ChoreFrequency, ChoreStatus, type Chore, type ChoreRecurrence } from '@family/contracts/goals/v1/goals';
import { present } from './auth.dto.js';
import { DayDto, toOptionalDay } from './calendar.day.js';
import { withOptional } from './expense.dto.js';
import { LedgerEntryDto } from './jar.dto.js';
import { protoEnum } from './proto.enum.js';
import { Weekday } from './weekday.dto.js';

export const ChoreState = protoEnum(
  ChoreStatus,
  'CHORE_STATUS_',
  ['TODO', 'SUBMITTED', 'APPROVED', 'REJECTED'],
  'ChoreStatus',
);
export const ChoreRepeat = protoEnum(ChoreFrequency, 'CHORE_FREQUENCY_', ['DAILY', 'WEEKLY'], 'ChoreFrequency');

export const ChoreRecurrenceDto = z
  .object({
    frequency: ChoreRepeat.schema,
    daysOfWeek: z
      .array(Weekday.schema)
      .max(7)
      .optional()
      .meta({ description: 'WEEKLY: the days it repeats on; empty for DAILY' }),
  })
  .meta({ id: 'ChoreRecurrence' });

export const ChoreDto = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    assigneeMemberId: z.string(),
    rewardMinor: z.int().meta({ description: "Paid into the assignee's jars by their split on approval" }),
    currency: z.string(),
    points: z.int(),
    dueOn: DayDto.optional().meta({ description: "The current occurrence's day" }),
    recurrence: ChoreRecurrenceDto.optional().meta({ description: 'Absent for a one-off chore' }),
    status: ChoreState.schema,
    note: z.string().optional().meta({ description: "The assignee's note on submission" }),
    rejectionReason: z.string().optional(),
    submittedAt: z.iso.datetime().optional(),
    reviewedAt: z.iso.datetime().optional(),
    reviewedByMemberId: z.string().optional(),
    version: z.int().meta({ description: 'Send it back in If-Match to change the chore' }),
    createdByMemberId: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Chore' });

export const ApprovedChoreDto = z
  .object({
    chore: ChoreDto,
    entries: z.array(LedgerEntryDto).meta({ description: "The reward's ledger entries (empty for no reward)" }),
  })
  .meta({ id: 'ApprovedChore' });

export type ChoreDto = z.infer<typeof ChoreDto>;
export type ChoreRecurrenceDto = z.infer<typeof ChoreRecurrenceDto>;

export function toChoreRecurrence(r: ChoreRecurrenceDto): ChoreRecurrence {
  return { frequency: ChoreRepeat.toProto(r.frequency), daysOfWeek: (r.daysOfWeek ?? []).map(Weekday.toProto) };
}

export function toChoreDto(chore: Chore | undefined): ChoreDto {
  const c = present(chore, 'chore');
  const dto = withOptional<ChoreDto>(
    {
      id: c.id,
      title: c.title,
      assigneeMemberId: c.assigneeMemberId,
      rewardMinor: c.rewardMinor,
      currency: c.currency,
      points: c.points,
      status: ChoreState.fromProto(c.status),
      version: c.version,
      createdByMemberId: c.createdByMemberId,
      createdAt: present(c.createdAt, 'chore.createdAt').toISOString(),
    },
    {
      description: c.description,
      note: c.note,
      rejectionReason: c.rejectionReason,
      reviewedByMemberId: c.reviewedByMemberId,
    },
  );
  const dueOn = toOptionalDay(c.dueOn);
  if (dueOn) dto.dueOn = dueOn;
  if (c.recurrence) {
    dto.recurrence = {
      frequency: ChoreRepeat.fromProto(c.recurrence.frequency),
      daysOfWeek: c.recurrence.daysOfWeek.map(Weekday.fromProto),
    };
  }
  if (c.submittedAt) dto.submittedAt = c.submittedAt.toISOString();
  if (c.reviewedAt) dto.reviewedAt = c.reviewedAt.toISOString();
  return dto;
}
