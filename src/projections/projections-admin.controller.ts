import { Controller, Get, HttpCode, HttpStatus, Logger, Param, Post } from '@nestjs/common';
import { Idempotent } from '../common/idempotency/idempotency.interceptor.js';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../common/auth/staff.guard.js';
import { ApiErrors } from '../common/errors/api-error-responses.js';
import { ProjectionInfoView, RebuildStartedView } from './projection-info.dto.js';
import { ProjectionRebuilder } from './projection-rebuilder.js';
import { ProjectionsService } from './projections.service.js';

@ApiTags('operations')
@Idempotent()
@Controller('admin/projections')
@StaffOnly('manager')
export class ProjectionsAdminController {
  private readonly logger = new Logger(ProjectionsAdminController.name);

  constructor(
    private readonly projections: ProjectionsService,
    private readonly rebuilder: ProjectionRebuilder,
  ) {}

  @Get()
  @ApiOperation({ summary: "Every projection's position, lag and status (staff)" })
  @ApiOkResponse({ type: [ProjectionInfoView] })
  @ApiErrors('DATABASE_UNAVAILABLE')
  list() {
    return this.projections.describe();
  }

  /** Starts the rebuild and answers at once; GET /admin/projections shows it until it is swapped in. */
  @Post(':name/rebuild')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Rebuild a read model from the whole log and swap it in (staff)',
    description:
      'Answers at once; the live table keeps serving until the rebuilt copy is swapped in. Follow it on GET /admin/projections or the pizzeria_projection_rebuild_* metrics.',
  })
  @ApiParam({ name: 'name', description: 'A projection name from GET /admin/projections', example: 'order-details' })
  @ApiAcceptedResponse({ type: RebuildStartedView })
  @ApiErrors('PROJECTION_NOT_FOUND', 'REBUILD_IN_PROGRESS', 'DATABASE_UNAVAILABLE')
  rebuild(@Param('name') name: string) {
    this.projections.runner(name);
    if (this.projections.isRebuilding(name)) {
      return this.rebuilder.rebuild(name);
    }
    this.rebuilder.rebuild(name).catch((error: Error) => this.logger.error(`Rebuild of ${name} failed: ${error.message}`));
    return { name, status: 'rebuilding' };
  }
}
