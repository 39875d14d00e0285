import { EventsHandler } from '@nestjs/cqrs';
import { ProjectionEventHandler } from '../../projections/projection-event.handler.js';
import { ProjectionsService } from '../../projections/projections.service.js';
import { ORDER_EVENT_CLASSES } from '../domain/order-events.js';
import { ANALYTICS } from './analytics.projection.js';
import { KITCHEN_QUEUE } from './kitchen-queue.projection.js';
import { ORDER_DETAILS } from './order-details.projection.js';

@EventsHandler(...ORDER_EVENT_CLASSES)
export class OrderDetailsEventHandler extends ProjectionEventHandler {
  protected readonly projectionName = ORDER_DETAILS;
  constructor(projections: ProjectionsService) {
    super(projections);
  }
}

@EventsHandler(...ORDER_EVENT_CLASSES)
export class KitchenQueueEventHandler extends ProjectionEventHandler {
  protected readonly projectionName = KITCHEN_QUEUE;
  constructor(projections: ProjectionsService) {
    super(projections);
  }
}

@EventsHandler(...ORDER_EVENT_CLASSES)
export class AnalyticsEventHandler extends ProjectionEventHandler {
  protected readonly projectionName = ANALYTICS;
  constructor(projections: ProjectionsService) {
    super(projections);
  }
}
