// The family leaderboard (week from the family's Monday, month, all time) and its settings: parents
// can hide it or leave members out. Every member reads it; only parents change the settings.
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import {
  LeaderboardDto,
  LeaderboardPeriodName,
  LeaderboardSettingsDto,
  PutLeaderboardSettingsBody,
  toLeaderboardDto,
  toLeaderboardPeriod,
  toLeaderboardSettingsDto,
} from '../dto/leaderboard.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { GAMIFICATION_UNAVAILABLE, guardGamification } from './gamification.upstream.js';

const LeaderboardQuery = z.object({
  period: LeaderboardPeriodName.default('week').meta({ description: 'Default week' }),
});

export function leaderboardRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const tag = 'leaderboard';
  const gamification = guardGamification(router, ctx.clients, [
    '/v1/families/:familyId/leaderboard',
    '/v1/families/:familyId/leaderboard-settings',
  ]);
  const NO_FAMILY = 'No such family among the caller’s';

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/leaderboard',
    summary: "The family's ranking by activity XP in the period (dense ranks; ties: who got there first)",
    tag,
    auth: true,
    request: { params: FamilyParams, query: LeaderboardQuery },
    responses: { 200: { description: 'The leaderboard', schema: LeaderboardDto } },
    errors: { 404: NO_FAMILY, ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params, query }) {
      const r = await gamification().getLeaderboard(
        { familyId: params.familyId, period: toLeaderboardPeriod(query.period) },
        callOptions(req),
      );
      res.json(toLeaderboardDto(r));
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/leaderboard-settings',
    summary: 'Whether the leaderboard is hidden and who is left out of it',
    tag,
    auth: true,
    request: { params: FamilyParams },
    responses: { 200: { description: 'The settings', schema: LeaderboardSettingsDto } },
    errors: { 404: NO_FAMILY, ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params }) {
      const r = await gamification().getLeaderboardSettings({ familyId: params.familyId }, callOptions(req));
      res.json(toLeaderboardSettingsDto(r.settings));
    },
  });

  apiRoute(route, {
    method: 'put',
    path: '/v1/families/:familyId/leaderboard-settings',
    summary: 'Hide the leaderboard or leave members out of it (parents only; replaces the settings)',
    tag,
    auth: true,
    request: { params: FamilyParams, body: PutLeaderboardSettingsBody },
    responses: { 200: { description: 'The settings', schema: LeaderboardSettingsDto } },
    errors: {
      403: 'Only parents change the leaderboard settings',
      404: NO_FAMILY,
      ...GAMIFICATION_UNAVAILABLE,
    },
    async handler(req, res, { params, body }) {
      const r = await gamification().updateLeaderboardSettings(
        {
          familyId: params.familyId,
          settings: { hidden: body.hidden, excludedMemberIds: body.excludedMemberIds },
        },
        callOptions(req),
      );
      res.json(toLeaderboardSettingsDto(r.settings));
    },
  });

  return router;
}
