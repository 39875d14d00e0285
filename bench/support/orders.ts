import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { MENU } from '../../src/menu/menu.data.js';
import { priceItems } from '../../src/menu/pricing.js';
import type { OrderPlacedData } from '../../src/orders/domain/order-events.js';

/** The body every POST /orders of the bench sends: two pizzas, a topping, delivery. */
export const ORDER_BODY = JSON.stringify({
  customer: { name: 'Bench Customer', phone: '+34 600 111 222', address: 'Calle Mayor 1, Madrid' },
  items: [
    { pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] },
    { pizzaId: 'pepperoni', size: 'medium', quantity: 1 },
  ],
  fulfilment: 'delivery',
});

/** What PlaceOrder stores for ORDER_BODY: the payload of the store-level figures. */
export function placedData(orderId = randomUUID(), now = new Date()): OrderPlacedData {
  const body = JSON.parse(ORDER_BODY) as { customer: OrderPlacedData['customer']; items: Parameters<typeof priceItems>[0] };
  const items = priceItems(body.items);
  return {
    orderId,
    customer: { ...body.customer, address: body.customer.address ?? null },
    items,
    fulfilment: 'delivery',
    notes: null,
    subtotalCents: items.reduce((sum, item) => sum + item.lineTotalCents, 0),
    placedAt: now.toISOString(),
  };
}

const EVENTS_PER_STATEMENT = 100_000;

/**
 * Writes `count` events of realistic orders straight into the log with SQL,
 * in statements of 100,000: per three orders one stays PENDING (OrderPlaced),
 * one is CONFIRMED and one is paid and COOKING, placed over the past weeks.
 * Returns how many orders it wrote.
 */
export async function seedOrders(client: pg.ClientBase, count: number, seed = randomUUID()): Promise<number> {
  const pizzas = MENU.pizzas.slice(0, 4).map((pizza, i) => {
    const [item] = priceItems([{ pizzaId: pizza.id, size: i % 2 ? 'medium' : 'large', quantity: 1 + (i % 2), toppings: [] }]);
    return item;
  });
  // Orders i = 0, 1, 2, … have 1 + i % 3 events: two events an order on average.
  let orders = 0;
  let written = 0;
  while (written < count) {
    const wanted = Math.min(EVENTS_PER_STATEMENT, count - written);
    const batchOrders = Math.ceil(wanted / 2);
    const { rowCount } = await client.query(
      `WITH orders AS (
         SELECT i, md5($1 || i) AS h, jsonb_array_element($2::jsonb, i % jsonb_array_length($2::jsonb)) AS item,
                now() - interval '30 days' + (i * interval '1 second') AS placed_at
           FROM generate_series($3::int, $3::int + $4::int - 1) AS i
       ), ids AS (
         SELECT *, (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid AS id FROM orders
       ), rows AS (
         SELECT ids.*, v FROM ids CROSS JOIN LATERAL generate_series(1, 1 + i % 3) AS v
       )
       INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
       SELECT md5($1 || i || '-' || v)::uuid, 'order-' || id, v,
              (ARRAY['OrderPlaced', 'OrderConfirmed', 'PaymentReceived'])[v], CASE v WHEN 1 THEN 2 ELSE 1 END,
              CASE v
                WHEN 1 THEN jsonb_build_object(
                  'orderId', id,
                  'customer', jsonb_build_object('name', 'Seeded Customer ' || i % 997, 'phone', '+34 6' || lpad((i % 100000000)::text, 8, '0'),
                                                 'address', 'Calle Falsa ' || i % 500),
                  'items', jsonb_build_array(item), 'fulfilment', CASE WHEN i % 5 = 0 THEN 'pickup' ELSE 'delivery' END,
                  'notes', NULL, 'subtotalCents', (item->>'lineTotalCents')::int,
                  'placedAt', to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                WHEN 2 THEN jsonb_build_object('orderId', id, 'estimatedReadyAt', NULL, 'kitchenNotes', NULL,
                  'confirmedAt', to_char((placed_at + interval '2 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                ELSE jsonb_build_object('orderId', id, 'method', 'card', 'transactionId', NULL,
                  'amountCents', (item->>'lineTotalCents')::int,
                  'paidAt', to_char((placed_at + interval '4 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
              END,
              jsonb_build_object('correlationId', id, 'actor', jsonb_build_object('kind', CASE v WHEN 1 THEN 'customer' ELSE 'staff' END)),
              placed_at + (v - 1) * interval '2 minutes'
         FROM (SELECT * FROM rows ORDER BY i, v LIMIT $5) AS limited`,
      [seed, JSON.stringify(pizzas), orders, batchOrders, wanted],
    );
    written += rowCount ?? 0;
    orders += batchOrders;
  }
  return orders;
}
