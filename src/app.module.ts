import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from './common/auth/auth.module.js';
import { LimitsModule } from './common/limits/limits.module.js';
import { ErrorFilter } from './common/errors/error.filter.js';
import { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/app-config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EventSchemasModule } from './event-schemas/event-schemas.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { LiveModule } from './live/live.module.js';
import { MenuModule } from './menu/menu.module.js';
import { OpsModule, type OpsOptions } from './ops/ops.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { PersonalDataModule } from './personal-data/personal-data.module.js';
import { StaffModule } from './staff/staff.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The composition root: which modules make up the app, nothing else. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, ops: OpsOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        OpsModule.forRoot(config, ops),
        CqrsModule.forRoot(),
        AuthModule,
        LimitsModule,
        DatabaseModule,
        PersonalDataModule,
        EventStoreModule,
        ProjectionsModule,
        MenuModule,
        OrdersModule,
        StaffModule,
        LiveModule,
        WebhooksModule,
        EventSchemasModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorFilter }],
    };
  }
}
