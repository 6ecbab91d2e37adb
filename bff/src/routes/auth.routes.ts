// Accounts and sessions: register, login, refresh, logout, password, social login, /v1/me (read and
// change), JWKS.
import { Router } from 'express';
import { z } from 'zod';
import { SocialProvider } from '@family/contracts/auth/v1/auth';
import type { BffClients } from '../clients.js';
import { callOptions, clientInfo } from '../call.options.js';
import { clearable } from '../dto/clearable.field.js';
import {
  FamilyDto,
  JwkDto,
  MemberDto,
  TokensDto,
  UserDto,
  present,
  toFamilyDto,
  toJwkDto,
  toMemberDto,
  toTokensDto,
  toUserDto,
} from '../dto/auth.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { text } from '../dto/text.field.js';

// Shapes only; the auth service owns the rules (password policy, username alphabet) and answers
// with field violations in the same format.
const password = text({ min: 1, max: 128 });
const displayName = text({ min: 1, max: 80 });
const opaqueToken = text({ min: 1, max: 512 });

export const RegisterBody = z
  .object({ email: z.email().max(254), password, displayName })
  .meta({ id: 'RegisterRequest' });
export const LoginBody = z
  .object({
    login: text({ min: 1, max: 254 }).meta({ description: "An email, or a child's username" }),
    password,
  })
  .meta({ id: 'LoginRequest' });
export const RefreshBody = z.object({ refreshToken: opaqueToken }).meta({ id: 'RefreshRequest' });
export const LogoutBody = z.object({ refreshToken: opaqueToken }).meta({ id: 'LogoutRequest' });
export const ChangePasswordBody = z
  .object({ currentPassword: password, newPassword: password })
  .meta({ id: 'ChangePasswordRequest' });
