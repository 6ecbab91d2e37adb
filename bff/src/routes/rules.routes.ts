// Categorization rules: conditions on merchant/description text, amount range, member and source →
// a category and tags, in priority order. Every member lists them; parents write them and re-apply
// them to past uncategorized expenses.
import { Router } from 'express';
import { z } from 'zod';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { clearable } from '../dto/clearable.field.js';
import { DayDto, fromOptionalDay } from '../dto/calendar.day.js';
import { AmountMinorDto, Source, TagDto } from '../dto/expense.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import {
  CategorizationRuleDto,
  MatchField,
  MatchType,
  RulesAppliedDto,
  toCategorizationRuleDto,
  toRulesAppliedDto,
} from '../dto/rule.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const RuleParams = z.object({ familyId: z.uuid(), ruleId: z.uuid() });
const BASE = '/v1/families/:familyId/categorization-rules';

const name = text({ min: 1, max: 80 });
const priority = z.int().min(0).max(100_000).meta({ description: 'Lower runs first; default 0' });
const pattern = text({ min: 1, max: 200 }).meta({ description: 'Text or (REGEX) a regular expression' });
const addTags = z.array(TagDto).max(20);

export const CreateRuleBody = z
  .object({
    name: name.optional(),
    priority: priority.optional(),
    matchField: MatchField.schema.optional().meta({ description: 'Default ANY (description or merchant)' }),
    matchType: MatchType.schema.optional().meta({ description: 'Default CONTAINS' }),
    pattern,
    minAmountMinor: AmountMinorDto.optional(),
    maxAmountMinor: AmountMinorDto.optional(),
    memberId: z.uuid().optional(),
    source: Source.schema.optional(),
    categoryId: z.uuid().meta({ description: 'The category a matching expense gets' }),
    addTags: addTags.optional(),
    enabled: z.boolean().optional().meta({ description: 'Default true' }),
  })
  .meta({ id: 'CreateCategorizationRuleRequest' });

export const UpdateRuleBody = z
  .object({
    name: name.optional(),
    priority: priority.optional(),
    matchField: MatchField.schema.optional(),
    matchType: MatchType.schema.optional(),
    pattern: pattern.optional(),
    minAmountMinor: AmountMinorDto.nullable().optional().meta({ description: 'null removes the bound' }),
    maxAmountMinor: AmountMinorDto.nullable().optional().meta({ description: 'null removes the bound' }),
    memberId: z.uuid().nullable().optional().meta({ description: 'null: anyone' }),
    source: Source.schema.nullable().optional().meta({ description: 'null: any source' }),
    categoryId: z.uuid().optional(),
    addTags: addTags.optional().meta({ description: 'Replaces the tags' }),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateCategorizationRuleRequest' });

export const ApplyRulesBody = z
  .object({
    ruleIds: z.array(z.uuid()).max(100).optional().meta({ description: 'Only these rules; default every enabled one' }),
    from: DayDto.optional(),
    to: DayDto.optional(),
    dryRun: z.boolean().optional().meta({ description: 'Count what would change, change nothing' }),
  })
  .meta({ id: 'ApplyCategorizationRulesRequest' });

const RulePageDto = pageOf(CategorizationRuleDto, 'CategorizationRulePage');

export function rulesRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'categorization-rules';

  apiRoute(route, {
    method: 'get',
    path: BASE,
    summary: 'Categorization rules, in priority order',
    tag,
    auth: true,
    request: { params: FamilyParams, query: PageQuery },
    responses: { 200: { description: 'A page of rules', schema: RulePageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await expense.listCategorizationRules(
        { familyId: params.familyId, page: toPageRequest(query) },
        callOptions(req),
      );
      res.json({ items: r.rules.map(toCategorizationRuleDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: BASE,
    summary: 'Create a categorization rule (parents only)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateRuleBody },
    responses: { 201: { description: 'The rule', schema: CategorizationRuleDto } },
    errors: { 403: 'Only parents manage rules', 404: 'No such family among the caller’s' },
    async handler(req, res, { params, body }) {
      const r = await expense.createCategorizationRule(
        {
          familyId: params.familyId,
          name: body.name ?? '',
          priority: body.priority ?? 0,
          ...(body.matchField ? { matchField: MatchField.toProto(body.matchField) } : {}),
          ...(body.matchType ? { matchType: MatchType.toProto(body.matchType) } : {}),
          pattern: body.pattern,
          minAmountMinor: body.minAmountMinor,
          maxAmountMinor: body.maxAmountMinor,
          memberId: body.memberId ?? '',
          source: body.source ? Source.toProto(body.source) : ExpenseSource.EXPENSE_SOURCE_UNSPECIFIED,
          categoryId: body.categoryId,
          addTags: body.addTags ?? [],
          enabled: body.enabled,
        },
        callOptions(req),
      );
      const dto = toCategorizationRuleDto(r.rule);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/categorization-rules/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/:ruleId`,
    summary: 'Change a categorization rule (parents only; If-Match required)',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: RuleParams, body: UpdateRuleBody },
    responses: { 200: { description: 'The rule', schema: CategorizationRuleDto } },
    errors: { 403: 'Only parents manage rules', 404: 'No such rule in the caller’s family' },
    async handler(req, res, { params, body }) {
      const r = await expense.updateCategorizationRule(
        {
          familyId: params.familyId,
          ruleId: params.ruleId,
          expectedVersion: req.expectedVersion ?? 0,
          name: body.name,
          priority: body.priority,
          matchField: body.matchField && MatchField.toProto(body.matchField),
          matchType: body.matchType && MatchType.toProto(body.matchType),
          pattern: body.pattern,
          minAmountMinor: body.minAmountMinor ?? undefined,
          clearMinAmountMinor: body.minAmountMinor === null,
          maxAmountMinor: body.maxAmountMinor ?? undefined,
          clearMaxAmountMinor: body.maxAmountMinor === null,
          memberId: clearable(body.memberId),
          source:
            body.source === undefined
              ? undefined
              : body.source === null
                ? ExpenseSource.EXPENSE_SOURCE_UNSPECIFIED
                : Source.toProto(body.source),
          categoryId: body.categoryId,
          addTags: body.addTags && { tags: body.addTags },
          enabled: body.enabled,
        },
        callOptions(req),
      );
      const dto = toCategorizationRuleDto(r.rule);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/:ruleId`,
    summary: 'Delete a categorization rule (parents only)',
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: RuleParams },
    responses: { 204: { description: 'Deleted' } },
    errors: { 403: 'Only parents manage rules', 404: 'No such rule in the caller’s family' },
    async handler(req, res, { params }) {
      await expense.deleteCategorizationRule(
        { familyId: params.familyId, ruleId: params.ruleId, expectedVersion: req.expectedVersion ?? 0 },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/apply`,
    summary: 'Re-apply the rules to past expenses without a category (parents only)',
    tag,
    auth: true,
    request: { params: FamilyParams, body: ApplyRulesBody },
    responses: { 200: { description: 'How many expenses were looked at and categorized', schema: RulesAppliedDto } },
    errors: { 403: 'Only parents manage rules', 404: 'No such family among the caller’s' },
    async handler(req, res, { params, body }) {
      const dryRun = body.dryRun ?? false;
      const r = await expense.applyCategorizationRules(
        {
          familyId: params.familyId,
          ruleIds: body.ruleIds ?? [],
          from: fromOptionalDay(body.from),
          to: fromOptionalDay(body.to),
          dryRun,
        },
        callOptions(req),
      );
      res.json(toRulesAppliedDto(r, dryRun));
    },
  });

  return router;
}
