import { ApiParam } from '@nestjs/swagger';

/** The `:id` of every order route, as the OpenAPI document shows it: commands and queries say the same. */
export function ApiOrderIdParam(): MethodDecorator {
  return ApiParam({
    name: 'id',
    description: 'The order id (a UUID; anything else is 404)',
    format: 'uuid',
    example: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b',
  });
}
