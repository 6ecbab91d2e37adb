// REST shapes for parent-made badges (event type × count × period, an optional jar reward), mapped
// from the gamification service's protos.
import { z } from 'zod';
import type { CustomBadge } from '@family/contracts/gamification/v1/gamification';
import { present } from './auth.dto.js';
import { withOptional } from './expense.dto.js';
import { BadgePeriodName } from './progress.dto.js';

/** What a parent can build a badge from. */
export const CustomBadgeEventType = z
  .enum(['chore.approved', 'goal.contributed', 'goal.achieved', 'spending_limit.week_kept', 'expense.created'])
  .meta({ id: 'CustomBadgeEventType' });

export const CustomBadgeDto = z
  .object({
    id: z.string(),
    achievementId: z.string().meta({ description: 'The id it is earned under: "custom.<id>"' }),
    title: z.string(),
    description: z.string().optional(),
    icon: z.string().optional(),
    eventType: z.string(),
    count: z.int().meta({ description: 'Events needed within one period' }),
    period: BadgePeriodName.schema,
    categoryId: z.string().optional().meta({ description: 'expense.created only' }),
    goalId: z.string().optional().meta({ description: 'Goal events only' }),
    memberIds: z.array(z.string()).meta({ description: 'Who can earn it; empty: every member' }),
    rewardMinor: z.int().optional().meta({ description: "Paid once into the earner's SAVE jar; absent: none" }),
    currency: z.string().optional().meta({ description: 'Of the reward' }),
    xp: z.int().meta({ description: 'Bonus XP when earned' }),
    archived: z.boolean(),
    createdAt: z.iso.datetime(),
    archivedAt: z.iso.datetime().optional(),
    version: z.int().meta({ description: 'Send it back in If-Match to change the badge' }),
  })
  .meta({ id: 'CustomBadge' });

export type CustomBadgeDto = z.infer<typeof CustomBadgeDto>;

export function toCustomBadgeDto(badge: CustomBadge | undefined): CustomBadgeDto {
  const b = present(badge, 'badge');
  const dto = withOptional<CustomBadgeDto>(
    {
      id: b.id,
      achievementId: b.achievementId,
      title: b.title,
      eventType: b.eventType,
      count: b.count,
      period: BadgePeriodName.fromProto(b.period),
      memberIds: b.memberIds,
      xp: b.xp,
      archived: b.archivedAt !== undefined,
      createdAt: present(b.createdAt, 'badge.createdAt').toISOString(),
      version: b.version,
    },
    { description: b.description, icon: b.icon, categoryId: b.categoryId, goalId: b.goalId },
  );
  if (b.reward && b.reward.amountMinor > 0) {
    dto.rewardMinor = b.reward.amountMinor;
    dto.currency = b.reward.currency;
  }
  if (b.archivedAt) dto.archivedAt = b.archivedAt.toISOString();
  return dto;
}
