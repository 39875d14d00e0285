import { Global, Module } from '@nestjs/common';
import { EventFeed } from '../event-store/event-feed.js';
import { LogNotifier } from '../event-store/log-notifier.js';
import { ProjectionRebuilder } from './projection-rebuilder.js';
import { ProjectionsAdminController } from './projections-admin.controller.js';
import { ProjectionsService } from './projections.service.js';

@Global()
@Module({
  controllers: [ProjectionsAdminController],
  providers: [LogNotifier, EventFeed, ProjectionsService, ProjectionRebuilder],
  exports: [LogNotifier, EventFeed, ProjectionsService, ProjectionRebuilder],
})
export class ProjectionsModule {}
