import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../support/test-app.js';

export interface WebApp {
  readonly t: TestApp;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** The real app on its own database, listening on a free port for the browser. */
export async function startWebApp(): Promise<WebApp> {
  const t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return { t, baseUrl: `http://127.0.0.1:${port}`, close: () => t.close() };
}

/** Places an order through the API, as another customer would. */
export async function placeOrderViaApi(
  t: TestApp,
  overrides: { name?: string; pizzaId?: string; size?: string; quantity?: number; fulfilment?: 'delivery' | 'pickup' } = {},
): Promise<{ orderId: string; position: number }> {
  const res = await t
    .http()
    .post('/orders')
    .send({
      customer: { name: overrides.name ?? 'Grace', phone: '+34 600 222 333', address: 'Calle Luna 5, Madrid' },
      items: [{ pizzaId: overrides.pizzaId ?? 'margherita', size: overrides.size ?? 'medium', quantity: overrides.quantity ?? 1 }],
      fulfilment: overrides.fulfilment ?? 'delivery',
    });
  if (res.status !== 201) throw new Error(`placing an order failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function staffCommand(t: TestApp, orderId: string, command: string, body: object = {}): Promise<{ position: number }> {
  const res = await t.http().post(`/orders/${orderId}/${command}`).set(t.staff).send(body);
  if (res.status !== 200) throw new Error(`${command} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
