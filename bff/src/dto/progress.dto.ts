// REST shapes for the achievement catalog and a member's progress (XP, level, streak, badges earned
// and in progress, XP history), mapped from the gamification service's protos.
import { z } from 'zod';
import {
  BadgeKind,
  BadgePeriod,
  XpReason,
  type Achievement,
  type Badge,
  type BadgeProgress,
  type MemberProgress,
  type XpEntry,
} from '@family/contracts/gamification/v1/gamification';
import { present } from './auth.dto.js';
import { DayDto, toDay, toOptionalDay } from './calendar.day.js';
import { withOptional } from './expense.dto.js';
import { protoEnum } from './proto.enum.js';

export const BadgeKindName = protoEnum(
  BadgeKind,
  'BADGE_KIND_',
  ['ONE_OFF', 'TIERED', 'CUMULATIVE', 'MISSION', 'CUSTOM'],
  'BadgeKind',
);
export const BadgePeriodName = protoEnum(BadgePeriod, 'BADGE_PERIOD_', ['DAY', 'WEEK', 'MONTH', 'ALL'], 'BadgePeriod');
export const XpReasonName = protoEnum(
  XpReason,
  'XP_REASON_',
  [
    'CHORE_APPROVED',
    'GOAL_CONTRIBUTED',
    'GOAL_ACHIEVED',
    'ALLOWANCE_SAVED',
    'WEEK_WITHIN_LIMIT',
    'BADGE',
    'MISSION',
    'CUSTOM_BADGE',
  ],
  'XpReason',
);

const iso = (date: Date | undefined, what: string) => present(date, what).toISOString();

export const AchievementTierDto = z
  .object({
    key: z.string().meta({ description: '"earned", "bronze" | "silver" | "gold", or a rank ("rookie")' }),
    title: z.string(),
    target: z.int(),
    xp: z.int().meta({ description: 'Bonus XP when earned' }),
    achievementId: z.string().meta({ description: 'The id it is earned under, e.g. "chore-champion.bronze"' }),
  })
  .meta({ id: 'AchievementTier' });

export const AchievementDto = z
  .object({
    id: z.string().meta({ example: 'chore-champion' }),
    kind: BadgeKindName.schema,
    title: z.string(),
    description: z.string(),
    icon: z.string().optional(),
    points: z.int().meta({ description: 'Bonus XP of the first step (a mission: per completed period)' }),
    measures: z.string().meta({ description: 'What is counted: an event type, "xp" or "longest_streak"' }),
    period: BadgePeriodName.schema.optional().meta({ description: 'Missions: WEEK or MONTH' }),
    tiers: z.array(AchievementTierDto).meta({ description: 'Ascending targets; one-off badges and missions have one' }),
  })
  .meta({ id: 'Achievement' });

export const EarnedBadgeDto = z
  .object({
    achievementId: z.string().meta({ example: 'first-chore' }),
    badgeId: z.string().meta({ description: 'The catalog badge, or the parent-made badge’s id' }),
    kind: BadgeKindName.schema,
    step: z.string(),
    title: z.string(),
    description: z.string().optional(),
    icon: z.string().optional(),
    points: z.int().meta({ description: 'Bonus XP it paid' }),
    earnedAt: z.iso.datetime(),
  })
  .meta({ id: 'EarnedBadge' });

export const BadgeProgressDto = z
  .object({
    badgeId: z.string(),
    kind: BadgeKindName.schema,
    title: z.string(),
    description: z.string().optional(),
    icon: z.string().optional(),
    earned: z
      .array(z.object({ step: z.string(), title: z.string(), earnedAt: z.iso.datetime() }))
      .meta({ description: 'Steps earned so far, in order' }),
    complete: z.boolean().meta({ description: 'Nothing left to earn (a mission: in the current period)' }),
    nextStep: z.string().optional().meta({ description: 'The step being worked toward; absent when complete' }),
    current: z.int(),
    target: z.int(),
    progress: z.string().meta({ description: '`current / target`, ready to show', example: '7 / 10' }),
    periodStart: DayDto.optional().meta({ description: 'Missions and periodic parent-made badges' }),
    periodEnd: DayDto.optional(),
    timesCompleted: z.int().meta({ description: 'Missions: periods completed so far' }),
  })
  .meta({ id: 'BadgeProgress' });

export const StreakDto = z
  .object({
    current: z.int().meta({ description: 'Active days of the streak still alive today; 0 when it has lapsed' }),
    longest: z.int(),
    freezesHeld: z.int().meta({ description: 'At most 2; spent automatically on a missed day' }),
    atRisk: z.boolean().meta({ description: 'Alive, but nothing has happened today yet' }),
    startedOn: DayDto.optional(),
    lastActiveOn: DayDto.optional(),
  })
  .meta({ id: 'Streak' });

