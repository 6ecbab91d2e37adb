import { AppError } from '@family/errors';

export const INVITE_DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
export const INVITE_MAX_TTL_SECONDS = 30 * 24 * 3600;
const INVITE_MIN_TTL_SECONDS = 300;

export function inviteTtl(requestedSeconds: number): number {
  if (requestedSeconds === 0) return INVITE_DEFAULT_TTL_SECONDS;
  if (requestedSeconds < INVITE_MIN_TTL_SECONDS || requestedSeconds > INVITE_MAX_TTL_SECONDS) {
    throw AppError.invalidField(
      'ttlSeconds',
      `must be between ${INVITE_MIN_TTL_SECONDS} and ${INVITE_MAX_TTL_SECONDS}`,
    );
  }
  return requestedSeconds;
}

export type InviteState = 'OPEN' | 'USED' | 'EXPIRED';

export function inviteState(invite: { acceptedAt: Date | null; expiresAt: Date }, now: Date): InviteState {
  if (invite.acceptedAt) return 'USED';
  return invite.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'OPEN';
}
