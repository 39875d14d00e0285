import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventFeed } from '../event-store/event-feed.js';
import { CustomerDataErased } from './personal-data-events.js';
import { PersonalData } from './personal-data.js';

/**
 * Every instance forgets an erased customer's keys as soon as its event feed
 * delivers CustomerDataErased, whichever instance erased them; the key cache's
 * TTL is the backstop for a feed that is behind.
 */
@Injectable()
export class ErasureListener implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly feed: EventFeed,
    private readonly personalData: PersonalData,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.feed.subscribe((envelope) => {
      if (envelope.event instanceof CustomerDataErased) this.personalData.evict(envelope.event.data.keyIds);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
