import { orderFor, uniqueCustomer } from './support/personal-data-helpers.js';
import { useLiveStreamApp } from './support/live-stream-app.js';
import { place } from './support/read-helpers.js';

/** The live stream after an erasure: what it sends from then on, replays included, carries the marker. */
describe('Personal data on the live stream (e2e)', () => {
  const { t, staff, staffFromHead, connect } = useLiveStreamApp();

  it('sends CustomerDataErased to staff, and replays the erased order with its fields as "[erased]"', async () => {
    const customer = uniqueCustomer('live');
    const live = await staffFromHead();
    const written = await place(t, orderFor(customer));
    await live.waitForMessages(1);
    expect(live.messages[0].data.data.customer.name).toBe(customer.name);

    const erased = await t.http().post('/admin/customers/erase').set(t.staff).send({ phone: customer.phone });
    expect(erased.body.erasedOrders).toBe(1);
    await live.waitForMessages(2);
    expect(live.messages[1].data).toMatchObject({
      type: 'CustomerDataErased',
      orderId: null,
      data: { reason: 'request', streamIds: [`order-${written.orderId}`] },
    });
    expect(JSON.stringify(live.messages[1].data)).not.toContain(customer.name);

    const replayed = await staff('/events/stream', { 'Last-Event-ID': String(written.position - 1) });
    await replayed.waitForMessages(2);
    const placed = replayed.messages.find((m) => m.data.position === written.position)!;
    expect(placed.data.data.customer).toEqual({ name: '[erased]', phone: '[erased]', address: '[erased]' });
    const own = await connect(`/events/stream?orderId=${written.orderId}`, { 'Last-Event-ID': '0' });
    await own.waitForMessages(1);
    expect(own.messages[0].data.data.notes).toBe('[erased]');
  });
});
