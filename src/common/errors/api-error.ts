import { HttpStatus } from '@nestjs/common';

/**
 * An error the HTTP layer answers with as it is: a status, a stable code a client
 * can branch on, and a human message. Extra fields (currentVersion, …) go into the body.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string | string[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.messages = message;
  }

  readonly messages: string | string[];

  static validation(problems: string[]): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', problems);
  }

  static orderNotFound(orderId: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'ORDER_NOT_FOUND', `No order with id ${orderId}`);
  }

  /** If-Match did not hold: another version, or a weak tag, which never matches (RFC 9110). */
  static versionMismatch(expected: { version: number; weak: boolean }, currentVersion: number): ApiError {
    const message = expected.weak
      ? `If-Match holds a weak tag (W/"${expected.version}"), which never matches: send the ETag as given, "${currentVersion}"`
      : `The order is at version ${currentVersion}, not ${expected.version}: reload it and try again`;
    return new ApiError(HttpStatus.PRECONDITION_FAILED, 'VERSION_MISMATCH', message, { currentVersion });
  }
}