export const MemberProgressDto = z
  .object({
    memberId: z.string(),
    displayName: z.string(),
    xp: z.int().meta({ description: 'All XP, bonuses included (what levels count)' }),
    level: z.int(),
    levelStartXp: z.int(),
    nextLevelXp: z.int(),
    points: z.int().meta({ description: 'XP from activity, all time (what the leaderboard counts)' }),
    streak: StreakDto,
    badges: z.array(EarnedBadgeDto).meta({ description: 'Badge steps earned, newest first' }),
    badgeProgress: z
      .array(BadgeProgressDto)
      .meta({ description: 'Every badge open to the member, with what is earned and what comes next' }),
  })
  .meta({ id: 'MemberProgress' });

export const XpEntryDto = z
  .object({
    eventId: z.string(),
    xp: z.int(),
    reason: XpReasonName.schema,
    day: DayDto.meta({ description: "The day in the family's time zone" }),
    occurredAt: z.iso.datetime(),
    scoresOnLeaderboard: z
      .boolean()
      .meta({ description: 'Activity XP; badge and mission bonuses count toward levels only' }),
  })
  .meta({ id: 'XpEntry' });

export type AchievementDto = z.infer<typeof AchievementDto>;
export type MemberProgressDto = z.infer<typeof MemberProgressDto>;
export type BadgeProgressDto = z.infer<typeof BadgeProgressDto>;
export type EarnedBadgeDto = z.infer<typeof EarnedBadgeDto>;
export type XpEntryDto = z.infer<typeof XpEntryDto>;

export function toAchievementDto(a: Achievement): AchievementDto {
  const dto = withOptional<AchievementDto>(
    {
      id: a.id,
      kind: BadgeKindName.fromProto(a.kind),
      title: a.title,
      description: a.description,
      points: a.points,
      measures: a.measures,
      tiers: a.tiers.map((t) => ({
        key: t.key,
        title: t.title,
        target: t.target,
        xp: t.xp,
        achievementId: t.achievementId,
      })),
    },
    { icon: a.icon },
  );
  if (a.period !== BadgePeriod.BADGE_PERIOD_UNSPECIFIED) dto.period = BadgePeriodName.fromProto(a.period);
  return dto;
}

function toEarnedBadgeDto(b: Badge): EarnedBadgeDto {
  return withOptional<EarnedBadgeDto>(
    {
      achievementId: b.achievementId,
      badgeId: b.badgeId,
      kind: BadgeKindName.fromProto(b.kind),
      step: b.step,
      title: b.title,
      points: b.points,
      earnedAt: iso(b.earnedAt, 'badge.earnedAt'),
    },
    { description: b.description, icon: b.icon },
  );
}

function toBadgeProgressDto(b: BadgeProgress): BadgeProgressDto {
  const dto = withOptional<BadgeProgressDto>(
    {
      badgeId: b.badgeId,
      kind: BadgeKindName.fromProto(b.kind),
      title: b.title,
      earned: b.earned.map((e) => ({ step: e.step, title: e.title, earnedAt: iso(e.earnedAt, 'earned.earnedAt') })),
      complete: b.complete,
      current: b.current,
      target: b.target,
      progress: `${b.current} / ${b.target}`,
      timesCompleted: b.timesCompleted,
    },
    { description: b.description, icon: b.icon, nextStep: b.nextStep },
  );
  const periodStart = toOptionalDay(b.periodStart);
  if (periodStart) dto.periodStart = periodStart;
  const periodEnd = toOptionalDay(b.periodEnd);
  if (periodEnd) dto.periodEnd = periodEnd;
  return dto;
}

export function toMemberProgressDto(progress: MemberProgress | undefined): MemberProgressDto {
  const p = present(progress, 'progress');
  const streak: MemberProgressDto['streak'] = {
    current: p.currentStreak,
    longest: p.longestStreak,
    freezesHeld: p.streakFreezesHeld,
    atRisk: p.streakAtRisk,
  };
  const startedOn = toOptionalDay(p.streakStartedOn);
  if (startedOn) streak.startedOn = startedOn;
  const lastActiveOn = toOptionalDay(p.lastActiveOn);
  if (lastActiveOn) streak.lastActiveOn = lastActiveOn;
  return {
    memberId: p.memberId,
    displayName: p.displayName,
    xp: p.xp,
    level: p.level,
    levelStartXp: p.levelStartXp,
    nextLevelXp: p.nextLevelXp,
    points: p.points,
    streak,
    badges: p.badges.map(toEarnedBadgeDto),
    badgeProgress: p.badgeProgress.map(toBadgeProgressDto),
  };
}

export function toXpEntryDto(e: XpEntry): XpEntryDto {
  return {
    eventId: e.eventId,
    xp: e.xp,
    reason: XpReasonName.fromProto(e.reason),
    day: toDay(e.day, 'xpEntry.day'),
    occurredAt: iso(e.occurredAt, 'xpEntry.occurredAt'),
    scoresOnLeaderboard: e.scoresOnLeaderboard,
  };
}
