import type { Request } from 'autocannon';
import { ORDER_DETAILS } from '../src/orders/projections/order-details.projection.js';
import { STAFF_TOKEN, type AppProcess } from './support/app-process.js';
import { cpuPerRequest, sampleCpu } from './support/cpu-split.js';
import { LagListener } from './support/lag-listener.js';
import { jsonHeaders, load, type LoadFigures } from './support/load.js';
import { ORDER_BODY } from './support/orders.js';
import { median, round } from './support/stats.js';

export const CONNECTIONS = 32;
const STAFF = { authorization: `Bearer ${STAFF_TOKEN}` };

type Figures = Omit<LoadFigures, 'requests'>;
const figures = ({ requests: _requests, ...rest }: LoadFigures): Figures => rest;

/** Orders placed while warming up: ids for the GET figures. */
export async function warmUp(app: AppProcess, seconds: number): Promise<string[]> {
  const ids: string[] = [];
  await load({
    url: app.url,
    connections: 8,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/orders',
        headers: jsonHeaders(),
        body: ORDER_BODY,
        onResponse: (status, body) => {
          if (status === 201) ids.push((JSON.parse(body) as { orderId: string }).orderId);
        },
      },
    ],
  });
  await load({ url: `${app.url}/orders/${ids[0]}`, connections: 8, duration: 1 });
  return ids;
}

/**
 * POST /orders at 32 connections next to the bare node:http server at the same
 * load, the place → confirm → pay flow, and the order-details projection's lag
 * under the POST load.
 */
export async function httpFigures(app: AppProcess, bare: AppProcess, databaseUrl: string, seconds: number) {
  const post = { method: 'POST' as const, headers: jsonHeaders(), body: ORDER_BODY };
  const bareRun = await load({ url: `${bare.url}/orders`, ...post, connections: CONNECTIONS, duration: seconds });

  const lag = await LagListener.start(databaseUrl, ORDER_DETAILS);
  const cpuBefore = await sampleCpu(app.pid);
  const postOrders = await load({
    url: app.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        ...post,
        path: '/orders',
        onResponse: (status, body) => {
          if (status === 201) lag.written((JSON.parse(body) as { position: number }).position);
        },
      },
    ],
  });
  const postOrdersCpu = cpuPerRequest(cpuBefore, await sampleCpu(app.pid), postOrders.requests);
  const projectionLagMs = await lag.finish();

  const flowCpuBefore = await sampleCpu(app.pid);

  const flow = await load({
    url: app.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        ...post,
        path: '/orders',
        onResponse: (status, body, context) => {
          (context as { orderId?: string }).orderId = status === 201 ? (JSON.parse(body) as { orderId: string }).orderId : undefined;
        },
      },
      staffStep('confirm', {}),
      staffStep('pay', { method: 'card' }),
    ],
  });
  const flowCpu = cpuPerRequest(flowCpuBefore, await sampleCpu(app.pid), flow.requests);

  return {
    http: {
      connections: CONNECTIONS,
      seconds,
      postOrders: { ...figures(postOrders), appCpuMsPerRequest: postOrdersCpu.appMs, cpuMsPerRequest: postOrdersCpu },
      flow: { ...figures(flow), cpuMsPerRequest: flowCpu },
      bareRps: bareRun.rps,
    },
    httpRatio: round(postOrders.rps / bareRun.rps, 3),
    projectionLagMs: { ...projectionLagMs, method: 'POST response received → LISTEN projection_progress for order-details covering the write' },
  };
}

function staffStep(command: string, body: object): Request {
  return {
    method: 'POST',
    headers: jsonHeaders(STAFF),
    body: JSON.stringify(body),
    setupRequest: (request, context) => {
      const orderId = (context as { orderId?: string }).orderId;
      return (orderId ? { ...request, path: `/orders/${orderId}/${command}` } : undefined) as Request;
    },
  };
}

export const SCALE_REQUESTS = ['postOrders', 'getOrder', 'listOrders'] as const;
export type ScaleRequest = (typeof SCALE_REQUESTS)[number];

/**
 * One of the three requests a busy store must keep fast, at a moderate load
 * (16 connections): placing an order, reading one by id, and the first page of
 * the staff list filtered by status.
 */
export function scaleFigure(app: AppProcess, request: ScaleRequest, ids: readonly string[], seconds: number): Promise<LoadFigures> {
  const base = { url: app.url, connections: 16, duration: seconds };
  if (request === 'postOrders') {
    return load({ ...base, requests: [{ method: 'POST', path: '/orders', headers: jsonHeaders(), body: ORDER_BODY }] });
  }
  if (request === 'getOrder') {
    let next = 0;
    return load({
      ...base,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/orders/${ids[next++ % ids.length]}` }) }],
    });
  }
  return load({ ...base, requests: [{ method: 'GET', path: '/orders?status=PENDING', headers: STAFF }] });
}

/**
 * The p99 of each scale request on two stores, measured in alternating turns
 * (the median of each store's turns), so that the shared machine's ups and
 * downs fall on both stores alike rather than on whichever was measured later.
 */
export async function compareStores(
  stores: Record<'empty' | 'full', { app: AppProcess; ids: readonly string[] }>,
  seconds: number,
  turns: number,
) {
  const p99s = { empty: {} as Record<ScaleRequest, number[]>, full: {} as Record<ScaleRequest, number[]> };
  const rps = { empty: {} as Record<ScaleRequest, number[]>, full: {} as Record<ScaleRequest, number[]> };
  let errors = 0;
  for (let turn = 0; turn < turns; turn++) {
    for (const request of SCALE_REQUESTS) {
      for (const store of ['empty', 'full'] as const) {
        const figures = await scaleFigure(stores[store].app, request, stores[store].ids, seconds);
        (p99s[store][request] ??= []).push(figures.p99Ms);
        (rps[store][request] ??= []).push(figures.rps);
        errors += figures.errors;
      }
    }
  }
  const summary = (store: 'empty' | 'full') => ({
    postOrdersP99Ms: median(p99s[store].postOrders),
    getOrderP99Ms: median(p99s[store].getOrder),
    listOrdersP99Ms: median(p99s[store].listOrders),
    rps: Object.fromEntries(SCALE_REQUESTS.map((request) => [request, median(rps[store][request])])),
  });
  return { empty: summary('empty'), full: summary('full'), errors, turns, secondsPerTurn: seconds };
}
