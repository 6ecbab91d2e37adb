// Families, members, children and invites. The BFF authenticates; membership and role checks are
// the auth service's (NOT_FOUND for a foreign family, PERMISSION_DENIED for a wrong role).
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import {
  AssignableRoleDto,
  FamilyDto,
  InviteDto,
  MemberDto,
  fromRoleDto,
  toFamilyDto,
  toInviteDto,
  toMemberDto,
} from '../dto/auth.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { text } from '../dto/text.field.js';

const displayName = text({ min: 1, max: 80 });

export const FamilyParams = z.object({ familyId: z.uuid() });
export const MemberParams = z.object({ familyId: z.uuid(), memberId: z.uuid() });
export const InviteParams = z.object({ code: text({ min: 1, max: 128 }) });

export const CreateFamilyBody = z
  .object({
    name: text({ min: 1, max: 80 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
      .meta({ example: 'EUR' }),
    timezone: text({ min: 1, max: 64 }).meta({ example: 'Europe/Berlin', description: 'IANA time zone' }),
    region: z
      .string()
      .regex(/^[a-z]{2,12}$/, 'must be a region such as eu')
      .optional()
      .meta({ description: "The family's home region, where all its data is kept; default: from `country`" }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
      .optional()
      .meta({ example: 'DE', description: 'Where the family lives: chooses its home region when none is given' }),
  })
  .meta({ id: 'CreateFamilyRequest' });
export const CreateChildBody = z
  .object({ displayName, username: text({ min: 3, max: 32 }), password: z.string().min(1).max(128) })
  .meta({ id: 'CreateChildRequest' });
export const UpdateMemberBody = z
  .object({ role: AssignableRoleDto.optional(), displayName: displayName.optional() })
  .refine((b) => b.role !== undefined || b.displayName !== undefined, {
    message: 'give role or displayName',
    path: ['role'],
  })
  .meta({ id: 'UpdateMemberRequest' });
export const ResetChildPasswordBody = z
  .object({ newPassword: text({ min: 1, max: 128 }) })
  .meta({ id: 'ResetChildPasswordRequest' });
export const CreateInviteBody = z
  .object({
    role: AssignableRoleDto,
    ttlSeconds: z
      .number()
      .int()
      .min(300)
      .max(30 * 24 * 3600)
      .optional()
      .meta({ description: 'Lifetime in seconds, 5 minutes to 30 days; default 7 days' }),
  })
  .meta({ id: 'CreateInviteRequest' });

const JoinedFamilyDto = z
  .object({
    family: FamilyDto,
    member: MemberDto,
    accessToken: z.string().meta({ description: "A fresh access token that carries the caller's new membership" }),
    expiresIn: z.number().int(),
  })
  .meta({ id: 'JoinedFamily' });
const MemberPageDto = pageOf(MemberDto, 'MemberPage');

export function familiesRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { auth } = ctx.clients;
  const tag = 'families';

  apiRoute(route, {
    method: 'post',
    path: '/v1/families',
    summary: 'Create a family; the caller becomes its owner',
    tag,
    auth: true,
    request: { body: CreateFamilyBody },
    responses: {
      201: { description: 'The family, the owner membership and a token that carries it', schema: JoinedFamilyDto },
    },
    async handler(req, res, { body }) {
      const r = await auth.createFamily(
        { ...body, region: body.region ?? '', country: body.country ?? '' },
        callOptions(req),
      );
      const family = toFamilyDto(r.family);
      res
        .status(201)
        .location(`/v1/families/${family.id}`)
        .json({ family, member: toMemberDto(r.member), accessToken: r.accessToken, expiresIn: r.expiresIn });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId',
    summary: 'A family the caller belongs to',
    tag,
    auth: true,
    request: { params: FamilyParams },
    responses: { 200: { description: 'The family', schema: FamilyDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params }) {
      const r = await auth.getFamily({ familyId: params.familyId }, callOptions(req));
      res.json(toFamilyDto(r.family));
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/members',
    summary: 'Members of the family, a page at a time',
    tag,
    auth: true,
    request: { params: FamilyParams, query: PageQuery },
    responses: {
      200: { description: 'A page of members; nextCursor is null on the last page', schema: MemberPageDto },
    },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await auth.listMembers({ familyId: params.familyId, page: toPageRequest(query) }, callOptions(req));
      res.json({ items: r.members.map(toMemberDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/families/:familyId/children',
    summary: 'Create a child account (username and password) in the family (parents only)',
    tag,
    auth: true,
    request: { params: FamilyParams, body: CreateChildBody },
    responses: { 201: { description: "The child's membership", schema: MemberDto } },
    errors: {
      403: 'Only parents may add children',
      404: 'No such family among the caller’s',
      409: 'The username is taken',
    },
    async handler(req, res, { params, body }) {
      const r = await auth.createChild({ familyId: params.familyId, ...body }, callOptions(req));
      const member = toMemberDto(r.member);
      res.status(201).location(`/v1/families/${params.familyId}/members/${member.id}`).json(member);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: '/v1/families/:familyId/members/:memberId',
    summary: "Change a member's role or display name",
    tag,
    auth: true,
    request: { params: MemberParams, body: UpdateMemberBody },
    responses: { 200: { description: 'The member', schema: MemberDto } },
    errors: { 403: 'Not allowed for the caller’s role', 404: 'No such family or member' },
    async handler(req, res, { params, body }) {
      const r = await auth.updateMember(
        {
          familyId: params.familyId,
          memberId: params.memberId,
          ...(body.role !== undefined ? { role: fromRoleDto(body.role) } : {}),
          ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        },
        callOptions(req),
      );
      res.json(toMemberDto(r.member));
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: '/v1/families/:familyId/members/:memberId',
    summary: 'Remove a member (parents), or leave the family (oneself)',
    tag,
    auth: true,
    request: { params: MemberParams },
    responses: { 204: { description: 'Removed' } },
    errors: { 403: 'Not allowed for the caller’s role', 404: 'No such family or member' },
    async handler(req, res, { params }) {
      await auth.removeMember({ familyId: params.familyId, memberId: params.memberId }, callOptions(req));
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/families/:familyId/members/:memberId/password',
    summary: "Set a child's new password (parents only); every session of the child ends",
    tag,
    auth: true,
    request: { params: MemberParams, body: ResetChildPasswordBody },
    responses: { 204: { description: 'The password is set' } },
    errors: { 403: 'Not a parent, or the member is not a child', 404: 'No such family or member' },
    async handler(req, res, { params, body }) {
      await auth.resetChildPassword(
        { familyId: params.familyId, memberId: params.memberId, newPassword: body.newPassword },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/families/:familyId/invites',
    summary: 'Create an invite code for a parent or a child (parents only)',
    tag,
    auth: true,
    request: { params: FamilyParams, body: CreateInviteBody },
    responses: { 201: { description: 'The invite', schema: InviteDto } },
    errors: { 403: 'Only parents may invite', 404: 'No such family among the caller’s' },
    async handler(req, res, { params, body }) {
      const r = await auth.createInvite(
        { familyId: params.familyId, role: fromRoleDto(body.role), ttlSeconds: body.ttlSeconds ?? 0 },
        callOptions(req),
      );
      res.status(201).json(toInviteDto(r.invite));
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/invites/:code/accept',
    summary: 'Join a family with an invite code',
    tag,
    auth: true,
    request: { params: InviteParams },
    responses: {
      200: { description: 'The family joined and a token that carries the membership', schema: JoinedFamilyDto },
    },
    errors: { 404: 'Unknown invite code', 409: 'The invite was used, has expired, or the caller is already a member' },
    async handler(req, res, { params }) {
      const r = await auth.acceptInvite({ code: params.code }, callOptions(req));
      res.json({
        family: toFamilyDto(r.family),
        member: toMemberDto(r.member),
        accessToken: r.accessToken,
        expiresIn: r.expiresIn,
      });
    },
  });

  return router;
}
