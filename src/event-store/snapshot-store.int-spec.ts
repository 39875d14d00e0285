import type { DatabaseFixture } from '../../test/support/database-fixture.js';
import { useEventStore } from '../../test/support/event-store-fixture.js';
import type { EventRegistry } from './event-registry.js';
import { SnapshotStore } from './snapshot-store.js';

describe('SnapshotStore on PostgreSQL', () => {
  const eventStore = useEventStore();
  let fixture: DatabaseFixture;
  let registry: EventRegistry;

  beforeAll(() => {
    ({ fixture, registry } = eventStore);
  });

  it('keeps only the newest snapshot of a stream', async () => {
    const snapshots = new SnapshotStore(fixture.db, registry);
    const newest = async () => (await snapshots.readFromSnapshot('snap', 1)).snapshot;
    await snapshots.writeSnapshot({ streamId: 'snap', version: 10, type: 'Thing', schemaVersion: 1, state: { n: 10 } });
    await snapshots.writeSnapshot({ streamId: 'snap', version: 5, type: 'Thing', schemaVersion: 1, state: { n: 5 } });
    expect(await newest()).toMatchObject({ version: 10, state: { n: 10 } });
    await snapshots.writeSnapshot({ streamId: 'snap', version: 20, type: 'Thing', schemaVersion: 1, state: { n: 20 } });
    expect(await newest()).toMatchObject({ version: 20, state: { n: 20 } });
  });
});
