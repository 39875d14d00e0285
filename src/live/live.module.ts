import { Module } from '@nestjs/common';
import { AuthModule } from '../common/auth/auth.module.js';
import { LiveEventsService } from './live-events.service.js';
import { LiveStreamController } from './live-stream.controller.js';

/** Live screens: GET /events/stream, fed by the event feed. */
@Module({
  imports: [AuthModule],
  controllers: [LiveStreamController],
  providers: [LiveEventsService],
  exports: [LiveEventsService],
})
export class LiveModule {}
