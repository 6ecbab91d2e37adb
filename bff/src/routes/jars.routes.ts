// A member's jars: balance, the ledger (read and post: deposit, withdrawal, transfer, spend) and jar
// settings (default split, interest on savings). Who may do what (a child: only their own jars, no
// deposits or withdrawals) is the goals service's rule; the BFF checks shapes.
import { Router } from 'express';
import { z } from 'zod';
import { Jar } from '@family/contracts/common/v1/common';
import { LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { DayDto, fromOptionalDay } from '../dto/calendar.day.js';
import { AmountMinorDto } from '../dto/expense.dto.js';
import {
  BalanceDto,
  JarName,
  JarSettingsDto,
  JarSplitDto,
  LedgerEntryDto,
  LedgerKind,
  PostableKinds,
  PostedLedgerDto,
  toBalanceDto,
  toJarSettingsDto,
  toLedgerEntryDto,
} from '../dto/jar.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { MemberParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const MEMBER = '/v1/families/:familyId/members/:memberId';

const ListLedgerQuery = PageQuery.extend({
  jar: JarName.schema.optional(),
  kind: LedgerKind.schema.optional(),
  from: DayDto.optional().meta({ description: "First day, inclusive (the family's time zone)" }),
  to: DayDto.optional().meta({ description: 'Last day, inclusive' }),
});

export const PostLedgerEntryBody = z
  .object({
    kind: z.enum(PostableKinds).meta({ description: 'DEPOSIT and WITHDRAWAL: parents only' }),
    jar: JarName.schema.meta({ description: 'The jar credited (DEPOSIT) or debited (the others)' }),
    toJar: JarName.schema.optional().meta({ description: 'TRANSFER: the destination jar' }),
    amountMinor: AmountMinorDto,
    memo: text({ max: 200 }).optional(),
    description: text({ max: 200 }).optional().meta({ description: 'SPEND: what was bought (required)' }),
    merchant: text({ max: 100 }).optional().meta({ description: 'SPEND' }),
    categoryId: z.uuid().optional().meta({ description: 'SPEND: the expense category' }),
    occurredOn: DayDto.optional().meta({ description: 'SPEND: the purchase day; default today' }),
  })
  .meta({ id: 'PostLedgerEntryRequest' });

export const PutJarSettingsBody = z
  .object({
    defaultSplit: JarSplitDto.optional().meta({
      description: 'For allowances without their own split and chore rewards',
    }),
    interestMonthlyRateBps: z.int().min(0).max(10_000).optional().meta({ description: '100 = 1% a month; 0 = off' }),
    interestCapMinor: AmountMinorDto.optional().meta({ description: 'Most interest per month; 0 = no cap' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one setting; the ones left out keep their value',
  })
  .meta({ id: 'PutJarSettingsRequest' });

const LedgerPageDto = pageOf(LedgerEntryDto, 'LedgerEntryPage');

export function jarsRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { goals } = ctx.clients;
  const tag = 'jars';

  apiRoute(route, {
    method: 'get',
    path: `${MEMBER}/balance`,
    summary: "A member's SPEND, SAVE and GIVE balances (a child: only their own)",
    tag,
    auth: true,
    request: { params: MemberParams },
    responses: { 200: { description: 'The balances', schema: BalanceDto } },
    errors: { 403: "A child asking for a sibling's jars", 404: 'No such member in the caller’s family' },
    async handler(req, res, { params }) {
      const r = await goals.getBalance({ familyId: params.familyId, memberId: params.memberId }, callOptions(req));
      res.json(toBalanceDto(r.balance));
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${MEMBER}/ledger`,
    summary: "A member's ledger, newest first, filtered, a page at a time",
    tag,
    auth: true,
    request: { params: MemberParams, query: ListLedgerQuery },
    responses: {
      200: { description: 'A page of entries; nextCursor is null on the last page', schema: LedgerPageDto },
    },
    errors: { 403: "A child asking for a sibling's ledger", 404: 'No such member in the caller’s family' },
    async handler(req, res, { params, query }) {
      const r = await goals.listLedgerEntries(
        {
          familyId: params.familyId,
          memberId: params.memberId,
          page: toPageRequest(query),
          jar: query.jar ? JarName.toProto(query.jar) : Jar.JAR_UNSPECIFIED,
          kind: query.kind ? LedgerKind.toProto(query.kind) : LedgerEntryKind.LEDGER_ENTRY_KIND_UNSPECIFIED,
          from: fromOptionalDay(query.from),
          to: fromOptionalDay(query.to),
        },
        callOptions(req),
      );
      res.json({ items: r.entries.map(toLedgerEntryDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${MEMBER}/ledger`,
    summary: 'Deposit, withdraw, move money between jars, or record a purchase paid from a jar',
    tag,
    auth: true,
    request: { params: MemberParams, body: PostLedgerEntryBody },
    responses: { 201: { description: 'The new entries and the balance after them', schema: PostedLedgerDto } },
    errors: {
      403: 'Deposits and withdrawals are for parents; a child moves only their own money',
      404: 'No such member in the caller’s family',
      409: 'The jar holds too little (metadata: jar, balanceMinor, requestedMinor)',
    },
    async handler(req, res, { params, body }) {
      const r = await goals.postLedgerEntry(
        {
          familyId: params.familyId,
          memberId: params.memberId,
          kind: LedgerKind.toProto(body.kind),
          jar: JarName.toProto(body.jar),
          toJar: body.toJar ? JarName.toProto(body.toJar) : Jar.JAR_UNSPECIFIED,
          amountMinor: body.amountMinor,
          memo: body.memo ?? '',
          description: body.description ?? '',
          merchant: body.merchant ?? '',
          categoryId: body.categoryId ?? '',
          occurredOn: fromOptionalDay(body.occurredOn),
        },
        callOptions(req),
      );
      res.status(201).json({ entries: r.entries.map(toLedgerEntryDto), balance: toBalanceDto(r.balance) });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${MEMBER}/jar-settings`,
    summary: "A member's default split and interest on savings (a child: only their own)",
    tag,
    auth: true,
    request: { params: MemberParams },
    responses: { 200: { description: 'The settings (defaults until set)', schema: JarSettingsDto } },
    errors: { 403: "A child asking for a sibling's settings", 404: 'No such member in the caller’s family' },
    async handler(req, res, { params }) {
      const r = await goals.getJarSettings({ familyId: params.familyId, memberId: params.memberId }, callOptions(req));
      res.json(toJarSettingsDto(r.settings));
    },
  });

  apiRoute(route, {
    method: 'put',
    path: `${MEMBER}/jar-settings`,
    summary: "Set a member's default split and interest on savings (parents only)",
    tag,
    auth: true,
    request: { params: MemberParams, body: PutJarSettingsBody },
    responses: { 200: { description: 'The settings', schema: JarSettingsDto } },
    errors: { 403: 'Only parents change jar settings', 404: 'No such member in the caller’s family' },
    async handler(req, res, { params, body }) {
      const r = await goals.updateJarSettings(
        {
          familyId: params.familyId,
          memberId: params.memberId,
          defaultSplit: body.defaultSplit,
          interestMonthlyRateBps: body.interestMonthlyRateBps,
          interestCapMinor: body.interestCapMinor,
        },
        callOptions(req),
      );
      res.json(toJarSettingsDto(r.settings));
    },
  });

  return router;
}
