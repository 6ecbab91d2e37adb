// Typed application errors: the only errors allowed to cross a boundary. grpc-kit maps each kind to a
// gRPC status once; the BFF maps the status to HTTP once.

export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'FAILED_PRECONDITION'
  | 'VERSION_MISMATCH'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE';

export interface FieldViolation {
  /** The field in the caller's vocabulary (camelCase, dotted for nesting: `splits.0.amountMinor`). */
  field: string;
  message: string;
}

export interface AppErrorOptions {
  violations?: FieldViolation[];
  /** Seconds after which retrying may succeed (RESOURCE_EXHAUSTED). */
  retryAfterSeconds?: number;
  /** Extra facts for the caller, e.g. the current balance on insufficient funds. */
  metadata?: Record<string, string>;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly violations: FieldViolation[];
  readonly retryAfterSeconds: number | undefined;
  readonly metadata: Record<string, string>;

  /**
   * @param kind what class of failure this is
   * @param code a stable, documented reason code in UPPER_SNAKE (e.g. `EMAIL_TAKEN`)
   */
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.violations = options.violations ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.metadata = options.metadata ?? {};
  }

  static invalid(violations: FieldViolation[], message = 'The request has invalid fields'): AppError {
    return new AppError('INVALID_ARGUMENT', 'VALIDATION_FAILED', message, { violations });
  }

  static invalidField(field: string, message: string): AppError {
    return AppError.invalid([{ field, message }]);
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', 'NOT_FOUND', `${what} not found`);
  }

  static forbidden(message = 'You are not allowed to do this', code = 'FORBIDDEN'): AppError {
    return new AppError('PERMISSION_DENIED', code, message);
  }

  static unauthenticated(message = 'Authentication required', code = 'UNAUTHENTICATED'): AppError {
    return new AppError('UNAUTHENTICATED', code, message);
  }

  static conflict(code: string, message: string): AppError {
    return new AppError('ALREADY_EXISTS', code, message);
  }

  static precondition(code: string, message: string, metadata?: Record<string, string>): AppError {
    return new AppError('FAILED_PRECONDITION', code, message, metadata ? { metadata } : {});
  }

  static versionMismatch(current: number): AppError {
    return new AppError('VERSION_MISMATCH', 'VERSION_MISMATCH', 'The resource was changed by someone else', {
      metadata: { currentVersion: String(current) },
    });
  }

  static tooMany(code: string, message: string, retryAfterSeconds: number): AppError {
    return new AppError('RESOURCE_EXHAUSTED', code, message, { retryAfterSeconds });
  }
}
