import type { IEventHandler } from '@nestjs/cqrs';
import type { StorableEvent } from '../event-store/event-types.js';
import type { ProjectionsService } from './projections.service.js';

/**
 * The EventBus end of a projection: an @EventsHandler that hands each event to
 * its projection's runner, which orders, checkpoints and retries it.
 */
export abstract class ProjectionEventHandler implements IEventHandler<StorableEvent> {
  protected abstract readonly projectionName: string;

  constructor(protected readonly projections: ProjectionsService) {}

  handle(event: StorableEvent): void {
    this.projections.deliver(this.projectionName, event);
  }
}
