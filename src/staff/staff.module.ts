import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { StaffAdminController } from './staff-admin.controller.js';
import { StaffAccounts } from './staff-accounts.service.js';
import { STAFF_EVENT_CLASSES, STAFF_EVENT_SCHEMAS } from './staff-events.js';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';

/** Staff accounts, their roles and personal API tokens; their history is in the event log. */
@Module({
  imports: [IdempotencyModule],
  controllers: [StaffAdminController],
  providers: [StaffAccounts],
  exports: [StaffAccounts],
})
export class StaffModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.registerAll(STAFF_EVENT_CLASSES, {}, STAFF_EVENT_SCHEMAS);
  }
}
