// Progress: the achievement catalog, one member's XP, level, streak, badges (earned and in
// progress) with a page of XP history, and every member's progress in one call for a dashboard. The
// gamification service decides who may read what (a child: only their own).
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import {
  AchievementDto,
  MemberProgressDto,
  XpEntryDto,
  toAchievementDto,
  toMemberProgressDto,
  toXpEntryDto,
} from '../dto/progress.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams, MemberParams } from './families.routes.js';
import { GAMIFICATION_UNAVAILABLE, guardGamification } from './gamification.upstream.js';

const AchievementPageDto = pageOf(AchievementDto, 'AchievementPage');
const MemberProgressWithHistoryDto = MemberProgressDto.extend({
  xpHistory: pageOf(XpEntryDto, 'XpHistoryPage').meta({ description: 'XP awards, newest first (?limit=&cursor=)' }),
}).meta({ id: 'MemberProgressWithHistory' });
const FamilyProgressDto = z
  .object({ members: z.array(MemberProgressDto).meta({ description: "In the family's member order" }) })
  .meta({ id: 'FamilyProgress' });

export function progressRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const tag = 'progress';
  const gamification = guardGamification(router, ctx.clients, [
    '/v1/achievements',
    '/v1/families/:familyId/progress',
    '/v1/families/:familyId/members/:memberId/progress',
  ]);

  apiRoute(route, {
    method: 'get',
    path: '/v1/achievements',
    summary: 'The achievement catalog: one-off, tiered, cumulative and mission badges with their steps',
    tag,
    auth: true,
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of achievements', schema: AchievementPageDto } },
    errors: GAMIFICATION_UNAVAILABLE,
    async handler(req, res, { query }) {
      const r = await gamification().listAchievements({ page: toPageRequest(query) }, callOptions(req));
      res.json({ items: r.achievements.map(toAchievementDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/members/:memberId/progress',
    summary: "A member's XP, level, streak and badges (earned and in progress), with a page of XP history",
    tag,
    auth: true,
    request: { params: MemberParams, query: PageQuery },
    responses: { 200: { description: 'The progress', schema: MemberProgressWithHistoryDto } },
    errors: {
      403: "A child reading another member's progress",
      404: 'No such member in the caller’s family',
      ...GAMIFICATION_UNAVAILABLE,
    },
    async handler(req, res, { params, query }) {
      const r = await gamification().getMemberProgress(
        { familyId: params.familyId, memberId: params.memberId, historyPage: toPageRequest(query) },
        callOptions(req),
      );
      res.json({
        ...toMemberProgressDto(r.progress),
        xpHistory: { items: r.xpHistory.map(toXpEntryDto), nextCursor: toNextCursor(r.historyPage) },
      });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/progress',
    summary: "Every member's progress in one call (a child receives only their own)",
    tag,
    auth: true,
    request: { params: FamilyParams },
    responses: { 200: { description: "The family's progress", schema: FamilyProgressDto } },
    errors: { 404: 'No such family among the caller’s', ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params }) {
      const r = await gamification().getFamilyProgress({ familyId: params.familyId }, callOptions(req));
      res.json({ members: r.members.map(toMemberProgressDto) });
    },
  });

  return router;
}
