import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATUSES = ['starting', 'standby', 'catching-up', 'live', 'failed', 'stopped', 'running-elsewhere', 'rebuilding'];

/** GET /admin/projections, as the OpenAPI document shows it (ProjectionsService.describe() builds it). */
export class ProjectionInfoView {
  @ApiProperty({ example: 'order-details' })
  name!: string;

  @ApiProperty({ description: 'Global log position applied up to', example: 1043 })
  position!: number;

  @ApiProperty({ description: 'Events in the log not applied yet', example: 0 })
  lagEvents!: number;

  @ApiProperty({ enum: STATUSES, example: 'live' })
  status!: string;

  @ApiProperty({ description: 'Whether this instance holds the projection lock', example: true })
  runsHere!: boolean;

  @ApiPropertyOptional({ description: 'Why the last batch failed, while it is being retried', example: 'deadlock detected' })
  lastError?: string;
}

export class RebuildStartedView {
  @ApiProperty({ example: 'order-details' })
  name!: string;

  @ApiProperty({ enum: ['rebuilding'], example: 'rebuilding' })
  status!: string;
}
