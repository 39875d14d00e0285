import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { ProjectionRebuilder } from './projection-rebuilder.js';
import { ProjectionsAdminController } from './projections-admin.controller.js';
import { ProjectionsService } from './projections.service.js';
import { ReadRouter } from './read-router.js';

@Module({
  imports: [IdempotencyModule],
  controllers: [ProjectionsAdminController],
  providers: [ProjectionsService, ProjectionRebuilder, ReadRouter],
  exports: [ProjectionsService, ProjectionRebuilder, ReadRouter],
})
export class ProjectionsModule {}
