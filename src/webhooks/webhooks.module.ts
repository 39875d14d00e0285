import { Module } from '@nestjs/common';
import { WebhooksAdminController } from './webhooks-admin.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks, each delivered from the event log by a subscription of its own. */
@Module({
  controllers: [WebhooksAdminController],
  providers: [WebhooksService],
})
export class WebhooksModule {}
