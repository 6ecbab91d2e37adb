// REST shapes for family quests (a shared target for the family or some members), mapped from the
// gamification service's protos.
import { z } from 'zod';
import { QuestMeasure, QuestStatus, type Quest } from '@family/contracts/gamification/v1/gamification';
import { present } from './auth.dto.js';
import { DayDto, toDay } from './calendar.day.js';
import { withOptional } from './expense.dto.js';
import { protoEnum } from './proto.enum.js';

export const QuestMeasureName = protoEnum(QuestMeasure, 'QUEST_MEASURE_', ['COUNT', 'AMOUNT'], 'QuestMeasure');
export const QuestState = protoEnum(
  QuestStatus,
  'QUEST_STATUS_',
  ['UPCOMING', 'ACTIVE', 'COMPLETED', 'EXPIRED', 'ARCHIVED'],
  'QuestStatus',
);

/** What a quest can count (AMOUNT quests add up goal.contributed amounts). */
export const QuestEventType = z
  .enum(['chore.approved', 'goal.contributed', 'goal.achieved', 'spending_limit.week_kept'])
  .meta({ id: 'QuestEventType' });

export const QuestDto = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    measure: QuestMeasureName.schema,
    eventType: z.string(),
    categoryId: z.string().optional(),
    goalId: z.string().optional(),
    target: z.int().meta({ description: 'Events (COUNT) or minor units of the family currency (AMOUNT)' }),
    currency: z.string().optional().meta({ description: 'AMOUNT quests: the family currency' }),
    memberIds: z.array(z.string()).meta({ description: 'Empty: the whole family' }),
    startsOn: DayDto,
    endsOn: DayDto.meta({ description: "Inclusive, in the family's time zone" }),
    progress: z.int().meta({ description: 'May pass the target (23 of 20)' }),
    contributions: z
      .array(z.object({ memberId: z.string(), amount: z.int() }))
      .meta({ description: 'What each member added' }),
    status: QuestState.schema,
    completedAt: z.iso.datetime().optional(),
    createdAt: z.iso.datetime(),
    archivedAt: z.iso.datetime().optional(),
    version: z.int().meta({ description: 'Send it back in If-Match to change the quest' }),
  })
  .meta({ id: 'Quest' });

export type QuestDto = z.infer<typeof QuestDto>;

export function toQuestDto(quest: Quest | undefined): QuestDto {
  const q = present(quest, 'quest');
  const dto = withOptional<QuestDto>(
    {
      id: q.id,
      title: q.title,
      measure: QuestMeasureName.fromProto(q.measure),
      eventType: q.eventType,
      target: q.target,
      memberIds: q.memberIds,
      startsOn: toDay(q.startsOn, 'quest.startsOn'),
      endsOn: toDay(q.endsOn, 'quest.endsOn'),
      progress: q.progress,
      contributions: q.contributions.map((c) => ({ memberId: c.memberId, amount: c.amount })),
      status: QuestState.fromProto(q.status),
      createdAt: present(q.createdAt, 'quest.createdAt').toISOString(),
      version: q.version,
    },
    { description: q.description, categoryId: q.categoryId, goalId: q.goalId, currency: q.currency },
  );
  if (q.completedAt) dto.completedAt = q.completedAt.toISOString();
  if (q.archivedAt) dto.archivedAt = q.archivedAt.toISOString();
  return dto;
}
