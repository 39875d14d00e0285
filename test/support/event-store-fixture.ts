import { EventRegistry } from '../../src/event-store/event-registry.js';
import { EventStore } from '../../src/event-store/event-store.js';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from '../../src/event-store/event-types.js';
import { openDatabaseFixture, type DatabaseFixture } from './database-fixture.js';

export class ThingHappened {
  static readonly type = 'ThingHappened';
  static readonly schemaVersion = 1;
  constructor(readonly data: { n: number }) {}
}

/** v1 had `label`; v2 renamed it `name`; v3 added `colour`. */
export class ThingRenamed {
  static readonly type = 'ThingRenamed';
  static readonly schemaVersion = 3;
  constructor(readonly data: { name: string; colour: string }) {}
}

/**
 * A database of its own for the enclosing describe, and an event store on it
 * that knows ThingHappened and ThingRenamed (with ThingRenamed's upcasters).
 * `fixture`, `store` and `registry` are there once the describe's beforeAll has run.
 */
export function useEventStore() {
  let fixture: DatabaseFixture;
  let store: EventStore;
  let registry: EventRegistry;

  beforeAll(async () => {
    fixture = await openDatabaseFixture();
    registry = new EventRegistry();
    registry.register(ThingHappened);
    registry.register(ThingRenamed, {
      1: ({ label }: { label: string }) => ({ name: label }),
      2: (data: { name: string }) => ({ ...data, colour: 'red' }),
    });
    store = new EventStore(fixture.db, registry);
  });

  afterAll(() => fixture.close());

  async function readEverything(from: LogCheckpoint = LOG_START): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    let after = from;
    for (;;) {
      const page = await store.readAll(after, 100);
      if (page.length === 0) return all;
      all.push(...page);
      const last = page[page.length - 1];
      after = { transactionId: last.transactionId, position: last.position };
    }
  }

  return {
    get fixture(): DatabaseFixture {
      return fixture;
    },
    get store(): EventStore {
      return store;
    },
    get registry(): EventRegistry {
      return registry;
    },
    readEverything,
  };
}