export const UpdateMeBody = z
  .object({
    displayName: displayName.optional(),
    phone: z
      .string()
      .max(32)
      .nullable()
      .optional()
      .meta({ description: 'E.164 (+4915123456789; spaces, dashes, parentheses are dropped); "" or null removes it' }),
    locale: z
      .string()
      .max(35)
      .nullable()
      .optional()
      .meta({ description: 'BCP 47 language tag (en-GB), stored canonical; "" or null removes it' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateMeRequest' });
export const VerifyEmailBody = z.object({ token: opaqueToken }).meta({ id: 'VerifyEmailRequest' });
export const PasswordResetRequestBody = z.object({ email: z.email().max(254) }).meta({ id: 'PasswordResetRequest' });
export const ResetPasswordBody = z
  .object({ token: opaqueToken, newPassword: password })
  .meta({ id: 'ResetPasswordRequest' });
export const SocialParams = z.object({ provider: z.enum(['google', 'apple']) });
export const SocialBody = z
  .object({
    idToken: text({ min: 1, max: 8192 }),
    displayName: displayName.optional().meta({ description: 'Used when the ID token carries no name' }),
  })
  .meta({ id: 'SocialLoginRequest' });

const SessionDto = z.object({ user: UserDto, tokens: TokensDto }).meta({ id: 'Session' });
const SocialSessionDto = z
  .object({ user: UserDto, tokens: TokensDto, created: z.boolean() })
  .meta({ id: 'SocialSession' });
const TokensResponse = z.object({ tokens: TokensDto }).meta({ id: 'TokensResponse' });
const MeDto = z
  .object({ user: UserDto, memberships: z.array(z.object({ family: FamilyDto, member: MemberDto })) })
  .meta({ id: 'Me' });
const AcceptedDto = z.object({ status: z.literal('accepted') }).meta({ id: 'Accepted' });
const JwksDto = z.object({ keys: z.array(JwkDto) }).meta({ id: 'Jwks' });

const providers = { google: SocialProvider.SOCIAL_PROVIDER_GOOGLE, apple: SocialProvider.SOCIAL_PROVIDER_APPLE };

export function authRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { auth } = ctx.clients;
  const tag = 'auth';

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/register',
    summary: 'Create an account with email and password',
    tag,
    auth: false,
    request: { body: RegisterBody },
    responses: { 201: { description: 'The new user, logged in', schema: SessionDto } },
    errors: { 409: 'The email is already registered (EMAIL_TAKEN)' },
    async handler(req, res, { body }) {
      const r = await auth.register({ ...body, client: clientInfo(req) }, callOptions(req));
      res.status(201).json({ user: toUserDto(r.user), tokens: toTokensDto(r.tokens) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/login',
    summary: 'Log in by email, or by username for children',
    tag,
    auth: false,
    request: { body: LoginBody },
    responses: { 200: { description: 'Logged in', schema: SessionDto } },
    errors: { 401: 'Wrong login or password' },
    async handler(req, res, { body }) {
      const r = await auth.login({ ...body, client: clientInfo(req) }, callOptions(req));
      res.json({ user: toUserDto(r.user), tokens: toTokensDto(r.tokens) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/refresh',
    summary: 'Exchange a refresh token for a new pair (a reused token revokes its whole chain)',
    tag,
    auth: false,
    request: { body: RefreshBody },
    responses: { 200: { description: 'A new token pair', schema: TokensResponse } },
    errors: { 401: 'The refresh token is unknown, expired or was already used' },
    async handler(req, res, { body }) {
      const r = await auth.refresh({ refreshToken: body.refreshToken, client: clientInfo(req) }, callOptions(req));
      res.json({ tokens: toTokensDto(r.tokens) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/logout',
    summary: 'End the session the refresh token belongs to',
    tag,
    auth: false,
    request: { body: LogoutBody },
    responses: { 204: { description: 'Logged out' } },
    async handler(req, res, { body }) {
      await auth.logout({ refreshToken: body.refreshToken }, callOptions(req));
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/logout-all',
    summary: "End every one of the caller's sessions",
    tag,
    auth: true,
    responses: { 204: { description: 'Every session ended' } },
    async handler(req, res) {
      await auth.logoutAll({}, callOptions(req));
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/password',
    summary: 'Change the password; every other session ends and a new one starts',
    tag,
    auth: true,
    request: { body: ChangePasswordBody },
    responses: { 200: { description: 'Tokens of the new session', schema: TokensResponse } },
    async handler(req, res, { body }) {
      const r = await auth.changePassword({ ...body, client: clientInfo(req) }, callOptions(req));
      res.json({ tokens: toTokensDto(r.tokens) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/me/email/verification',
    summary: 'Send the caller a new email-verification link (earlier links stop working)',
    tag,
    auth: true,
    responses: { 202: { description: 'A link is on its way to the account email', schema: AcceptedDto } },
    errors: { 409: 'The email is already verified (EMAIL_ALREADY_VERIFIED)' },
    async handler(req, res) {
      await auth.requestEmailVerification({}, callOptions(req));
      res.status(202).json({ status: 'accepted' });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/email/verify',
    summary: "Confirm the account's email with the token of a verification link",
    tag,
    auth: false,
    request: { body: VerifyEmailBody },
    responses: { 200: { description: 'The user, email verified', schema: UserDto } },
    errors: { 400: 'The token is unknown, was already used or has expired' },
    async handler(req, res, { body }) {
      const r = await auth.verifyEmail({ token: body.token }, callOptions(req));
      res.json(toUserDto(present(r.user, 'user')));
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/password/reset-request',
    summary: 'Ask for a password-reset link; the answer never says whether the email has an account',
    tag,
    auth: false,
    request: { body: PasswordResetRequestBody },
    responses: {
      202: {
        description: 'Accepted; a link goes out only when the email belongs to an account and is verified',
        schema: AcceptedDto,
      },
    },
    async handler(req, res, { body }) {
      await auth.requestPasswordReset({ email: body.email, client: clientInfo(req) }, callOptions(req));
      res.status(202).json({ status: 'accepted' });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/password/reset',
    summary: "Set a new password with the token of a reset link; every one of the account's sessions ends",
    tag,
    auth: false,
    request: { body: ResetPasswordBody },
    responses: { 204: { description: 'The password is changed; sign in with it' } },
    errors: { 400: 'The token is unknown, was already used or has expired, or the password is refused' },
    async handler(req, res, { body }) {
      await auth.resetPassword(
        { token: body.token, newPassword: body.newPassword, client: clientInfo(req) },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/auth/social/:provider',
    summary: 'Log in (or sign up) with a Google or Apple ID token',
    tag,
    auth: false,
    request: { params: SocialParams, body: SocialBody },
    responses: {
      200: { description: 'Logged in; `created` tells whether the account is new', schema: SocialSessionDto },
    },
    errors: { 401: 'The ID token was refused' },
    async handler(req, res, { params, body }) {
      const r = await auth.socialLogin(
        {
          provider: providers[params.provider],
          idToken: body.idToken,
          displayName: body.displayName ?? '',
          client: clientInfo(req),
        },
        callOptions(req),
      );
      res.json({ user: toUserDto(r.user), tokens: toTokensDto(r.tokens), created: r.created });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/me',
    summary: 'The caller and the families they belong to',
    tag,
    auth: true,
    responses: { 200: { description: 'The caller', schema: MeDto } },
    async handler(req, res) {
      const r = await auth.getMe({}, callOptions(req));
      res.json({
        user: toUserDto(r.user),
        memberships: r.memberships.map((m) => ({
          family: toFamilyDto(present(m.family, 'membership.family')),
          member: toMemberDto(present(m.member, 'membership.member')),
        })),
      });
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: '/v1/me',
    summary: "Change the caller's own display name, phone or locale",
    tag,
    auth: true,
    request: { body: UpdateMeBody },
    responses: { 200: { description: 'The caller, changed', schema: UserDto } },
    async handler(req, res, { body }) {
      const r = await auth.updateMe(
        { displayName: body.displayName, phone: clearable(body.phone), locale: clearable(body.locale) },
        callOptions(req),
      );
      res.json(toUserDto(r.user));
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'Public keys that verify access tokens',
    tag,
    auth: false,
    responses: { 200: { description: 'JSON Web Key Set', schema: JwksDto } },
    async handler(req, res) {
      const r = await auth.getJwks({}, callOptions(req));
      // Keys change only on rotation, and a retired key stays published for a while.
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.json({ keys: r.keys.map(toJwkDto) });
    },
  });

  return router;
}
