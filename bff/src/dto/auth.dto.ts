// REST shapes for identity and families (the BFF's own DTOs) and their mapping from the auth
// service's protos: roles without the ROLE_ prefix, timestamps as ISO strings, empty optional
// strings dropped.
import { z } from 'zod';
import type { Family, Invite, Jwk, Member, TokenPair, User } from '@family/contracts/auth/v1/auth';
import { Role } from '@family/contracts/common/v1/common';
import { protoEnum } from './proto.enum.js';

const roles = protoEnum(Role, 'ROLE_', ['OWNER', 'PARENT', 'CHILD'], 'Role');
export const RoleDto = roles.schema;
/** Roles that can be given by an invite or a role change. */
export const AssignableRoleDto = z.enum(['PARENT', 'CHILD']).meta({ id: 'AssignableRole' });

export const TokensDto = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
  })
  .meta({ id: 'Tokens' });

export const UserDto = z
  .object({
    id: z.string(),
    email: z.string().optional(),
    username: z.string().optional(),
    displayName: z.string(),
    emailVerified: z.boolean(),
    phone: z.string().optional().meta({ description: 'E.164, e.g. +4915123456789; not verified' }),
    locale: z.string().optional().meta({ description: 'BCP 47 language tag; absent means English' }),
  })
  .meta({ id: 'User' });

export const FamilyDto = z
  .object({
    id: z.string(),
    name: z.string(),
    currency: z.string(),
    timezone: z.string(),
    region: z.string().optional().meta({ description: 'Home region, where all its data is kept (multi-region only)' }),
  })
  .meta({ id: 'Family' });

export const MemberDto = z
  .object({
    id: z.string().meta({ description: 'The membership id' }),
    userId: z.string(),
    displayName: z.string(),
    role: RoleDto,
    username: z.string().optional(),
  })
  .meta({ id: 'Member' });

export const InviteDto = z
  .object({ code: z.string(), role: AssignableRoleDto, expiresAt: z.iso.datetime(), familyId: z.string() })
  .meta({ id: 'Invite' });

export const JwkDto = z
  .object({
    kty: z.string(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    kid: z.string(),
    alg: z.string().optional(),
    use: z.string().optional(),
  })
  .meta({ id: 'Jwk' });

export type RoleDto = z.infer<typeof RoleDto>;
export type TokensDto = z.infer<typeof TokensDto>;
export type UserDto = z.infer<typeof UserDto>;
export type FamilyDto = z.infer<typeof FamilyDto>;
export type MemberDto = z.infer<typeof MemberDto>;
export type InviteDto = z.infer<typeof InviteDto>;
export type JwkDto = z.infer<typeof JwkDto>;

/** A message field the contract says is always set; its absence is an upstream bug (→ 500). */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Upstream response is missing ${what}`);
  return value;
}

function optional(value: string): string | undefined {
  return value === '' ? undefined : value;
}

export function toRoleDto(role: Role): RoleDto {
  return roles.fromProto(role);
}

export function fromRoleDto(role: RoleDto): Role {
  return roles.toProto(role);
}

export function toTokensDto(tokens: TokenPair | undefined): TokensDto {
  const t = present(tokens, 'tokens');
  return { accessToken: t.accessToken, refreshToken: t.refreshToken, tokenType: 'Bearer', expiresIn: t.expiresIn };
}

export function toUserDto(user: User | undefined): UserDto {
  const u = present(user, 'user');
  const dto: UserDto = { id: u.id, displayName: u.displayName, emailVerified: u.emailVerified };
  for (const field of ['email', 'username', 'phone', 'locale'] as const) {
    const value = optional(u[field]);
    if (value !== undefined) dto[field] = value;
  }
  return dto;
}

export function toFamilyDto(family: Family | undefined): FamilyDto {
  const f = present(family, 'family');
  const dto: FamilyDto = { id: f.id, name: f.name, currency: f.currency, timezone: f.timezone };
  if (f.region) dto.region = f.region;
  return dto;
}

export function toMemberDto(member: Member | undefined): MemberDto {
  const m = present(member, 'member');
  const dto: MemberDto = { id: m.id, userId: m.userId, displayName: m.displayName, role: toRoleDto(m.role) };
  const username = optional(m.username);
  if (username !== undefined) dto.username = username;
  return dto;
}

export function toInviteDto(invite: Invite | undefined): InviteDto {
  const i = present(invite, 'invite');
  const role = toRoleDto(i.role);
  if (role === 'OWNER') throw new Error('Upstream sent an owner invite');
  return {
    code: i.code,
    role,
    expiresAt: present(i.expiresAt, 'invite.expiresAt').toISOString(),
    familyId: i.familyId,
  };
}

export function toJwkDto(jwk: Jwk): JwkDto {
  const dto: JwkDto = { kty: jwk.kty, kid: jwk.kid };
  for (const field of ['crv', 'x', 'y', 'alg', 'use'] as const) {
    const value = optional(jwk[field]);
    if (value !== undefined) dto[field] = value;
  }
  return dto;
}
