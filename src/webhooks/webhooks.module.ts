import { Module } from '@nestjs/common';
import { EventSchemasController } from './event-schemas.controller.js';
import { WebhooksAdminController } from './webhooks-admin.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Integrations: outbound webhooks fed from the event log, and the published event schemas. */
@Module({
  controllers: [WebhooksAdminController, EventSchemasController],
  providers: [WebhooksService],
})
export class WebhooksModule {}
