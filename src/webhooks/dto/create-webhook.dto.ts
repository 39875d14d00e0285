import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { MayBeOmitted } from '../../common/http/may-be-omitted.js';

export class CreateWebhookDto {
  @ApiProperty({
    description: 'Where deliveries are POSTed: http or https, to a host WEBHOOK_ALLOWED_HOSTS allows (by default any public host)',
    maxLength: 2048,
    example: 'https://hooks.example.com/pizzeria',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    description: 'Event types to deliver (see GET /events/schemas), or ["*"] for all',
    type: [String],
    example: ['OrderConfirmed', 'OrderCancelled'],
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'eventTypes must name at least one event type, or "*" for all' })
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({
    description:
      'Deliver from the event at this log position on; 0 replays the whole log. Without it, only events after registration are delivered.',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 0,
  })
  @MayBeOmitted()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  fromPosition?: number;
}
