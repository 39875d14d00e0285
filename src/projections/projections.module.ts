import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { ProjectionRebuilder } from './projection-rebuilder.js';
import { ProjectionsAdminController } from './projections-admin.controller.js';
import { ProjectionsService } from './projections.service.js';

@Module({
  imports: [IdempotencyModule],
  controllers: [ProjectionsAdminController],
  providers: [ProjectionsService, ProjectionRebuilder],
  exports: [ProjectionsService, ProjectionRebuilder],
})
export class ProjectionsModule {}
