import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectError, streamOf } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { orderBody, uniquePhone } from './support/read-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type LogLine = {
  level: string;
  time: string;
  msg: string;
  correlationId?: string;
  context?: string;
  req?: { method: string; path: string };
  res?: { statusCode: number };
};

describe('structured logs (e2e)', () => {
  let t: TestApp;
  const written: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ logLevel: 'debug' }, { logDestination: { write: (line: string) => void written.push(line) } });
  });

  afterAll(async () => {
    await t.close();
  });

  const lines = (): LogLine[] => written.map((line) => JSON.parse(line) as LogLine);
  const ofRequest = (correlationId: string) => lines().filter((line) => line.correlationId === correlationId);

  it('writes one JSON object per line, with an ISO time, a level name and a message', () => {
    expect(written.length).toBeGreaterThan(0);
    for (const line of lines()) {
      expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(line.level);
      expect(typeof line.msg).toBe('string');
    }
  });

  it('logs each request with the correlation id the client sent, the one stored in its events', async () => {
    const res = await t.http().post('/orders').set('X-Correlation-Id', 'log-corr-1').send(orderBody(uniquePhone()));
    expect(res.status).toBe(201);

    const [placed] = await streamOf(t, res.body.orderId);
    expect(placed.metadata.correlationId).toBe('log-corr-1');
    const [access] = ofRequest('log-corr-1');
    expect(access).toMatchObject({ level: 'info', req: { method: 'POST', path: '/orders' }, res: { statusCode: 201 } });
    expect(access.msg).toMatch(/^POST \/orders 201 in \d+ ms$/);
  });

  it('uses the generated correlation id, the same one as the response header and the events', async () => {
    const res = await t.http().post('/orders').send(orderBody(uniquePhone()));
    const generated = res.headers['x-correlation-id'];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const [placed] = await streamOf(t, res.body.orderId);
    expect(placed.metadata.correlationId).toBe(generated);
    expect(ofRequest(generated)).toHaveLength(1);
  });

  it('puts the correlation id on the lines the app logs while handling the request, not only the access line', async () => {
    const res = await t
      .http()
      .get('/orders/00000000-0000-4000-8000-000000000000')
      .query({ minPosition: 999_999_999 })
      .set('X-Correlation-Id', 'log-corr-2');
    expectError(res, 503, 'PROJECTION_BEHIND');
    const mine = ofRequest('log-corr-2');
    expect(mine.map((line) => line.context ?? 'access')).toEqual(['Errors', 'access']);
    expect(mine[0]).toMatchObject({ level: 'warn', msg: expect.stringContaining('PROJECTION_BEHIND') });
    expect(mine[1]).toMatchObject({ level: 'warn', res: { statusCode: 503 } });
    expect(mine[1]).not.toHaveProperty('err');
  });

  it('logs requests refused before they reach a route, such as an unreadable body', async () => {
    const res = await t
      .http()
      .post('/orders')
      .set('X-Correlation-Id', 'log-corr-3')
      .set('Content-Type', 'application/json')
      .send('{"customer":');
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(ofRequest('log-corr-3')).toEqual([
      expect.objectContaining({ res: { statusCode: 400 }, req: { method: 'POST', path: '/orders' } }),
    ]);
  });

  it('keeps health probes and scrapes at debug level, and never logs the staff token', async () => {
    await t.http().get('/health/live').set('X-Correlation-Id', 'log-corr-4');
    await t.http().get('/kitchen/queue').set(t.staff).set('X-Correlation-Id', 'log-corr-5');
    expect(ofRequest('log-corr-4')).toEqual([expect.objectContaining({ level: 'debug' })]);
    expect(written.join('\n')).not.toContain(t.staff.Authorization.split(' ')[1]);
  });

  it('logs a request whose client went away before the answer as aborted, at warn', async () => {
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // The read waits for a position no projection has reached; the client hangs up meanwhile.
      const client = httpRequest({
        port,
        host: '127.0.0.1',
        path: '/orders/00000000-0000-4000-8000-000000000000?minPosition=999999999',
        headers: { 'X-Correlation-Id': 'log-corr-6' },
      });
      client.on('error', () => undefined);
      server.once('request', () => setImmediate(() => client.destroy()));
      client.end();
      await waitUntil(() => ofRequest('log-corr-6').some((line) => line.context === undefined), {
        what: 'the access line of the aborted request',
      });
      const access = ofRequest('log-corr-6').find((line) => line.context === undefined)!;
      expect(access).toMatchObject({ level: 'warn', req: { method: 'GET', path: '/orders/00000000-0000-4000-8000-000000000000' } });
      expect(access.msg).toMatch(/^GET \/orders\/0{8}-0000-4000-8000-0{12} aborted by the client after \d+ ms$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
