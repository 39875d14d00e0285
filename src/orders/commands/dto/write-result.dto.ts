import { ApiProperty } from '@nestjs/swagger';

/** What every write answers (the OpenAPI schema of WriteResult); the same version is in the ETag header. */
export class WriteResultDto {
  @ApiProperty({ format: 'uuid', example: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b' })
  orderId!: string;

  @ApiProperty({ description: "The order stream's version after the write", example: 2 })
  version!: number;

  @ApiProperty({
    description: 'Global event-log position of the last event written: pass it as minPosition to read your write',
    example: 1043,
  })
  position!: number;
}
