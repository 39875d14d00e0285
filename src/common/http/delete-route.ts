import { applyDecorators, Delete, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '../errors/api-error-responses.js';
import type { ErrorCode } from '../errors/error-catalogue.js';

/** A DELETE route as every one of this API is: 204 with no body, its not-found codes, and 503 when the database is away. */
export function DeleteRoute(path: string, doc: { summary: string; done: string; errors: ErrorCode[] }): MethodDecorator {
  return applyDecorators(
    Delete(path),
    HttpCode(HttpStatus.NO_CONTENT),
    ApiOperation({ summary: doc.summary }),
    ApiNoContentResponse({ description: doc.done }),
    ApiErrors(...doc.errors, 'DATABASE_UNAVAILABLE'),
  );
}
