import type { Request } from 'autocannon';
import { ORDER_DETAILS } from '../src/orders/read-models/order-details.projection.js';
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

/** A load run with where the machine's CPU went per request. */
async function measured(server: AppProcess, options: Parameters<typeof load>[0]) {
  const before = await sampleCpu(server.pid);
  const run = await load(options);
  const cpu = cpuPerRequest(before, await sampleCpu(server.pid), run.requests);
  return { ...figures(run), appCpuMsPerRequest: cpu.appMs, postgresCpuMsPerRequest: cpu.postgresMs, cpuMsPerRequest: cpu };
}

/** GET by id over the given ids in turn, and the first page of the list by status, at 32 connections. */
function reads(server: AppProcess, ids: readonly string[], seconds: number, headers: Record<string, string>) {
  let next = 0;
  return {
    getOrder: () =>
      measured(server, {
        url: server.url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/orders/${ids[next++ % ids.length]}` }) }],
      }),
    listOrders: () =>
      measured(server, {
        url: server.url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [{ method: 'GET', path: '/orders?status=PENDING', headers }],
      }),
  };
}

/**
 * The app next to the same-work reference (bench/reference-app.ts: NestJS on
 * Fastify, the same DTO, one statement per request) at the same load, one
 * after the other in this run: POST /orders, GET /orders/{id}, the first page
 * of GET /orders?status=. Then POST /orders at 8 connections, the place →
 * confirm → pay flow, and the order-details projection's lag under the POST load.
 */
export async function httpFigures(app: AppProcess, reference: AppProcess, appIds: readonly string[], databaseUrl: string, seconds: number) {
  const post = { method: 'POST' as const, headers: jsonHeaders(), body: ORDER_BODY };
  const referenceIds: string[] = [];
  const referencePost = await measured(reference, {
    url: reference.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        ...post,
        path: '/orders',
        onResponse: (status, body) =>
          status === 201 && referenceIds.length < 5_000 ? referenceIds.push((JSON.parse(body) as { orderId: string }).orderId) : undefined,
      },
    ],
  });

  const lag = await LagListener.start(databaseUrl, ORDER_DETAILS);
  const postOrders = await measured(app, {
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
  const projectionLagMs = await lag.finish();

  const referenceReads = reads(reference, referenceIds, seconds, {});
  const appReads = reads(app, appIds, seconds, STAFF);
  const referenceGet = await referenceReads.getOrder();
  const getOrder = await appReads.getOrder();
  const referenceList = await referenceReads.listOrders();
  const listOrders = await appReads.listOrders();

  const postOrdersAt8 = await measured(app, { url: app.url, connections: 8, duration: seconds, requests: [{ ...post, path: '/orders' }] });

  const flow = await measured(app, {
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

  return {
    http: {
      connections: CONNECTIONS,
      seconds,
      postOrders,
      postOrdersAt8,
      getOrder,
      listOrders,
      flow,
      reference: { postOrders: referencePost, getOrder: referenceGet, listOrders: referenceList },
    },
    /** The app's figure over the reference's, in the same run. */
    vsReference: {
      postOrdersRps: round(postOrders.rps / referencePost.rps, 2),
      postOrdersP99: round(postOrders.p99Ms / Math.max(1, referencePost.p99Ms), 2),
      getOrderRps: round(getOrder.rps / referenceGet.rps, 2),
      listOrdersRps: round(listOrders.rps / referenceList.rps, 2),
    },
    projectionLagMs: {
      ...projectionLagMs,
      method: 'POST response received → LISTEN projection_progress for order-details covering the write',
    },
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
