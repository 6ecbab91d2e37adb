// REST shapes for the family leaderboard and its settings, mapped from the gamification service's
// protos. The period is lower case on the wire (`?period=week|month|all`), as ARCHITECTURE §5 writes it.
import { z } from 'zod';
import {
  LeaderboardPeriod,
  type GetLeaderboardResponse,
  type LeaderboardSettings,
} from '@family/contracts/gamification/v1/gamification';
import { present } from './auth.dto.js';
import { DayDto, toOptionalDay } from './calendar.day.js';

export const LeaderboardPeriodName = z.enum(['week', 'month', 'all']).meta({ id: 'LeaderboardPeriod' });
export type LeaderboardPeriodName = z.infer<typeof LeaderboardPeriodName>;

const TO_PROTO: Record<LeaderboardPeriodName, LeaderboardPeriod> = {
  week: LeaderboardPeriod.LEADERBOARD_PERIOD_WEEK,
  month: LeaderboardPeriod.LEADERBOARD_PERIOD_MONTH,
  all: LeaderboardPeriod.LEADERBOARD_PERIOD_ALL,
};

export function toLeaderboardPeriod(name: LeaderboardPeriodName): LeaderboardPeriod {
  return TO_PROTO[name];
}

function fromLeaderboardPeriod(period: LeaderboardPeriod): LeaderboardPeriodName {
  const name = (Object.keys(TO_PROTO) as LeaderboardPeriodName[]).find((k) => TO_PROTO[k] === period);
  if (!name) throw new Error(`Upstream sent an unknown leaderboard period ${period}`);
  return name;
}

export const LeaderboardEntryDto = z
  .object({
    rank: z.int().meta({ description: 'Dense: 100, 100, 80 rank 1, 1, 2' }),
    memberId: z.string(),
    displayName: z.string(),
    points: z.int().meta({ description: 'Activity XP earned in the period' }),
    reachedAt: z.iso.datetime().optional().meta({ description: 'When the score was reached (ties: earliest first)' }),
  })
  .meta({ id: 'LeaderboardEntry' });

export const LeaderboardDto = z
  .object({
    period: LeaderboardPeriodName,
    periodStart: DayDto.optional().meta({
      description: "In the family's time zone; weeks start Monday; absent for all",
    }),
    periodEnd: DayDto.optional(),
    hidden: z.boolean().meta({ description: 'A parent hid the leaderboard: no entries' }),
    entries: z.array(LeaderboardEntryDto),
  })
  .meta({ id: 'Leaderboard' });

export const LeaderboardSettingsDto = z
  .object({
    hidden: z.boolean().meta({ description: 'Hide the leaderboard for the whole family' }),
    excludedMemberIds: z.array(z.string()).meta({ description: 'Members left out of it (a toddler, say)' }),
  })
  .meta({ id: 'LeaderboardSettings' });

export const PutLeaderboardSettingsBody = z
  .object({
    hidden: z.boolean(),
    excludedMemberIds: z.array(z.uuid()).max(100).default([]),
  })
  .meta({ id: 'PutLeaderboardSettingsRequest' });

export type LeaderboardDto = z.infer<typeof LeaderboardDto>;
export type LeaderboardSettingsDto = z.infer<typeof LeaderboardSettingsDto>;

export function toLeaderboardDto(r: GetLeaderboardResponse): LeaderboardDto {
  const dto: LeaderboardDto = {
    period: fromLeaderboardPeriod(r.period),
    hidden: r.hidden,
    entries: r.entries.map((e) => ({
      rank: e.rank,
      memberId: e.memberId,
      displayName: e.displayName,
      points: e.points,
      ...(e.reachedAt ? { reachedAt: e.reachedAt.toISOString() } : {}),
    })),
  };
  const start = toOptionalDay(r.periodStart);
  if (start) dto.periodStart = start;
  const end = toOptionalDay(r.periodEnd);
  if (end) dto.periodEnd = end;
  return dto;
}

export function toLeaderboardSettingsDto(settings: LeaderboardSettings | undefined): LeaderboardSettingsDto {
  const s = present(settings, 'settings');
  return { hidden: s.hidden, excludedMemberIds: s.excludedMemberIds };
}
