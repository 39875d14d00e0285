import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { ApiWriteErrors, type ErrorCode } from '../../common/errors/api-error-responses.js';
import { WriteResultDto } from './dto/write-result.dto.js';

const ETAG = { description: 'The order version after the write, quoted', schema: { type: 'string', example: '"2"' } };

/** How an order command route shows in the OpenAPI document: one decorator per route keeps the controller readable. */
export function ApiOrderCommand(options: { summary: string; description?: string; errors: ErrorCode[]; created?: boolean }) {
  const status = options.created ? HttpStatus.CREATED : HttpStatus.OK;
  const example = options.created
    ? { orderId: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b', version: 1, position: 1042 }
    : { orderId: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b', version: 2, position: 1043 };
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    ...(options.created
      ? []
      : [
          ApiParam({ name: 'id', description: 'The order id (a UUID; anything else is 404)', format: 'uuid', example: example.orderId }),
          ApiHeader({
            name: 'If-Match',
            required: false,
            description: 'The order version you last saw, e.g. "1": the write happens only on that version, else 412 VERSION_MISMATCH',
            schema: { type: 'string', example: '"1"' },
          }),
        ]),
    ApiResponse({
      status,
      description: options.created ? 'Placed' : 'Written',
      type: WriteResultDto,
      example,
      headers: options.created
        ? { ETag: ETAG, Location: { description: 'Where to read the order', schema: { type: 'string', example: `/orders/${example.orderId}` } } }
        : { ETag: ETAG },
    }),
    ApiWriteErrors(...options.errors),
  );
}

/** Shared by every command route: the request headers the API honours on any POST. */
export const ApiCommandHeaders = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'The same key with the same body returns the first answer again (Idempotent-Replayed: true) and writes nothing',
      schema: { type: 'string', maxLength: 255, example: 'b1f0c3a4-checkout-1' },
    }),
    ApiHeader({
      name: 'X-Correlation-Id',
      required: false,
      description: 'Echoed back, stored in the events metadata and on every log line of the request; generated when absent',
      schema: { type: 'string', example: 'checkout-7f3a' },
    }),
  );
