// REST shapes for savings goals and their contributions, mapped from the goals service's protos.
import { z } from 'zod';
import {
  GoalContributionSource,
  GoalStatus,
  type Goal,
  type GoalContribution,
  type GoalMatching,
} from '@family/contracts/goals/v1/goals';
import { present } from './auth.dto.js';
import { DayDto, toOptionalDay } from './calendar.day.js';
import { withOptional } from './expense.dto.js';
import { protoEnum } from './proto.enum.js';

export const GoalState = protoEnum(GoalStatus, 'GOAL_STATUS_', ['ACTIVE', 'ACHIEVED', 'CANCELLED'], 'GoalStatus');
export const ContributionSource = protoEnum(
  GoalContributionSource,
  'GOAL_CONTRIBUTION_SOURCE_',
  ['SAVE_JAR', 'PARENT_GIFT'],
  'GoalContributionSource',
);

export const GoalMatchingDto = z
  .object({
    percent: z.int().meta({ description: 'Parents add this percent of each SAVE-jar contribution (1–300)' }),
    monthlyCapMinor: z.int().meta({ description: 'Most matched per calendar month; 0 = no cap' }),
  })
  .meta({ id: 'GoalMatching' });

export const GoalDto = z
  .object({
    id: z.string(),
    ownerMemberId: z.string(),
    name: z.string(),
    description: z.string().optional(),
    targetMinor: z.int(),
    savedMinor: z.int().meta({ description: 'Contributions plus matches minus withdrawals' }),
    currency: z.string(),
    deadline: DayDto.optional(),
    status: GoalState.schema,
    projectedOn: DayDto.optional().meta({ description: 'When the recent pace reaches the target; absent if unknown' }),
    matching: GoalMatchingDto.optional().meta({ description: 'Absent: no matching' }),
    icon: z.string().optional(),
    version: z.int().meta({ description: 'Send it back in If-Match to change the goal' }),
    createdAt: z.iso.datetime(),
    achievedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Goal' });

export const GoalContributionDto = z
  .object({
    id: z.string(),
    goalId: z.string(),
    source: ContributionSource.schema,
    amountMinor: z.int(),
    matchedMinor: z.int().meta({ description: 'The parent match added on top of amountMinor' }),
    memo: z.string(),
    contributorMemberId: z.string(),
    at: z.iso.datetime(),
  })
  .meta({ id: 'GoalContribution' });

export type GoalDto = z.infer<typeof GoalDto>;
export type GoalContributionDto = z.infer<typeof GoalContributionDto>;

function toMatchingDto(matching: GoalMatching | undefined) {
  return matching && { percent: matching.percent, monthlyCapMinor: matching.monthlyCapMinor };
}

export function toGoalDto(goal: Goal | undefined): GoalDto {
  const g = present(goal, 'goal');
  const dto = withOptional<GoalDto>(
    {
      id: g.id,
      ownerMemberId: g.ownerMemberId,
      name: g.name,
      targetMinor: g.targetMinor,
      savedMinor: g.savedMinor,
      currency: g.currency,
      status: GoalState.fromProto(g.status),
      version: g.version,
      createdAt: present(g.createdAt, 'goal.createdAt').toISOString(),
    },
    { description: g.description, icon: g.icon },
  );
  const deadline = toOptionalDay(g.deadline);
  if (deadline) dto.deadline = deadline;
  const projectedOn = toOptionalDay(g.projectedOn);
  if (projectedOn) dto.projectedOn = projectedOn;
  const matching = toMatchingDto(g.matching);
  if (matching) dto.matching = matching;
  if (g.achievedAt) dto.achievedAt = g.achievedAt.toISOString();
  return dto;
}

export function toGoalContributionDto(contribution: GoalContribution | undefined): GoalContributionDto {
  const c = present(contribution, 'contribution');
  return {
    id: c.id,
    goalId: c.goalId,
    source: ContributionSource.fromProto(c.source),
    amountMinor: c.amountMinor,
    matchedMinor: c.matchedMinor,
    memo: c.memo,
    contributorMemberId: c.contributorMemberId,
    at: present(c.at, 'contribution.at').toISOString(),
  };
}
