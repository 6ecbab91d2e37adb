// Parent-made badges, built from a menu (event type × count × period × optional category or goal ×
// members) with an optional reward paid once into the earner's SAVE jar. Everyone in the family reads
// them; only parents make, change and archive them (DELETE archives: a badge already earned stays).
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { clearable } from '../dto/clearable.field.js';
import { CustomBadgeDto, CustomBadgeEventType, toCustomBadgeDto } from '../dto/custom.badge.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { BadgePeriodName } from '../dto/progress.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { GAMIFICATION_UNAVAILABLE, guardGamification } from './gamification.upstream.js';
import { text } from '../dto/text.field.js';

const BadgeParams = z.object({ familyId: z.uuid(), badgeId: z.uuid() });
const BASE = '/v1/families/:familyId/badges';

const title = text({ min: 1, max: 80, trim: true });
const description = text({ max: 500, multiline: true });
const icon = text({ max: 50 });
const memberIds = z.array(z.uuid()).max(50);
const rewardMinor = z
  .int()
  .min(1)
  .max(100_000)
  .meta({ description: "Minor units of the family currency, paid once into the earner's SAVE jar" });
const xp = z.int().min(0).max(200);

export const CreateBadgeBody = z
  .object({
    title,
    description: description.optional(),
    icon: icon.optional(),
    eventType: CustomBadgeEventType,
    count: z.int().min(1).max(1000).meta({ description: 'Events needed within one period' }),
    period: BadgePeriodName.schema.optional().meta({ description: 'Default ALL (no period)' }),
    categoryId: z.uuid().optional().meta({ description: 'expense.created only' }),
    goalId: z.uuid().optional().meta({ description: 'Goal events only' }),
    memberIds: memberIds.optional().meta({ description: 'Who can earn it; default every member' }),
    rewardMinor: rewardMinor.optional(),
    xp: xp.optional().meta({ description: 'Bonus XP; default 25' }),
  })
  .meta({ id: 'CreateBadgeRequest' });

export const UpdateBadgeBody = z
  .object({
    title: title.optional(),
    description: description.nullable().optional().meta({ description: 'null removes it' }),
    icon: icon.nullable().optional().meta({ description: 'null removes it' }),
    memberIds: memberIds.optional().meta({ description: 'Replaces who can earn it; [] means every member' }),
    rewardMinor: rewardMinor.nullable().optional().meta({ description: 'null removes the reward' }),
    xp: xp.optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateBadgeRequest' });

const ListBadgesQuery = PageQuery.extend({
  includeArchived: z.enum(['true', 'false']).optional().meta({ description: 'Default false' }),
});

const BadgePageDto = pageOf(CustomBadgeDto, 'CustomBadgePage');
const NOT_FOUND = 'No such badge in the caller’s family';
const PARENTS_ONLY = 'Only parents manage badges';

/** The family currency is the service's default, so a reward is sent without one. */
const reward = (amountMinor: number) => ({ amountMinor, currency: '' });

export function badgesRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const tag = 'badges';
  const gamification = guardGamification(router, ctx.clients, [BASE]);

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: "The family's parent-made badges, newest first",
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListBadgesQuery },
    responses: { 200: { description: 'A page of badges', schema: BadgePageDto } },
    errors: { 404: 'No such family among the caller’s', ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params, query }) {
      const r = await gamification().listCustomBadges(
        { familyId: params.familyId, page: toPageRequest(query), includeArchived: query.includeArchived === 'true' },
        callOptions(req),
      );
      res.json({ items: r.badges.map(toCustomBadgeDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Make a badge for the family (parents only); it counts events from now on',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateBadgeBody },
    responses: { 201: { description: 'The badge', schema: CustomBadgeDto } },
    errors: { 403: PARENTS_ONLY, 404: 'No such family among the caller’s', ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params, body }) {
      const r = await gamification().createCustomBadge(
        {
          familyId: params.familyId,
          title: body.title,
          description: body.description ?? '',
          icon: body.icon ?? '',
          eventType: body.eventType,
          count: body.count,
          period: BadgePeriodName.toProto(body.period ?? 'ALL'),
          categoryId: body.categoryId ?? '',
          goalId: body.goalId ?? '',
          memberIds: body.memberIds ?? [],
          reward: body.rewardMinor === undefined ? undefined : reward(body.rewardMinor),
          xp: body.xp,
        },
        callOptions(req),
      );
      const dto = toCustomBadgeDto(r.badge);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/badges/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:badgeId`,
    summary: 'Change a badge’s presentation, members, reward or XP (parents only); If-Match required',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: BadgeParams, body: UpdateBadgeBody },
    responses: { 200: { description: 'The changed badge', schema: CustomBadgeDto } },
    errors: { 403: PARENTS_ONLY, 404: NOT_FOUND, 409: 'The badge is archived', ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params, body }) {
      const r = await gamification().updateCustomBadge(
        {
          familyId: params.familyId,
          badgeId: params.badgeId,
          expectedVersion: req.expectedVersion ?? 0,
          title: body.title,
          description: clearable(body.description),
          icon: clearable(body.icon),
          memberIds: body.memberIds ?? [],
          replaceMemberIds: body.memberIds !== undefined,
          reward: body.rewardMinor == null ? undefined : reward(body.rewardMinor),
          clearReward: body.rewardMinor === null,
          xp: body.xp,
        },
        callOptions(req),
      );
      const dto = toCustomBadgeDto(r.badge);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:badgeId`,
    summary: 'Archive a badge (parents only; If-Match optional): events stop counting, earned badges stay',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'optional',
    request: { params: BadgeParams },
    responses: { 200: { description: 'The archived badge', schema: CustomBadgeDto } },
    errors: { 403: PARENTS_ONLY, 404: NOT_FOUND, ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params }) {
      const r = await gamification().archiveCustomBadge(
        { familyId: params.familyId, badgeId: params.badgeId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      const dto = toCustomBadgeDto(r.badge);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  return router;
}
