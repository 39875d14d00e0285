import { Module } from '@nestjs/common';
import { AuthModule } from '../common/auth/auth.module.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { LiveEventsService } from './live-events.service.js';
import { LiveStreamController } from './live-stream.controller.js';

/** Live screens: GET /events/stream, fed by the event feed. */
@Module({
  // Projections: its ReadRouter, which reads a resuming client's catch-up from a replica.
  imports: [AuthModule, ProjectionsModule],
  controllers: [LiveStreamController],
  providers: [LiveEventsService],
  exports: [LiveEventsService],
})
export class LiveModule {}
