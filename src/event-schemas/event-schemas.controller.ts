import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiReadErrors } from '../common/errors/api-error-responses.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { JSON_SCHEMA_DIALECT } from '../event-store/json-schema.js';
import { DELIVERY_SCHEMA } from '../webhooks/webhook-delivery.js';

/**
 * The JSON Schema of every event type at every version the store can hold,
 * straight from the registry the store reads and upcasts with, so what
 * integrators validate against is what is stored. Public: it describes the
 * shape of events, never their content.
 */
@ApiTags('integrations')
@Controller('events')
export class EventSchemasController {
  constructor(private readonly registry: EventRegistry) {}

  @Get('schemas')
  @ApiOperation({
    summary: 'JSON Schemas (draft 2020-12) of every event type and stored schema version, and of the webhook delivery',
    description:
      'events: one entry per type and version, newest first. current marks the version new events are written at, ' +
      'which is also the version webhooks deliver (older stored data is upcast to it, see upcastTo).',
  })
  @ApiReadErrors()
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['dialect', 'events', 'delivery'],
      properties: {
        dialect: { type: 'string', example: JSON_SCHEMA_DIALECT },
        events: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'schemaVersion', 'current', 'schema'],
            properties: {
              type: { type: 'string', example: 'OrderPlaced' },
              schemaVersion: { type: 'integer', example: 2 },
              current: { type: 'boolean', example: true },
              upcastTo: { type: 'integer', description: 'Only for older versions: the version readers get instead', example: 2 },
              schema: {
                type: 'object',
                description: "The JSON Schema of the event's data",
                example: {
                  $schema: JSON_SCHEMA_DIALECT,
                  $id: 'urn:pizzeria:event:OrderReady:v1',
                  title: 'OrderReady v1',
                  type: 'object',
                  additionalProperties: false,
                  required: ['orderId', 'readyAt'],
                  properties: { orderId: { type: 'string', format: 'uuid' }, readyAt: { type: 'string', format: 'date-time' } },
                },
              },
            },
          },
        },
        delivery: { type: 'object', description: 'The JSON Schema of a webhook delivery body', example: DELIVERY_SCHEMA },
      },
    },
  })
  schemas() {
    return { dialect: JSON_SCHEMA_DIALECT, events: this.registry.schemas(), delivery: DELIVERY_SCHEMA };
  }
}
