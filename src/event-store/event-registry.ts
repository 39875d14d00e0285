import { Injectable } from '@nestjs/common';
import type { EventClass, StorableEvent } from './event-types.js';
import { UnknownEventTypeError } from './event-store.errors.js';

export type Upcaster = (data: any) => any;

interface Registration {
  readonly eventClass: EventClass;
  /** upcasters[v] turns data stored at schema version v into version v + 1. */
  readonly upcasters: Map<number, Upcaster>;
}

/**
 * Event types under their explicit, stable names. Stored data of an older schema
 * version is carried forward through a chain of upcasters on read, so the domain
 * only ever sees the current shape.
 */
@Injectable()
export class EventRegistry {
  private readonly types = new Map<string, Registration>();

  register(eventClass: EventClass, upcasters: Record<number, Upcaster> = {}): void {
    const existing = this.types.get(eventClass.type);
    if (existing && existing.eventClass !== eventClass) {
      throw new Error(`Event type ${eventClass.type} is registered twice`);
    }
    const chain = new Map(Object.entries(upcasters).map(([from, fn]) => [Number(from), fn]));
    const oldest = Math.min(...chain.keys());
    for (let v = oldest; v < eventClass.schemaVersion; v++) {
      if (!chain.has(v)) throw new Error(`Event type ${eventClass.type} has no upcaster from v${v}`);
    }
    this.types.set(eventClass.type, { eventClass, upcasters: chain });
  }

  registerAll(eventClasses: readonly EventClass[], upcasters: Record<string, Record<number, Upcaster>> = {}): void {
    for (const eventClass of eventClasses) this.register(eventClass, upcasters[eventClass.type]);
  }

  typeOf(event: StorableEvent): { type: string; schemaVersion: number } {
    const eventClass = event.constructor as EventClass;
    const registration = this.types.get(eventClass.type);
    if (!registration || registration.eventClass !== eventClass) {
      throw new UnknownEventTypeError(String(eventClass.type ?? eventClass.name), eventClass.schemaVersion);
    }
    return { type: eventClass.type, schemaVersion: eventClass.schemaVersion };
  }

  /** Rebuilds an instance of the registered class from stored data, upcasting it first. */
  revive(type: string, storedSchemaVersion: number, data: unknown): StorableEvent {
    const registration = this.types.get(type);
    if (!registration || storedSchemaVersion > registration.eventClass.schemaVersion || storedSchemaVersion < 1) {
      throw new UnknownEventTypeError(type, storedSchemaVersion);
    }
    let current = data;
    for (let v = storedSchemaVersion; v < registration.eventClass.schemaVersion; v++) {
      const upcast = registration.upcasters.get(v);
      if (!upcast) throw new UnknownEventTypeError(type, v);
      current = upcast(current);
    }
    return new registration.eventClass(current);
  }

  registeredTypes(): { type: string; schemaVersion: number; upcastFrom: number[] }[] {
    return [...this.types.values()].map(({ eventClass, upcasters }) => ({
      type: eventClass.type,
      schemaVersion: eventClass.schemaVersion,
      upcastFrom: [...upcasters.keys()].sort((a, b) => a - b),
    }));
  }
}
