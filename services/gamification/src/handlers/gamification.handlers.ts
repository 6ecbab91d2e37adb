// GamificationService handlers: decode → use case → encode. Nothing else happens here.
import type { ServiceImplementation } from 'nice-grpc';
import type { AuthContext } from '@family/grpc-kit';
import { AppError } from '@family/errors';
import type { GamificationServiceDefinition } from '@family/contracts/gamification/v1/gamification';
import { dayFromMessage, dayToMessage } from '@family/service-kit';
import type { GamificationCatalog } from '../domain/badge.catalog.js';
import type { EventRecorder } from '../app/event.recorder.js';
import type { ProgressReader } from '../app/progress.reader.js';
import type { Quests } from '../app/quests.js';
import type { CustomBadges } from '../app/custom.badges.js';
import { nextCursor } from '../app/page.input.js';
import { deliveredEvent } from './activity.mapping.js';
import {
  codecs,
  encodeCatalog,
  encodeCustomBadge,
  encodeLeaderboardEntry,
  encodeProgress,
  encodeQuest,
  encodeXpEntry,
} from './gamification.encode.js';

export interface GamificationUseCases {
  recorder: EventRecorder;
  reader: ProgressReader;
  quests: Quests;
  customBadges: CustomBadges;
  catalog: GamificationCatalog;
}

const MAX_EVENTS_PER_CALL = 1000;

export function gamificationHandlers(
  u: GamificationUseCases,
): ServiceImplementation<typeof GamificationServiceDefinition, AuthContext> {
  const achievements = encodeCatalog(u.catalog);
  return {
    async recordEvents(req, ctx) {
      if (req.events.length > MAX_EVENTS_PER_CALL) {
        throw AppError.invalidField('events', `must hold at most ${MAX_EVENTS_PER_CALL} events`);
      }
      return u.recorder.record(ctx.caller, req.events.map(deliveredEvent));
    },
    async listAchievements() {
      // The catalog is small and fixed: one page.
      return { achievements, page: { nextCursor: '' } };
    },
    async getMemberProgress(req, ctx) {
      const { progress, history } = await u.reader.memberProgress(
        ctx.caller,
        req.familyId,
        req.memberId,
        req.historyPage,
      );
      return {
        progress: encodeProgress(progress),
        xpHistory: history.items.map(encodeXpEntry),
        historyPage: { nextCursor: nextCursor(history) },
      };
    },
    async getFamilyProgress(req, ctx) {
      return { members: (await u.reader.familyProgress(ctx.caller, req.familyId)).map(encodeProgress) };
    },
    async getLeaderboard(req, ctx) {
      const period = codecs.leaderboardPeriod.decode(req.period, 'period') ?? 'WEEK';
      const board = await u.reader.leaderboard(ctx.caller, req.familyId, period);
      return {
        period: codecs.leaderboardPeriod.encode(board.period),
        periodStart: dayToMessage(board.range?.start),
        periodEnd: dayToMessage(board.range?.end),
        entries: board.entries.map(encodeLeaderboardEntry),
        hidden: board.hidden,
      };
    },
    async getLeaderboardSettings(req, ctx) {
      return { settings: await u.reader.settings(ctx.caller, req.familyId) };
    },
    async updateLeaderboardSettings(req, ctx) {
      if (!req.settings) throw AppError.invalidField('settings', 'is required');
      return { settings: await u.reader.updateSettings(ctx.caller, req.familyId, req.settings) };
    },

    async createQuest(req, ctx) {
      const quest = await u.quests.create(ctx.caller, req.familyId, {
        title: req.title,
        description: req.description,
        measure: codecs.questMeasure.decode(req.measure, 'measure') ?? 'COUNT',
        eventType: req.eventType,
        categoryId: req.categoryId,
        goalId: req.goalId,
        target: req.target,
        memberIds: req.memberIds,
        startsOn: dayFromMessage(req.startsOn, 'startsOn'),
        endsOn: dayFromMessage(req.endsOn, 'endsOn'),
      });
      return { quest: encodeQuest(quest) };
    },
    async listQuests(req, ctx) {
      const page = await u.quests.list(ctx.caller, req.familyId, {
        page: req.page,
        includeArchived: req.includeArchived,
      });
      return { quests: page.items.map(encodeQuest), page: { nextCursor: nextCursor(page) } };
    },
    async getQuest(req, ctx) {
      return { quest: encodeQuest(await u.quests.get(ctx.caller, req.familyId, req.questId)) };
    },
    async updateQuest(req, ctx) {
      const quest = await u.quests.update(ctx.caller, req.familyId, req.questId, {
        expectedVersion: req.expectedVersion,
        title: req.title,
        description: req.description,
        target: req.target,
        endsOn: dayFromMessage(req.endsOn, 'endsOn'),
        memberIds: req.replaceMemberIds ? req.memberIds : undefined,
      });
      return { quest: encodeQuest(quest) };
    },
    async archiveQuest(req, ctx) {
      return { quest: encodeQuest(await u.quests.archive(ctx.caller, req.familyId, req.questId, req.expectedVersion)) };
    },

    async createCustomBadge(req, ctx) {
      const badge = await u.customBadges.create(ctx.caller, req.familyId, {
        title: req.title,
        description: req.description,
        icon: req.icon,
        eventType: req.eventType,
        count: req.count,
        period: codecs.badgePeriod.decode(req.period, 'period') ?? 'ALL',
        categoryId: req.categoryId,
        goalId: req.goalId,
        memberIds: req.memberIds,
        reward: req.reward,
        xp: req.xp,
      });
      return { badge: encodeCustomBadge(badge) };
    },
    async listCustomBadges(req, ctx) {
      const page = await u.customBadges.list(ctx.caller, req.familyId, {
        page: req.page,
        includeArchived: req.includeArchived,
      });
      return { badges: page.items.map(encodeCustomBadge), page: { nextCursor: nextCursor(page) } };
    },
    async updateCustomBadge(req, ctx) {
      const badge = await u.customBadges.update(ctx.caller, req.familyId, req.badgeId, {
        expectedVersion: req.expectedVersion,
        title: req.title,
        description: req.description,
        icon: req.icon,
        memberIds: req.replaceMemberIds ? req.memberIds : undefined,
        reward: req.clearReward ? null : req.reward,
        xp: req.xp,
      });
      return { badge: encodeCustomBadge(badge) };
    },
    async archiveCustomBadge(req, ctx) {
      const badge = await u.customBadges.archive(ctx.caller, req.familyId, req.badgeId, req.expectedVersion);
      return { badge: encodeCustomBadge(badge) };
    },
  };
}
