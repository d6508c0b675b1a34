/** One error type for the domain and the edges; HTTP statuses come from one table. */

export const ErrorCode = {
  ValidationError: 'validation_error',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  MalformedJson: 'malformed_json',
  Unauthorized: 'unauthorized',
  TooManyActiveJobs: 'too_many_active_jobs',
  RateLimited: 'rate_limited',
  Conflict: 'conflict',
  Internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  malformed_json: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_active_jobs: 429,
  rate_limited: 429,
  internal_error: 500,
};

export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: FieldIssue[]; retryAfterSec?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.details = options.details;
    this.retryAfterSec = options.retryAfterSec;
  }
  readonly details: FieldIssue[] | undefined;
  readonly retryAfterSec: number | undefined;
}
