// Family quests: a parent sets a shared target for the whole family or some members ("20 chores
// together this month", "save €100 together"); everyone reads them. DELETE archives: the quest stops
// counting and stays readable. The gamification service owns every rule.
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { DayDto, fromDay, fromOptionalDay } from '../dto/calendar.day.js';
import { clearable } from '../dto/clearable.field.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { QuestDto, QuestEventType, QuestMeasureName, toQuestDto } from '../dto/quest.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { GAMIFICATION_UNAVAILABLE, guardGamification } from './gamification.upstream.js';
import { text } from '../dto/text.field.js';

const QuestParams = z.object({ familyId: z.uuid(), questId: z.uuid() });
const BASE = '/v1/families/:familyId/quests';

const title = text({ min: 1, max: 80, trim: true });
const description = text({ max: 500, multiline: true });
const target = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const memberIds = z.array(z.uuid()).max(50);

export const CreateQuestBody = z
  .object({
    title,
    description: description.optional(),
    measure: QuestMeasureName.schema
      .optional()
      .meta({ description: 'Default COUNT; AMOUNT adds up goal.contributed amounts in minor units' }),
    eventType: QuestEventType,
    categoryId: z.uuid().optional(),
    goalId: z.uuid().optional().meta({ description: 'Goal events: only this goal counts' }),
    target: target.meta({ description: 'Events (COUNT) or minor units of the family currency (AMOUNT)' }),
    memberIds: memberIds.optional().meta({ description: 'Default: the whole family' }),
    startsOn: DayDto.optional().meta({ description: "Default today in the family's time zone" }),
    endsOn: DayDto.meta({ description: 'Inclusive; at most 366 days after startsOn' }),
  })
  .meta({ id: 'CreateQuestRequest' });

export const UpdateQuestBody = z
  .object({
    title: title.optional(),
    description: description.nullable().optional().meta({ description: 'null removes it' }),
    target: target.optional(),
    endsOn: DayDto.optional(),
    memberIds: memberIds.optional().meta({ description: 'Replaces the members; [] means the whole family' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateQuestRequest' });

const ListQuestsQuery = PageQuery.extend({
  includeArchived: z.enum(['true', 'false']).optional().meta({ description: 'Default false' }),
});

const QuestPageDto = pageOf(QuestDto, 'QuestPage');
const NOT_FOUND = 'No such quest in the caller’s family';
const PARENTS_ONLY = 'Only parents manage quests';

export function questsRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const tag = 'quests';
  const gamification = guardGamification(router, ctx.clients, [BASE]);

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: "The family's quests with their progress, newest first",
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListQuestsQuery },
    responses: { 200: { description: 'A page of quests', schema: QuestPageDto } },
    errors: { 404: 'No such family among the caller’s', ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params, query }) {
      const r = await gamification().listQuests(
        { familyId: params.familyId, page: toPageRequest(query), includeArchived: query.includeArchived === 'true' },
        callOptions(req),
      );
      res.json({ items: r.quests.map(toQuestDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Set a family quest (parents only)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateQuestBody },
    responses: { 201: { description: 'The quest', schema: QuestDto } },
    errors: { 403: PARENTS_ONLY, 404: 'No such family among the caller’s', ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params, body }) {
      const r = await gamification().createQuest(
        {
          familyId: params.familyId,
          title: body.title,
          description: body.description ?? '',
          measure: QuestMeasureName.toProto(body.measure ?? 'COUNT'),
          eventType: body.eventType,
          categoryId: body.categoryId ?? '',
          goalId: body.goalId ?? '',
          target: body.target,
          memberIds: body.memberIds ?? [],
          startsOn: fromOptionalDay(body.startsOn),
          endsOn: fromDay(body.endsOn),
        },
        callOptions(req),
      );
      const dto = toQuestDto(r.quest);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/quests/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/:questId`,
    summary: 'One quest with its progress and who added what; its ETag is the version for If-Match',
    tag,
    auth: true,
    etag: true,
    request: { params: QuestParams },
    responses: { 200: { description: 'The quest', schema: QuestDto } },
    errors: { 404: NOT_FOUND, ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params }) {
      const r = await gamification().getQuest({ familyId: params.familyId, questId: params.questId }, callOptions(req));
      const dto = toQuestDto(r.quest);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:questId`,
    summary: 'Change a quest (parents only); If-Match must name its current version',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: QuestParams, body: UpdateQuestBody },
    responses: { 200: { description: 'The changed quest', schema: QuestDto } },
    errors: { 403: PARENTS_ONLY, 404: NOT_FOUND, 409: 'The quest is archived', ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params, body }) {
      const r = await gamification().updateQuest(
        {
          familyId: params.familyId,
          questId: params.questId,
          expectedVersion: req.expectedVersion ?? 0,
          title: body.title,
          description: clearable(body.description),
          target: body.target,
          endsOn: fromOptionalDay(body.endsOn),
          memberIds: body.memberIds ?? [],
          replaceMemberIds: body.memberIds !== undefined,
        },
        callOptions(req),
      );
      const dto = toQuestDto(r.quest);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:questId`,
    summary: 'Archive a quest (parents only; If-Match optional): it stops counting and stays readable',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'optional',
    request: { params: QuestParams },
    responses: { 200: { description: 'The archived quest', schema: QuestDto } },
    errors: { 403: PARENTS_ONLY, 404: NOT_FOUND, ...GAMIFICATION_UNAVAILABLE },
    async handler(req, res, { params }) {
      const r = await gamification().archiveQuest(
        { familyId: params.familyId, questId: params.questId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      const dto = toQuestDto(r.quest);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  return router;
}
