import type { ErrorCode } from './error-catalogue.js';

/**
 * An error a client caused or can act on: a stable code from the catalogue, a
 * human message (for VALIDATION_FAILED, one per problem) and any extra fields
 * the answer carries (currentVersion, ...). No status: the catalogue maps the
 * code to one, so domain, menu and application errors all raise the same way.
 */
export class AppError extends Error {
  readonly messages: string | string[];

  constructor(
    readonly code: ErrorCode,
    message: string | string[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.name = new.target.name;
    this.messages = message;
  }

  static validation(problems: string[]): AppError {
    return new AppError('VALIDATION_FAILED', problems);
  }
}
