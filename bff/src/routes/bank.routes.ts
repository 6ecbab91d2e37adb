// Bank links: the providers on offer, link sessions, connections (list, link, read, sync, delete),
// a sync's status, and the family's bank accounts (list; assign to a member, rename, track or
// ignore). The bank service owns every rule: only parents link, assign and delete; a child sees only
// the accounts assigned to them; another family's ids are 404. Without BANK_GRPC_URL every route
// answers 503 BANK_UNAVAILABLE.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import {
  BankAccountDto,
  BankConnectionDetailDto,
  BankConnectionDto,
  BankProviderInfoDto,
  BankSyncStatusDto,
  BankSyncDto,
  bankProvider,
  LinkSessionDto,
  toAccountDto,
  toConnectionDto,
  toLinkSessionDto,
  toProviderDto,
  toSyncDto,
} from '../dto/bank.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { sendProblem } from '../middleware/problem.middleware.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const BASE = '/v1/families/:familyId/bank';
const ConnectionParams = FamilyParams.extend({ connectionId: z.uuid() });
const SyncParams = ConnectionParams.extend({
  syncId: z.union([z.uuid(), z.literal('latest')]).meta({ description: 'A sync id, or "latest"' }),
});
const AccountParams = FamilyParams.extend({ accountId: z.uuid() });

const redirectUri = z.url({ protocol: /^https?$/ }).max(2048);
const opaque = text({ min: 1, max: 4096 });

