import { Global, Module } from '@nestjs/common';
import { ProjectionRebuilder } from './projection-rebuilder.js';
import { ProjectionsAdminController } from './projections-admin.controller.js';
import { ProjectionsService } from './projections.service.js';

@Global()
@Module({
  controllers: [ProjectionsAdminController],
  providers: [ProjectionsService, ProjectionRebuilder],
  exports: [ProjectionsService, ProjectionRebuilder],
})
export class ProjectionsModule {}
