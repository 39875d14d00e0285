import { Global, Module } from '@nestjs/common';
import { EventFeed } from './event-feed.js';
import { EventRegistry } from './event-registry.js';
import { EventStore } from './event-store.js';
import { LogNotifier } from './log-notifier.js';
import { SnapshotStore } from './snapshot-store.js';

/**
 * The event log: the store, the registry of event types, and the one reader of
 * the log per instance (EventFeed, woken through LogNotifier) that every
 * subscription is fed from. Global: it is the infrastructure every module stands on.
 */
@Global()
@Module({
  providers: [EventRegistry, EventStore, SnapshotStore, LogNotifier, EventFeed],
  exports: [EventRegistry, EventStore, SnapshotStore, LogNotifier, EventFeed],
})
export class EventStoreModule {}
