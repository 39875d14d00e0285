import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { WebhooksAdminController } from './webhooks-admin.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks, each delivered from the event log by a subscription of its own. */
@Module({
  imports: [IdempotencyModule],
  controllers: [WebhooksAdminController],
  providers: [WebhooksService],
})
export class WebhooksModule {}
