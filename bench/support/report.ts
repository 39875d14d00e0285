export interface Target {
  figure: string;
  value: number | string;
  target: string;
  pass: boolean;
}

/** The targets, each checked against this run's figures (those the run measured). */
export function targets(r: any): Target[] {
  const list: Target[] = [];
  const check = (present: unknown, figure: string, value: number, target: string, pass: boolean) => {
    if (present !== undefined) list.push({ figure, value, target, pass });
  };
  check(r.appendRatio, 'appendRatio (append.c16 / ceiling.c16)', r.appendRatio, '≥ 0.70', r.appendRatio >= 0.7);
  check(r.http, 'POST /orders errors', r.http?.postOrders.errors, '0', r.http?.postOrders.errors === 0);
  check(
    r.vsReference,
    'POST /orders rps / reference rps (32 conns)',
    r.vsReference?.postOrdersRps,
    '≥ 0.5',
    r.vsReference?.postOrdersRps >= 0.5,
  );
  check(
    r.vsReference,
    'POST /orders p99 / reference p99 (32 conns)',
    r.vsReference?.postOrdersP99,
    '≤ 2',
    r.vsReference?.postOrdersP99 <= 2,
  );
  check(r.http?.postOrdersAt8, 'POST /orders p99 ms (8 conns)', r.http?.postOrdersAt8?.p99Ms, '< 25', r.http?.postOrdersAt8?.p99Ms < 25);
  check(
    r.http,
    'app CPU ms per POST /orders',
    r.http?.postOrders.appCpuMsPerRequest,
    '≤ 0.35',
    r.http?.postOrders.appCpuMsPerRequest <= 0.35,
  );
  check(
    r.http,
    'PostgreSQL CPU ms per POST /orders',
    r.http?.postOrders.postgresCpuMsPerRequest,
    '≤ 0.30',
    r.http?.postOrders.postgresCpuMsPerRequest <= 0.3,
  );
  check(r.vsReference, 'GET /orders/{id} rps / reference rps', r.vsReference?.getOrderRps, '≥ 0.6', r.vsReference?.getOrderRps >= 0.6);
  check(r.projectionLagMs, 'projection lag p99 ms', r.projectionLagMs?.p99, '< 100', r.projectionLagMs?.p99 < 100);
  check(r.snapshotSpeedup, 'snapshotSpeedup', r.snapshotSpeedup, '≥ 10', r.snapshotSpeedup >= 10);
  check(r.rebuildEventsPerSec, 'rebuildEventsPerSec', r.rebuildEventsPerSec, '≥ 30000', r.rebuildEventsPerSec >= 30_000);
  // A million-event store whose read models are still catching up is not the steady state the ratios are about.
  check(r.scale?.catchUp, 'scale projections caught up (s)', r.scale?.catchUp?.seconds, 'within 300', r.scale?.catchUp?.caughtUp === true);
  for (const [name, ratio] of Object.entries<number>(r.scale?.ratios ?? {})) {
    list.push({ figure: `scale ${name} p99 1M / empty`, value: ratio, target: '≤ 1.5', pass: ratio <= 1.5 });
  }
  check(r.peakRssMb, 'peakRssMb', r.peakRssMb, '< 300', r.peakRssMb < 300);
  return list;
}