export const CreateLinkSessionBody = z
  .object({
    provider: bankProvider.schema,
    redirectUri: redirectUri.optional().meta({
      description:
        'Where the provider sends the user back (default: the server’s configured one). Plaid: given, the ' +
        'session is hosted by Plaid (linkUrl), which sends the user back here with `state`',
    }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. GB')
      .optional(),
    institutionId: text({ min: 1, max: 200 }).optional(),
    connectionId: z
      .uuid()
      .optional()
      .meta({ description: 'Sign in again for this connection (NEEDS_REAUTH) instead of linking a new one' }),
    language: text({ min: 2, max: 35 }).optional().meta({ description: 'BCP 47, for the provider’s pages' }),
  })
  .meta({ id: 'CreateBankLinkSessionRequest' });

export const CreateConnectionBody = z
  .object({
    provider: bankProvider.schema,
    publicToken: opaque.optional().meta({
      description: 'TOKEN_EXCHANGE providers (Plaid): from the widget; none for a Hosted Link session (state alone)',
    }),
    authorizationCode: opaque
      .optional()
      .meta({ description: 'REDIRECT providers: the `code` the provider redirected with' }),
    state: opaque.meta({
      description: 'The link session’s state (REDIRECT providers: the `state` the provider redirected with)',
    }),
    redirectUri: redirectUri.optional().meta({ description: 'The redirectUri of the link session, if one was given' }),
  })
  .superRefine((body, ctx) => {
    // Plaid: the public token from Plaid Link, or none for a Hosted Link session (the service says which).
    if (body.provider === 'PLAID') return;
    if (!body.authorizationCode) {
      ctx.addIssue({ code: 'custom', path: ['authorizationCode'], message: `is required for ${body.provider}` });
    }
  })
  .meta({ id: 'CreateBankConnectionRequest' });

export const UpdateAccountBody = z
  .object({
    memberId: z
      .uuid()
      .nullable()
      .optional()
      .meta({ description: 'Whose spending it is (parents only); null: back to the parent who linked it' }),
    name: text({ min: 1, max: 100, trim: true }).optional(),
    tracked: z.boolean().optional().meta({ description: 'False: its transactions stop becoming expenses' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateBankAccountRequest' });

const ListAccountsQuery = PageQuery.extend({
  connectionId: z.uuid().optional(),
  memberId: z.uuid().optional(),
});

const ProvidersDto = z.object({ items: z.array(BankProviderInfoDto) }).meta({ id: 'BankProviderList' });
const ConnectionPageDto = pageOf(BankConnectionDto, 'BankConnectionPage');
const AccountPageDto = pageOf(BankAccountDto, 'BankAccountPage');
const CreatedConnectionDto = BankConnectionDetailDto.extend({
  sync: BankSyncDto.optional().meta({ description: 'The first sync, started in the background' }),
}).meta({ id: 'CreatedBankConnection' });
const SyncResultDto = z
  .object({
    connection: BankConnectionDto,
    sync: BankSyncDto,
    added: z.int(),
    modified: z.int(),
    removed: z.int(),
  })
  .meta({ id: 'BankSyncResult' });

const NO_CONNECTION = 'No such connection in the family';
const PARENTS_ONLY = 'Only parents manage bank links';
const UNAVAILABLE = { 503: 'Bank connections are not configured on this server' };
/** How long a client should wait before polling a sync that continues in the background. */
const POLL_AFTER_SECONDS = 2;

export function bankRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const tag = 'bank';
  const bank = (): NonNullable<BffClients['bank']> => ctx.clients.bank!;

  // Answer 503 before anything else when the service is not configured (documented per route).
  const unavailable: RequestHandler = (req, res, next) => {
    if (ctx.clients.bank) {
      next();
      return;
    }
    sendProblem(req, res, {
      status: 503,
      code: 'BANK_UNAVAILABLE',
      detail: 'Bank connections are not available on this server',
    });
  };
  router.use(['/v1/bank', BASE], unavailable);

  apiRoute(route, {
    method: 'get',
    path: '/v1/bank/providers',
    summary: 'The bank providers this server can link, and how each links',
    tag,
    auth: false,
    responses: { 200: { description: 'The providers', schema: ProvidersDto } },
    errors: UNAVAILABLE,
    async handler(req, res) {
      const r = await bank().listProviders({}, callOptions(req));
      res.json({ items: r.providers.map(toProviderDto) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/link-sessions`,
    summary: 'Start linking a bank, or signing in again for a connection (parents only)',
    tag,
    auth: true,
    request: { params: FamilyParams, body: CreateLinkSessionBody },
    responses: { 201: { description: 'What the app opens: a link token or a link URL', schema: LinkSessionDto } },
    errors: { 403: PARENTS_ONLY, 404: 'No such family, or connection in it', ...UNAVAILABLE },
    async handler(req, res, { params, body }) {
      const provider = bankProvider.toProto(body.provider);
      const r = await bank().createLinkSession(
        {
          familyId: params.familyId,
          provider,
          redirectUri: body.redirectUri ?? '',
          country: body.country ?? '',
          institutionId: body.institutionId ?? '',
          connectionId: body.connectionId ?? '',
          language: body.language ?? '',
        },
        callOptions(req),
      );
      res.status(201).json(toLinkSessionDto(provider, r.session));
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/connections`,
    summary: 'The family’s bank connections',
    tag,
    auth: true,
    request: { params: FamilyParams, query: PageQuery },
    responses: { 200: { description: 'A page of connections', schema: ConnectionPageDto } },
    errors: { 404: 'No such family among the caller’s', ...UNAVAILABLE },
    async handler(req, res, { params, query }) {
      const r = await bank().listConnections(
        { familyId: params.familyId, page: toPageRequest(query) },
        callOptions(req),
      );
      res.json({ items: r.connections.map((c) => toConnectionDto(c)), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/connections`,
    summary: 'Finish linking: exchange the public token or the code for a connection; its first sync starts',
    tag,
    auth: true,
    request: { params: FamilyParams, body: CreateConnectionBody },
    responses: { 201: { description: 'The connection and its accounts', schema: CreatedConnectionDto } },
    errors: {
      403: PARENTS_ONLY,
      404: 'No such family among the caller’s',
      409: 'Plaid’s Hosted Link was not finished yet (LINK_NOT_FINISHED; the state stays good), or the bank asks for its login again',
      ...UNAVAILABLE,
    },
    async handler(req, res, { params, body }) {
      const r = await bank().createConnection(
        {
          familyId: params.familyId,
          provider: bankProvider.toProto(body.provider),
          publicToken: body.publicToken ?? '',
          authorizationCode: body.authorizationCode ?? '',
          state: body.state,
          redirectUri: body.redirectUri ?? '',
        },
        callOptions(req),
      );
      const connection = toConnectionDto(r.connection, r.sync);
      res
        .status(201)
        .location(`/v1/families/${params.familyId}/bank/connections/${connection.id}`)
        .json({
          ...connection,
          accounts: r.accounts.map(toAccountDto),
          ...(r.sync ? { sync: toSyncDto(r.sync) } : {}),
        });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/connections/:connectionId`,
    summary: 'One connection with its accounts (a child sees only the accounts assigned to them)',
    tag,
    auth: true,
    request: { params: ConnectionParams },
    responses: { 200: { description: 'The connection', schema: BankConnectionDetailDto } },
    errors: { 404: NO_CONNECTION, ...UNAVAILABLE },
    async handler(req, res, { params }) {
      const r = await bank().getConnection(
        { familyId: params.familyId, connectionId: params.connectionId },
        callOptions(req),
      );
      res.json({ ...toConnectionDto(r.connection), accounts: r.accounts.map(toAccountDto) });
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: `${BASE}/connections/:connectionId`,
    summary: 'Unlink: revoke the connection at the provider and forget its tokens; imported expenses stay',
    tag,
    auth: true,
    request: { params: ConnectionParams },
    responses: { 204: { description: 'Unlinked' } },
    errors: { 403: PARENTS_ONLY, 404: NO_CONNECTION, ...UNAVAILABLE },
    async handler(req, res, { params }) {
      await bank().deleteConnection({ familyId: params.familyId, connectionId: params.connectionId }, callOptions(req));
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: `${BASE}/connections/:connectionId/sync`,
    summary: 'Sync now: 200 with the result, or 202 with the sync’s status when it continues in the background',
    tag,
    auth: true,
    request: { params: ConnectionParams },
    responses: {
      200: { description: 'The sync finished', schema: SyncResultDto },
      202: { description: 'The sync continues in the background: poll Location', schema: BankSyncStatusDto },
    },
    errors: {
      403: PARENTS_ONLY,
      404: NO_CONNECTION,
      409: 'The connection needs signing in again, or was revoked',
      ...UNAVAILABLE,
    },
    async handler(req, res, { params }) {
      const r = await bank().syncConnection(
        { familyId: params.familyId, connectionId: params.connectionId },
        callOptions(req),
      );
      const sync = toSyncDto(r.sync);
      const connection = toConnectionDto(r.connection, r.sync);
      if (!r.completed) {
        res
          .status(202)
          .location(`/v1/families/${params.familyId}/bank/connections/${params.connectionId}/syncs/${sync.id}`)
          .setHeader('Retry-After', String(POLL_AFTER_SECONDS))
          .json({ sync, connection });
        return;
      }
      res.json({ connection, sync, added: r.added, modified: r.modified, removed: r.removed });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/connections/:connectionId/syncs/:syncId`,
    summary: 'A sync’s status (or the connection’s latest with `latest`)',
    tag,
    auth: true,
    request: { params: SyncParams },
    responses: { 200: { description: 'The sync and its connection', schema: BankSyncStatusDto } },
    errors: { 404: 'No such sync of a connection in the family', ...UNAVAILABLE },
    async handler(req, res, { params }) {
      const r = await bank().getSyncStatus(
        {
          familyId: params.familyId,
          connectionId: params.connectionId,
          syncId: params.syncId === 'latest' ? '' : params.syncId,
        },
        callOptions(req),
      );
      const sync = toSyncDto(r.sync);
      if (sync.state === 'QUEUED' || sync.state === 'RUNNING') res.setHeader('Retry-After', String(POLL_AFTER_SECONDS));
      res.json({ sync, connection: toConnectionDto(r.connection, r.sync) });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: `${BASE}/accounts`,
    summary: 'The family’s bank accounts (a child: only those assigned to them)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListAccountsQuery },
    responses: { 200: { description: 'A page of accounts', schema: AccountPageDto } },
    errors: { 404: 'No such family among the caller’s', ...UNAVAILABLE },
    async handler(req, res, { params, query }) {
      const r = await bank().listAccounts(
        {
          familyId: params.familyId,
          page: toPageRequest(query),
          connectionId: query.connectionId ?? '',
          memberId: query.memberId ?? '',
        },
        callOptions(req),
      );
      res.json({ items: r.accounts.map(toAccountDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: `${BASE}/accounts/:accountId`,
    summary: 'Assign an account to a member, rename it, or track / ignore it (parents; If-Match required)',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: AccountParams, body: UpdateAccountBody },
    responses: { 200: { description: 'The changed account', schema: BankAccountDto } },
    errors: { 403: PARENTS_ONLY, 404: 'No such account in the family', ...UNAVAILABLE },
    async handler(req, res, { params, body }) {
      const r = await bank().updateAccount(
        {
          familyId: params.familyId,
          accountId: params.accountId,
          memberId: body.memberId === null ? '' : body.memberId,
          name: body.name,
          tracked: body.tracked,
          expectedVersion: req.expectedVersion ?? 0,
        },
        callOptions(req),
      );
      if (!r.account) throw new Error('Upstream response is missing account');
      const dto = toAccountDto(r.account);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  return router;
}
