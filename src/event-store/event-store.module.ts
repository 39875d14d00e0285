import { Global, Module } from '@nestjs/common';
import { EventRegistry } from './event-registry.js';
import { EventStore } from './event-store.js';

@Global()
@Module({
  providers: [EventRegistry, EventStore],
  exports: [EventRegistry, EventStore],
})
export class EventStoreModule {}
