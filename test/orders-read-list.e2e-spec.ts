import { ids } from './support/order-read-views.js';
import { expectError, expectValidationError } from './support/orders-helpers.js';
import { command, forgedCursor, orderBody, place, readOrder, staffGet, uniquePhone, type Written } from './support/read-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders read side (e2e)', () => {
  const t = useTestApp();

  // An order placed before any test's own, so that the newest orders of the whole list do not
  // fill it: in orders-read.e2e-spec.ts, before the split, the tests run earlier had placed them.
  beforeAll(async () => {
    await place(t, MARGHERITA_ORDER);
  });

  describe('GET /orders', () => {
    it('is for staff only', async () => {
      expectError(await t.http().get('/orders'), 401, 'STAFF_TOKEN_MISSING');
      expectError(await t.http().get('/orders').set('Authorization', 'Bearer test-staff-token-0123456780'), 403, 'STAFF_TOKEN_INVALID');
    });

    it('lists orders newest first, as { items, nextCursor }, in the order read model’s shape', async () => {
      const phone = uniquePhone();
      const written: Written[] = [];
      for (let i = 0; i < 3; i++) written.push(await place(t, orderBody(phone)));
      const last = written[written.length - 1];

      const res = await staffGet(t, '/orders', { limit: 3, minPosition: last.position });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
      expect(ids(res.body.items)).toEqual(written.map((w) => w.orderId).reverse());
      expect(res.body.nextCursor).toEqual(expect.any(String));

      const single = await readOrder(t, last.orderId, last.position);
      expect(res.body.items[0]).toEqual(single);
      const times = res.body.items.map((item: { placedAt: string }) => Date.parse(item.placedAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('filters by one status and by several, comma-separated', async () => {
      const phone = uniquePhone();
      const pending = await place(t, orderBody(phone));
      const confirmed = await place(t, orderBody(phone));
      const cooking = await place(t, orderBody(phone));
      const cancelled = await place(t, orderBody(phone));
      await command(t, confirmed.orderId, 'confirm');
      await command(t, cooking.orderId, 'confirm');
      await command(t, cooking.orderId, 'pay', { method: 'card' });
      const last = await command(t, cancelled.orderId, 'cancel', { reason: 'mistake' });
      const list = (query: Record<string, string | number>) => staffGet(t, '/orders', { phone, minPosition: last.position, ...query });

      const all = await list({});
      expect(ids(all.body.items)).toEqual([cancelled, cooking, confirmed, pending].map((w) => w.orderId));
      expect(all.body.items.map((item: { status: string }) => item.status)).toEqual(['CANCELLED', 'COOKING', 'CONFIRMED', 'PENDING']);

      expect(ids((await list({ status: 'CONFIRMED' })).body.items)).toEqual([confirmed.orderId]);
      expect(ids((await list({ status: 'PENDING' })).body.items)).toEqual([pending.orderId]);
      expect(ids((await list({ status: 'CONFIRMED,COOKING' })).body.items)).toEqual([cooking.orderId, confirmed.orderId]);
      expect(ids((await list({ status: 'CANCELLED,PENDING' })).body.items)).toEqual([cancelled.orderId, pending.orderId]);
      expect((await list({ status: 'DELIVERED' })).body).toEqual({ items: [], nextCursor: null });

      const everyCancelled = await staffGet(t, '/orders', { status: 'CANCELLED', limit: 100, minPosition: last.position });
      expect(everyCancelled.status).toBe(200);
      expect(ids(everyCancelled.body.items)).toContain(cancelled.orderId);
      expect(new Set(everyCancelled.body.items.map((item: { status: string }) => item.status))).toEqual(new Set(['CANCELLED']));
    });

    it('refuses an unknown status', async () => {
      expectValidationError(await staffGet(t, '/orders', { status: 'BURNT' }), /status/);
      expectValidationError(await staffGet(t, '/orders', { status: 'CONFIRMED,' }), /status/);
    });

    it('matches a phone by its digits, whatever the formatting on either side', async () => {
      const spaced = await place(t, orderBody('+34 655-321-987'));
      const compact = await place(t, orderBody('+34655321987'));
      const other = await place(t, orderBody('+34 655-321-988'));
      for (const query of ['+34655321987', '+34 655-321-987', '34 655 321 987', '+34 (655) 321.987']) {
        const res = await staffGet(t, '/orders', { phone: query, minPosition: other.position });
        expect({ query, status: res.status }).toEqual({ query, status: 200 });
        expect({ query, ids: ids(res.body.items) }).toEqual({ query, ids: [compact.orderId, spaced.orderId] });
      }
      const res = await staffGet(t, '/orders', { phone: '+34 655 321 988', minPosition: other.position });
      expect(ids(res.body.items)).toEqual([other.orderId]);
      // Stored in E.164, whatever the customer typed.
      expect(res.body.items[0].customer.phone).toBe('+34655321988');
    });

    it('limits the page, and refuses a limit below 1, above 100 or not a whole number', async () => {
      const phone = uniquePhone();
      const written: Written[] = [];
      for (let i = 0; i < 3; i++) written.push(await place(t, orderBody(phone)));
      const minPosition = written[2].position;

      const two = await staffGet(t, '/orders', { phone, limit: 2, minPosition });
      expect(ids(two.body.items)).toEqual([written[2].orderId, written[1].orderId]);
      expect(two.body.nextCursor).toEqual(expect.any(String));
      const hundred = await staffGet(t, '/orders', { phone, limit: 100, minPosition });
      expect(hundred.status).toBe(200);
      expect(hundred.body.items).toHaveLength(3);
      expect(hundred.body.nextCursor).toBeNull();

      for (const limit of ['0', '101', '-1', '2.5', 'ten']) {
        const res = await staffGet(t, '/orders', { limit });
        expect({ limit, status: res.status }).toEqual({ limit, status: 400 });
        expectValidationError(res, /limit/);
      }
    });

    describe('cursor pagination', () => {
      const phone = uniquePhone();
      const placedOrder: string[] = [];
      let head = 0;

      beforeAll(async () => {
        for (let i = 0; i < 25; i++) {
          const written = await place(t, orderBody(phone));
          placedOrder.push(written.orderId);
          head = written.position;
        }
      });

      async function walk(limit: number): Promise<{ pages: string[][]; cursors: Array<string | null> }> {
        const pages: string[][] = [];
        const cursors: Array<string | null> = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 30; guard++) {
          const res = await staffGet(t, '/orders', { phone, limit, minPosition: head, ...(cursor ? { cursor } : {}) });
          expect(res.status).toBe(200);
          pages.push(ids(res.body.items));
          cursors.push(res.body.nextCursor);
          if (res.body.nextCursor === null) break;
          cursor = res.body.nextCursor;
        }
        return { pages, cursors };
      }

      it('gives every order exactly once, newest first, in pages of 10 and a last one of 5', async () => {
        const { pages, cursors } = await walk(10);
        expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
        expect(cursors.map((cursor) => (cursor === null ? null : 'cursor'))).toEqual(['cursor', 'cursor', null]);
        expect(pages.flat()).toEqual([...placedOrder].reverse());
      });

      it('ends with nextCursor null when the last page is exactly full', async () => {
        const { pages, cursors } = await walk(5);
        expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 5]);
        expect(cursors[4]).toBeNull();
        expect(pages.flat()).toEqual([...placedOrder].reverse());
      });

      it('is not shifted by an order placed between two pages', async () => {
        const first = await staffGet(t, '/orders', { phone, limit: 10, minPosition: head });
        const newer = await place(t, orderBody(phone));
        const second = await staffGet(t, '/orders', { phone, limit: 10, cursor: first.body.nextCursor, minPosition: newer.position });
        expect(ids(second.body.items)).toEqual([...placedOrder].reverse().slice(10, 20));

        const fresh = await staffGet(t, '/orders', { phone, limit: 1, minPosition: newer.position });
        expect(ids(fresh.body.items)).toEqual([newer.orderId]);
      });

      it('answers 400 VALIDATION_FAILED to a cursor that is not one at all', async () => {
        for (const cursor of ['garbage', '%%%', Buffer.from('{"a":1}').toString('base64url'), 'x'.repeat(300)]) {
          const res = await staffGet(t, '/orders', { cursor });
          expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
          expectValidationError(res, /cursor/);
        }
      });

      it('answers 400 VALIDATION_FAILED to a forged cursor shaped like its own, never a 500', async () => {
        const someId = placedOrder[0];
        const forged: Array<[unknown, unknown]> = [
          ['yesterday', someId],
          ['2026-01-01T00:00:00.000Z', 'not-an-id'],
          ['2026-01-01T00:00:00.000Z', 42],
          ['0', someId],
          ['+275760-09-13T00:00:00.000Z', someId],
          ['2026-01-01T00:00:00.000Z', '-'.repeat(36)],
        ];
        for (const [placedAt, orderId] of forged) {
          const res = await staffGet(t, '/orders', { cursor: forgedCursor(placedAt, orderId) });
          expect({ placedAt, orderId, status: res.status }).toEqual({ placedAt, orderId, status: 400 });
          expectValidationError(res, /cursor/);
        }
      });
    });
  });
});
