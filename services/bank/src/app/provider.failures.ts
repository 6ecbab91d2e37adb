// A provider failure during a caller's request (link, exchange), in the caller's terms: their input
// → INVALID_ARGUMENT on the field, a busy or unreachable provider → RESOURCE_EXHAUSTED / UNAVAILABLE,
// a hosted link not finished and anything about the user's bank login → FAILED_PRECONDITION. Never a 500.
import { AppError } from '@family/errors';
import { ProviderError } from '../adapters/provider.error.js';

export function callerFacing(err: unknown, field: string): unknown {
  if (!(err instanceof ProviderError)) return err;
  switch (err.kind) {
    case 'INVALID_INPUT':
      return AppError.invalidField(field, 'was not accepted by the provider (expired, used or unknown)');
    case 'RATE_LIMITED':
      return AppError.tooMany(
        'PROVIDER_RATE_LIMITED',
        'The bank provider is busy; try again shortly',
        Math.ceil((err.details.retryAfterMs ?? 30_000) / 1000),
      );
    case 'UNAVAILABLE':
    case 'RESTART_PAGINATION':
      return new AppError(
        'UNAVAILABLE',
        'PROVIDER_UNAVAILABLE',
        'The bank provider cannot be reached; try again later',
      );
    case 'LINK_NOT_FINISHED':
      return AppError.precondition(
        'LINK_NOT_FINISHED',
        'Linking was not finished at the provider; finish it there, or start again',
      );
    case 'UNAUTHENTICATED':
      return AppError.unauthenticated('The provider request could not be verified', 'PROVIDER_UNAUTHENTICATED');
    default:
      return AppError.precondition(err.kind, 'The bank asks the user to log in again');
  }
}
