import { Module } from '@nestjs/common';
import { EventSchemasController } from './event-schemas.controller.js';

/** What integrators validate against: the published JSON Schemas of events and of a webhook delivery. */
@Module({ controllers: [EventSchemasController] })
export class EventSchemasModule {}
