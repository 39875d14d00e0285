import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ERRORS, type ErrorCode, type KnownError } from './error-catalogue.js';

export type { ErrorCode } from './error-catalogue.js';

/** The one error shape of the API (src/common/errors/error.filter.ts), as the OpenAPI document shows it. */
export class ErrorResponse {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 409 })
  statusCode!: number;

  @ApiProperty({ description: 'The HTTP status text', example: 'Conflict' })
  error!: string;

  @ApiProperty({ description: 'Stable UPPER_SNAKE identifier a client can branch on', example: 'ORDER_NOT_PENDING' })
  code!: string;

  @ApiProperty({
    description: 'Human-readable; for VALIDATION_FAILED an array naming each bad field',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Only a pending order can be confirmed; this order is DELIVERED',
  })
  message!: string | string[];

  @ApiProperty({ description: 'Only with 412 VERSION_MISMATCH: the order version now', required: false, example: 4 })
  currentVersion?: number;
}

/** What every route can answer whatever it does: an unreadable body, an overloaded or unreachable database. */
const ANY_REQUEST: ErrorCode[] = ['DATABASE_UNAVAILABLE'];
const ANY_WRITE: ErrorCode[] = [
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'IDEMPOTENCY_KEY_REUSED',
  'TOO_MANY_REQUESTS',
  'DATABASE_UNAVAILABLE',
];

/**
 * Documents the error answers of a route (or of every route of a controller),
 * one response per status, with a named example for each code.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: `${STATUS_CODES[status]}: ${list.join(', ')}`,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorResponse) },
            examples: Object.fromEntries(list.map((code) => [code, { summary: code, value: errorExample(code) }])),
          },
        },
      }),
    ),
  );
}

/** The errors a POST with a JSON body can meet before its command runs, plus the command's own. */
export function ApiWriteErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  return ApiErrors(...codes, ...ANY_WRITE);
}

/** The errors any read can meet, plus its own. */
export function ApiReadErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  return ApiErrors(...codes, ...ANY_REQUEST);
}

export function errorExample(code: ErrorCode): Record<string, unknown> {
  const known: KnownError = ERRORS[code];
  return { statusCode: known.status, error: STATUS_CODES[known.status], code, message: known.message, ...known.extra };
}
