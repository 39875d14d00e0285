import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { StaffAdminController } from './staff-admin.controller.js';
import { StaffAccounts } from './staff-accounts.service.js';
import { STAFF_EVENT_CLASSES, STAFF_EVENT_SCHEMAS } from './staff-events.js';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { AuthModule } from '../common/auth/auth.module.js';
import { LimitsModule } from '../common/limits/limits.module.js';
import { SignInController } from './sign-in/sign-in.controller.js';
import { SignIn } from './sign-in/sign-in.service.js';
import { SignInThrottle } from './sign-in/sign-in-throttle.js';

/** Staff accounts, their roles, passwords and personal API tokens, and signing in; their history is in the event log. */
@Module({
  imports: [IdempotencyModule, AuthModule, LimitsModule],
  controllers: [StaffAdminController, SignInController],
  providers: [StaffAccounts, SignIn, SignInThrottle],
  exports: [StaffAccounts],
})
export class StaffModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.registerAll(STAFF_EVENT_CLASSES, {}, STAFF_EVENT_SCHEMAS);
  }
}
