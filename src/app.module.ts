import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { StaffToken } from './common/auth/staff-token.js';
import { StaffGuard } from './common/auth/staff.guard.js';
import { Clock } from './common/clock.js';
import { ErrorFilter } from './common/errors/error.filter.js';
import { IdempotencyStore } from './common/idempotency/idempotency.store.js';
import { AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { LiveModule } from './live/live.module.js';
import { MenuModule } from './menu/menu.module.js';
import { OpsModule, type OpsOptions } from './ops/ops.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, Clock, StaffToken, IdempotencyStore],
      exports: [AppConfig, Clock, StaffToken, IdempotencyStore],
    };
  }
}

/** The composition root: which modules make up the app, nothing else. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, ops: OpsOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        OpsModule.forRoot(config, ops),
        CqrsModule.forRoot(),
        DatabaseModule,
        EventStoreModule,
        ProjectionsModule,
        MenuModule,
        OrdersModule,
        LiveModule,
        WebhooksModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: StaffGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
