import { performance } from 'node:perf_hooks';
import { PICKUP_ORDER } from './support/order-bodies.js';
import { recordMeasurement, waitUntil } from './support/projection-helpers.js';
import {
  MIXED_ORDER,
  PROJECTIONS,
  WALKS,
  expectEqualToRebuild,
  place,
  projections,
  rebuildAll,
  step,
  walk,
} from './support/read-model-replay.js';
import { startSibling } from './support/sibling-app.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

describe('read models in two app instances', () => {
  it('runs each projection in exactly one of two instances, serves both, and moves them all when that one closes', async () => {
    const first = await startTestApp({ projectionLockRetryMs: 50 });
    let second: TestApp | undefined;
    let firstOpen = true;
    try {
      second = await startSibling(first);
      const both = [first, second];
      const lists = await Promise.all(both.map(projections));
      for (const name of PROJECTIONS) {
        const here = lists.map((list) => list.find((p) => p.name === name)!);
        expect({ name, runsHere: here.map((p) => p.runsHere).filter(Boolean).length }).toEqual({ name, runsHere: 1 });
        expect(here.find((p) => !p.runsHere)!.status).toBe('running-elsewhere');
      }
      // The first instance was up before the second started, so it took every lock.
      expect(lists[0].map((p) => p.runsHere)).toEqual([true, true, true]);

      // Written through one instance, read through the other with the write's position.
      for (let i = 0; i < 4; i++) {
        const writer = both[i % 2];
        const reader = both[(i + 1) % 2];
        const placed = await place(writer, i % 2 ? PICKUP_ORDER : MARGHERITA_ORDER);
        const read = await reader.http().get(`/orders/${placed.orderId}?minPosition=${placed.position}`);
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({ orderId: placed.orderId, status: 'PENDING', version: 1 });
        const confirmed = await step(reader, placed.orderId, ['confirm']);
        const queue = await writer.http().get(`/kitchen/queue?minPosition=${confirmed.position}`).set(writer.staff);
        expect(queue.status).toBe(200);
        expect(queue.body.map((ticket: { orderId: string }) => ticket.orderId)).toContain(placed.orderId);
      }

      // Rebuilt from the instance where the projections do not run, while writes go on through the other.
      let writing = true;
      let walked = 0;
      const writes = (async () => {
        for (let i = 0; writing; i++) {
          await walk(first, WALKS[i % WALKS.length]);
          walked++;
        }
      })();
      try {
        await waitUntil(() => walked > 0, { what: 'the writes are under way' });
        await rebuildAll(second);
      } finally {
        writing = false;
        await writes;
      }
      await expectEqualToRebuild(first);

      const closing = performance.now();
      await first.app.close();
      firstOpen = false;
      await waitUntil(async () => (await projections(second!)).every((p) => p.runsHere), {
        what: 'the second instance runs every projection',
      });
      recordMeasurement('app takeover of all projections after close()', performance.now() - closing);

      const after = await walk(second, WALKS[3]);
      const read = await second.http().get(`/orders/${after.orderId}?minPosition=${after.position}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'PICKED_UP', discountCode: 'PIZZA20', version: 7 });
      const stillOpen = await place(second, MIXED_ORDER);
      const confirmed = await step(second, stillOpen.orderId, ['confirm']);
      const queue = await second.http().get(`/kitchen/queue?minPosition=${confirmed.position}`).set(second.staff);
      expect(queue.body.map((ticket: { orderId: string }) => ticket.orderId)).toContain(stillOpen.orderId);

      const live = await expectEqualToRebuild(second);
      expect(live.order_details).toHaveLength(6 + walked);
    } finally {
      await second?.close();
      if (firstOpen) await first.app.close();
      await first.database.drop();
    }
  });
});
