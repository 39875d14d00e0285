import { Injectable } from '@nestjs/common';
import type { EventClass, StorableEvent } from './event-types.js';
import { UnknownEventTypeError } from './event-store.errors.js';
import { JSON_SCHEMA_DIALECT, validate, type JsonSchema } from './json-schema.js';

// One stored shape to the next: the registry knows neither, each upcaster its own two.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Upcaster = (data: any) => unknown;

interface Registration {
  readonly eventClass: EventClass;
  /** upcasters[v] turns data stored at schema version v into version v + 1. */
  readonly upcasters: Map<number, Upcaster>;
  /** schemas[v]: the JSON Schema of the data as stored at schema version v, for every version that can be read. */
  readonly schemas: Map<number, JsonSchema>;
}

export interface EventSchema {
  readonly type: string;
  readonly schemaVersion: number;
  /** The version new events are written at and readers (webhooks included) receive. */
  readonly current: boolean;
  /** Stored data of an older version is upcast to this one when it is read. */
  readonly upcastTo?: number;
  readonly schema: JsonSchema;
}

/**
 * Event types under their explicit, stable names. Stored data of an older schema
 * version is carried forward through a chain of upcasters on read, so the domain
 * only ever sees the current shape.
 */
@Injectable()
export class EventRegistry {
  private readonly types = new Map<string, Registration>();

  register(eventClass: EventClass, upcasters: Record<number, Upcaster> = {}, schemas: Record<number, JsonSchema> = {}): void {
    const existing = this.types.get(eventClass.type);
    if (existing && existing.eventClass !== eventClass) {
      throw new Error(`Event type ${eventClass.type} is registered twice`);
    }
    const chain = new Map(Object.entries(upcasters).map(([from, fn]) => [Number(from), fn]));
    const oldest = Math.min(...chain.keys());
    for (let v = oldest; v < eventClass.schemaVersion; v++) {
      if (!chain.has(v)) throw new Error(`Event type ${eventClass.type} has no upcaster from v${v}`);
    }
    this.types.set(eventClass.type, { eventClass, upcasters: chain, schemas: checkedSchemas(eventClass, chain, schemas) });
  }

  registerAll(
    eventClasses: readonly EventClass[],
    upcasters: Record<string, Record<number, Upcaster>> = {},
    schemas: Record<string, Record<number, JsonSchema>> = {},
  ): void {
    for (const eventClass of eventClasses) this.register(eventClass, upcasters[eventClass.type], schemas[eventClass.type]);
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

  /** Every registered schema, newest version of each type first: what GET /events/schemas publishes. */
  schemas(): EventSchema[] {
    return [...this.types.values()]
      .sort((a, b) => a.eventClass.type.localeCompare(b.eventClass.type))
      .flatMap(({ eventClass, schemas }) =>
        [...schemas.entries()]
          .sort(([a], [b]) => b - a)
          .map(([schemaVersion, schema]) => ({
            type: eventClass.type,
            schemaVersion,
            current: schemaVersion === eventClass.schemaVersion,
            ...(schemaVersion === eventClass.schemaVersion ? {} : { upcastTo: eventClass.schemaVersion }),
            schema,
          })),
      );
  }

  /** How stored data breaks the schema of its type and version; empty when it conforms (or no schema is registered). */
  validate(type: string, schemaVersion: number, data: unknown): string[] {
    const registration = this.types.get(type);
    if (!registration) return [`no event type ${type} is registered`];
    if (registration.schemas.size === 0) return [];
    if (!registration.schemas.has(schemaVersion)) return [`${type} v${schemaVersion} has no schema`];
    return validate(registration.schemas.get(schemaVersion)!, data);
  }
}

/**
 * Schemas are optional per type, but a type that has them must describe every
 * version it can be read at (the current one and each one an upcaster starts
 * from), and nothing else, so the published list matches what the store accepts.
 */
function checkedSchemas(
  eventClass: EventClass,
  upcasters: Map<number, Upcaster>,
  schemas: Record<number, JsonSchema>,
): Map<number, JsonSchema> {
  const given = new Map(Object.entries(schemas).map(([version, schema]) => [Number(version), schema]));
  if (given.size === 0) return given;
  const readable = new Set([eventClass.schemaVersion, ...upcasters.keys()]);
  for (const version of readable) {
    if (!given.has(version)) throw new Error(`Event type ${eventClass.type} has no schema for v${version}`);
  }
  const published = new Map<number, JsonSchema>();
  for (const [version, schema] of given) {
    if (!readable.has(version)) throw new Error(`Event type ${eventClass.type} has a schema for v${version}, which it can not read`);
    published.set(version, {
      $schema: JSON_SCHEMA_DIALECT,
      $id: `urn:pizzeria:event:${eventClass.type}:v${version}`,
      title: `${eventClass.type} v${version}`,
      ...schema,
    });
  }
  return published;
}