export function printTable(r: any, log: (line: string) => void): void {
  const rows: Array<[string, string]> = [];
  if (r.ceiling) {
    rows.push(['ceiling ops/s c1 / c16 / c64', `${r.ceiling.c1} / ${r.ceiling.c16} / ${r.ceiling.c64}`]);
    rows.push(['append  ops/s c1 / c16 / c64', `${r.append.c1} / ${r.append.c16} / ${r.append.c64}`]);
    rows.push(['load 1,000-event order ms: events / snapshot', `${r.snapshot.withoutMs} / ${r.snapshot.withMs}`]);
  }
  if (r.rebuild) {
    const turns = r.rebuild.runs?.length ?? 1;
    const each =
      turns > 1
        ? ` (median of ${turns}: ${r.rebuild.runs.map((run: { eventsPerSec: number }) => run.eventsPerSec).join(', ')} events/s)`
        : '';
    rows.push(['rebuild order-details', `${r.rebuild.events} events in ${r.rebuild.seconds} s${each}`]);
  }
  if (r.rebuild?.cpuMsPer1000Events) {
    const c = r.rebuild.cpuMsPer1000Events;
    rows.push([
      'rebuild CPU ms per 1,000 events: node / PostgreSQL / machine',
      `${c.node} / ${c.postgres} / ${c.machine} (${c.machineBusyCores} cores busy)`,
    ]);
  }
  if (r.http) {
    const ref = r.http.reference;
    rows.push(['reference POST /orders rps, p50, p99, errors', line(ref.postOrders)]);
    rows.push(['POST /orders rps, p50, p99, errors', line(r.http.postOrders)]);
    rows.push(['CPU ms per reference POST: app / PostgreSQL / load / machine', cpu(ref.postOrders.cpuMsPerRequest)]);
    rows.push(['POST /orders at 8 connections', line(r.http.postOrdersAt8)]);
    rows.push(['reference GET by id / GET /orders/{id}', `${line(ref.getOrder)} | ${line(r.http.getOrder)}`]);
    rows.push([
      'CPU ms per GET by id: reference / app (app, PostgreSQL)',
      `${ref.getOrder.appCpuMsPerRequest}, ${ref.getOrder.postgresCpuMsPerRequest} / ${r.http.getOrder.appCpuMsPerRequest}, ${r.http.getOrder.postgresCpuMsPerRequest}`,
    ]);
    rows.push(['reference list / GET /orders?status=PENDING', `${line(ref.listOrders)} | ${line(r.http.listOrders)}`]);
    rows.push([
      'app / reference: POST rps, POST p99, GET rps, list rps',
      `${r.vsReference.postOrdersRps} / ${r.vsReference.postOrdersP99} / ${r.vsReference.getOrderRps} / ${r.vsReference.listOrdersRps}`,
    ]);
    rows.push(['flow (place→confirm→pay) rps, p50, p99, errors', line(r.http.flow)]);
    if (r.http.postOrders.cpuMsPerRequest)
      rows.push(['CPU ms per POST /orders: app / PostgreSQL / load / machine', cpu(r.http.postOrders.cpuMsPerRequest)]);
    if (r.http.flow.cpuMsPerRequest)
      rows.push(['CPU ms per flow request: app / PostgreSQL / load / machine', cpu(r.http.flow.cpuMsPerRequest)]);
    rows.push(['projection lag ms p50 / p99', `${r.projectionLagMs.p50} / ${r.projectionLagMs.p99} (${r.projectionLagMs.samples} writes)`]);
  }
  if (r.scale?.empty) rows.push(['scale p99 ms POST / GET id / list: empty', p99s(r.scale.empty)]);
  if (r.scale?.million) {
    rows.push([`scale p99 ms POST / GET id / list: ${r.scale.events} events`, p99s(r.scale.million)]);
    rows.push(['projections catching up on the seeded events', catchUp(r.scale.catchUp)]);
  }
  if (r.peakRssMb !== undefined) rows.push(['app peak RSS MB', `${r.peakRssMb}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  log('');
  for (const [k, v] of rows) log(`  ${k.padEnd(width)}  ${v}`);
  log('');
  const figureWidth = Math.max(0, ...r.targets.map((t: Target) => t.figure.length));
  for (const t of r.targets as Target[]) {
    log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.figure.padEnd(figureWidth)}  ${String(t.value).padStart(9)}  (target ${t.target})`);
  }
  log('');
}

function line(f: { rps: number; p50Ms: number; p99Ms: number; errors: number }): string {
  return `${f.rps} rps, ${f.p50Ms} ms, ${f.p99Ms} ms, ${f.errors} errors`;
}

function cpu(c: { appMs: number; postgresMs: number; loadGeneratorMs: number; machineMs: number; machineBusyCores: number }): string {
  return `${c.appMs} / ${c.postgresMs} / ${c.loadGeneratorMs} / ${c.machineMs} (${c.machineBusyCores} cores busy)`;
}

function p99s(s: { postOrdersP99Ms: number; getOrderP99Ms: number; listOrdersP99Ms: number }): string {
  return `${s.postOrdersP99Ms} / ${s.getOrderP99Ms} / ${s.listOrdersP99Ms}`;
}

function catchUp(c: { caughtUp: boolean; seconds: number; eventsPerSec?: number }): string {
  return c.caughtUp ? `${c.seconds} s (${c.eventsPerSec} events/s)` : `NOT caught up after ${c.seconds} s`;
}
