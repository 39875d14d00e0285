import { compareCheckpoints, type LogCheckpoint, type RecordedEvent } from '../event-store/event-types.js';
import type { FeedEnvelope } from '../event-store/event-envelope.js';
import type { EventStore } from '../event-store/event-store.js';
import { LogCursor, StreamCursor } from '../event-store/subscription/subscription-cursor.js';
import { liveSubscription } from './live-subscription.js';

/** The store's log in commit-safe (transaction id, position) order, held in memory. */
class FakeLog {
  readonly events: RecordedEvent[] = [];
  reads = 0;

  add(transactionId: number, position: number, streamId = 'order-a'): RecordedEvent {
    const version = this.events.filter((event) => event.streamId === streamId).length + 1;
    const event: RecordedEvent = {
      eventId: `e${position}`,
      streamId,
      version,
      position,
      transactionId: String(transactionId),
      type: 'Something',
      storedSchemaVersion: 1,
      occurredAt: '2026-11-22T18:00:00.000Z',
      metadata: {},
      event: { data: { position } },
    };
    this.events.push(event);
    this.events.sort((a, b) => compareCheckpoints(a, b));
    return event;
  }

  get store(): EventStore {
    return {
      readAll: async (after: LogCheckpoint, limit: number) => {
        this.reads++;
        return this.events.filter((e) => compareCheckpoints(e, after) > 0).slice(0, limit);
      },
      readStream: async (streamId: string, options: { fromVersion?: number } = {}) =>
        this.events.filter((e) => e.streamId === streamId && e.version >= (options.fromVersion ?? 1)).sort((a, b) => a.version - b.version),
    } as unknown as EventStore;
  }
}

/** What the feed publishes: the event and the checkpoint of the one it published before. */
function published(event: RecordedEvent, previous: RecordedEvent | LogCheckpoint): FeedEnvelope {
  return { ...event, previous: { transactionId: previous.transactionId, position: previous.position } };
}

function subscriber(streamId?: string) {
  const sent: number[] = [];
  const failures: string[] = [];
  const subscription = liveSubscription(
    streamId,
    async (event) => {
      sent.push(event.position);
    },
    (error) => failures.push(error.message),
  );
  return { subscription, sent, failures };
}

/** A log of one event, and a subscriber that has replayed it and gone live. */
async function liveAfterOneEvent() {
  const log = new FakeLog();
  const e1 = log.add(101, 1);
  const live = subscriber();
  await live.subscription.start(new LogCursor(log.store, e1));
  await live.subscription.settled();
  return { log, e1, ...live };
}

describe('LiveSubscription: from replay to live without gaps or repeats', () => {
  it('replays after the resume point, then drops the live events the replay already sent', async () => {
    const log = new FakeLog();
    const [, e2, e3, e4, e5] = [1, 2, 3, 4, 5].map((n) => log.add(100 + n, n));
    const { subscription, sent } = subscriber();

    // Published while the resume point was being looked up: they wait in the inbox.
    subscription.offer(published(e4, e3));
    subscription.offer(published(e5, e4));
    await subscription.start(new LogCursor(log.store, e2));
    await subscription.settled();

    expect(sent).toEqual([3, 4, 5]);
    // One page and the empty read that ends the replay; the overlap is dropped without going back to the store.
    expect(log.reads).toBe(2);
  });

  it('sends live events straight on while each follows the last one sent', async () => {
    const { log, e1, subscription, sent } = await liveAfterOneEvent();

    const e2 = log.add(102, 2);
    const e3 = log.add(103, 3);
    subscription.offer(published(e2, e1));
    subscription.offer(published(e3, e2));
    await subscription.settled();
    expect(sent).toEqual([2, 3]);
  });

  it('reads the store again when a live event does not follow on, and sends what was missing first', async () => {
    const { log, subscription, sent } = await liveAfterOneEvent();

    log.add(102, 2);
    const e3 = log.add(103, 3);
    const e4 = log.add(104, 4);
    // e2 and e3 never came through the bus here.
    subscription.offer(published(e4, e3));
    await subscription.settled();
    expect(sent).toEqual([2, 3, 4]);
  });

  it('follows the log order, where a later position can come first', async () => {
    const log = new FakeLog();
    log.add(100, 1);
    // Transaction 101 took its id first and wrote position 3; transaction 102 wrote position 2 and committed sooner.
    const slow = log.add(101, 3);
    const fast = log.add(102, 2);
    const { subscription, sent } = subscriber();
    subscription.offer(published(fast, slow));
    await subscription.start(new LogCursor(log.store, slow));
    await subscription.settled();
    expect(sent).toEqual([2]);
  });

  it("keeps to one order's stream, by version, and re-reads only that stream across a gap", async () => {
    const log = new FakeLog();
    const a1 = log.add(101, 1, 'order-a');
    log.add(102, 2, 'order-b');
    const { subscription, sent } = subscriber('order-a');
    await subscription.start(new StreamCursor(log.store, 'order-a', 1));
    await subscription.settled();

    const a2 = log.add(103, 3, 'order-a');
    const b2 = log.add(104, 4, 'order-b');
    const a3 = log.add(105, 5, 'order-a');
    subscription.offer(published(b2, a2));
    subscription.offer(published(a3, b2));
    await subscription.settled();
    expect(sent).toEqual([3, 5]);

    subscription.offer(published(a2, a1));
    await subscription.settled();
    expect(sent).toEqual([3, 5]);
  });

  it('keeps sending in order while an earlier send is still waiting on a slow client', async () => {
    const log = new FakeLog();
    const e1 = log.add(101, 1);
    const sent: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const subscription = liveSubscription(
      undefined,
      async (event) => {
        if (event.position === 2) await gate;
        sent.push(event.position);
      },
      () => undefined,
    );
    await subscription.start(new LogCursor(log.store, e1));
    await subscription.settled();
    const e2 = log.add(102, 2);
    const e3 = log.add(103, 3);
    subscription.offer(published(e2, e1));
    subscription.offer(published(e3, e2));
    release();
    await subscription.settled();
    expect(sent).toEqual([2, 3]);
  });

  it('gives up (and the client reconnects) when a published event is not in the store', async () => {
    const { e1, subscription, sent, failures } = await liveAfterOneEvent();
    const ghost: RecordedEvent = { ...e1, position: 9, transactionId: '109', eventId: 'ghost' };
    subscription.offer(published(ghost, { transactionId: '108', position: 8 }));
    await subscription.settled();
    expect(sent).toEqual([]);
    expect(failures).toEqual(['event at position 9 was published but is not in the store']);
  });

  it('cuts off a subscriber whose backlog grows too long, instead of holding it all in memory', () => {
    const log = new FakeLog();
    const e1 = log.add(101, 1);
    const { subscription, failures } = subscriber();
    for (let i = 0; i < 10_001; i++) subscription.offer(published({ ...e1, position: i + 2 }, e1));
    expect(failures).toEqual(['the client fell too far behind']);
  });
});
