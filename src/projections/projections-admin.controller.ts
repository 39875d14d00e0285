import { Controller, Get, HttpCode, HttpStatus, Logger, Param, Post } from '@nestjs/common';
import { StaffOnly } from '../common/auth/staff.guard.js';
import { ProjectionRebuilder } from './projection-rebuilder.js';
import { ProjectionsService } from './projections.service.js';

@Controller('admin/projections')
@StaffOnly()
export class ProjectionsAdminController {
  private readonly logger = new Logger(ProjectionsAdminController.name);

  constructor(
    private readonly projections: ProjectionsService,
    private readonly rebuilder: ProjectionRebuilder,
  ) {}

  @Get()
  list() {
    return this.projections.describe();
  }

  /** Starts the rebuild and answers at once; GET /admin/projections shows it until it is swapped in. */
  @Post(':name/rebuild')
  @HttpCode(HttpStatus.ACCEPTED)
  rebuild(@Param('name') name: string) {
    this.projections.runner(name);
    if (this.projections.isRebuilding(name)) {
      return this.rebuilder.rebuild(name);
    }
    this.rebuilder.rebuild(name).catch((error: Error) => this.logger.error(`Rebuild of ${name} failed: ${error.message}`));
    return { name, status: 'rebuilding' };
  }
}
