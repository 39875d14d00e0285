import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventStore } from '../../event-store/event-store.js';
import { Metrics } from './metrics.js';

/** Counts appends by event type and the size of each batch the store writes, as the store reports them. */
@Injectable()
export class StoreMetrics implements OnModuleInit {
  constructor(
    private readonly store: EventStore,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.store.observe({
      appended: (types) => this.metrics.appended(types),
      batchWritten: (size) => this.metrics.appendBatch(size),
    });
  }
}
