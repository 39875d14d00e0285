import { Module } from '@nestjs/common';
import { LiveEventsService } from './live-events.service.js';
import { LiveStreamController } from './live-stream.controller.js';

/** Live screens: GET /events/stream, fed by the event feed. */
@Module({
  controllers: [LiveStreamController],
  providers: [LiveEventsService],
  exports: [LiveEventsService],
})
export class LiveModule {}
