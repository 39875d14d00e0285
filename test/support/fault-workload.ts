import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { FAULT_STAFF_TOKEN, sleep, type AppProcess } from './app-process.js';

export type Outcome = 'pending' | 'acked' | 'refused' | 'unknown';

/** One logical write: its Idempotency-Key and correlation id stay the same through every retry. */
export interface Op {
  readonly id: number;
  readonly key: string;
  readonly correlationId: string;
  readonly path: string;
  readonly body: object;
  readonly staff: boolean;
  outcome: Outcome;
  /** The outcome of the first attempt, before any retry. */
  firstOutcome?: Outcome;
  attempts: number;
  status?: number;
  code?: string;
  replayed?: boolean;
  response?: { orderId: string; version: number; position: number };
  /** Every try: when it was sent (performance.now()), how long it took, and what came back. */
  tries: Array<{ startedAt: number; latencyMs: number; status?: number; code?: string }>;
}

const MAX_OPS = 20_000;

const ORDER = {
  customer: { name: 'Fault', phone: '+34 600 999 000', address: 'Calle del Fallo 7' },
  items: [{ pizzaId: 'margherita', size: 'large', quantity: 1, toppings: ['extra-cheese'] }],
};

/**
 * Writes as a busy evening does, through any number of app instances: each
 * worker places an order, confirms it and takes payment, then starts the next.
 * Every request is recorded with what came back, so that afterwards the event
 * store can be held to each answer.
 */
export class Workload {
  readonly ops: Op[] = [];
  private readonly run = randomBytes(3).toString('hex');
  private stopping = false;
  private workers: Promise<void>[] = [];
  private turn = 0;

  constructor(private targets: () => AppProcess[]) {}

  get acked(): Op[] {
    return this.ops.filter((op) => op.outcome === 'acked');
  }

  get inFlight(): number {
    return this.ops.filter((op) => op.outcome === 'pending').length;
  }

  start(workers: number): void {
    this.stopping = false;
    for (let i = 0; i < workers; i++) this.workers.push(this.worker());
  }

  /** No new writes from here on; those under way finish (or fail) on their own. */
  halt(): void {
    this.stopping = true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.workers);
    this.workers = [];
  }

  /** Resolves once `count` more writes than now have been acknowledged. */
  async ackedAtLeast(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acked.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.acked.length} of ${count} writes acknowledged in ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  private async worker(): Promise<void> {
    while (!this.stopping) {
      // A safety net: a test that failed half-way must not leave its workers writing forever.
      if (this.ops.length >= MAX_OPS) this.stopping = true;
      const placed = await this.attempt(this.newOp('/orders', ORDER, false));
      if (placed.outcome !== 'acked' || this.stopping) {
        // As a client would, a failed write waits a moment before the next.
        if (placed.outcome !== 'acked') await sleep(100);
        continue;
      }
      const orderId = placed.response!.orderId;
      const confirmed = await this.attempt(this.newOp(`/orders/${orderId}/confirm`, {}, true));
      if (confirmed.outcome !== 'acked' || this.stopping) continue;
      await this.attempt(this.newOp(`/orders/${orderId}/pay`, { method: 'card' }, true));
    }
  }

  private newOp(path: string, body: object, staff: boolean): Op {
    const id = this.ops.length + 1;
    const op: Op = {
      id,
      key: `fault-${this.run}-${id}`,
      correlationId: `fault-${this.run}-${id}`,
      path,
      body,
      staff,
      outcome: 'pending',
      attempts: 0,
      tries: [],
    };
    this.ops.push(op);
    return op;
  }

  private nextTarget(): AppProcess | undefined {
    const alive = this.targets().filter((app) => !app.exited);
    return alive.length ? alive[this.turn++ % alive.length] : undefined;
  }

  /** One try of the op; a lost connection or a 5xx leaves it unknown, for a retry to settle. */
  async attempt(op: Op, target = this.nextTarget()): Promise<Op> {
    op.attempts++;
    op.outcome = 'pending';
    const started = performance.now();
    try {
      if (!target) throw new Error('no app instance is running');
      const res = await fetch(`${target.url}${op.path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': op.key,
          'X-Correlation-Id': op.correlationId,
          ...(op.staff ? { Authorization: `Bearer ${FAULT_STAFF_TOKEN}` } : {}),
        },
        body: JSON.stringify(op.body),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json().catch(() => undefined)) as Record<string, any> | undefined;
      op.status = res.status;
      op.code = body?.code;
      if (res.status >= 200 && res.status < 300) {
        op.outcome = 'acked';
        op.response = body as Op['response'];
        op.replayed = res.headers.get('idempotent-replayed') === 'true';
      } else {
        op.outcome = res.status >= 500 || op.code === 'IDEMPOTENCY_KEY_IN_FLIGHT' ? 'unknown' : 'refused';
      }
    } catch {
      op.status = undefined;
      op.code = 'NETWORK';
      op.outcome = 'unknown';
    }
    op.tries.push({ startedAt: started, latencyMs: performance.now() - started, status: op.status, code: op.code });
    op.firstOutcome ??= op.outcome;
    return op;
  }

  /**
   * Retries every op whose outcome is unknown, with its own key and body, until
   * each is acknowledged or refused: a retry must either replay what was
   * committed or write it now, never both.
   */
  async settle(
    target: AppProcess,
    timeoutMs = 40_000,
  ): Promise<{ retried: number; replayed: number; writtenOnRetry: number; inFlightAnswers: number }> {
    const unknown = this.ops.filter((op) => op.outcome === 'unknown');
    let inFlightAnswers = 0;
    const deadline = Date.now() + timeoutMs;
    const queue = [...unknown];
    const retrier = async () => {
      for (let op = queue.shift(); op; op = queue.shift()) {
        for (;;) {
          await this.attempt(op, target);
          if (op.outcome !== 'unknown') break;
          if (op.code === 'IDEMPOTENCY_KEY_IN_FLIGHT') inFlightAnswers++;
          if (Date.now() > deadline) throw new Error(`op ${op.id} (${op.path}) still unknown: ${op.status} ${op.code}`);
          await sleep(200);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, retrier));
    return {
      retried: unknown.length,
      replayed: unknown.filter((op) => op.outcome === 'acked' && op.replayed).length,
      writtenOnRetry: unknown.filter((op) => op.outcome === 'acked' && !op.replayed).length,
      inFlightAnswers,
    };
  }
}

interface StoredEvent {
  correlation_id: string;
  stream_id: string;
  version: number;
  position: string;
}

export interface StoreCheck {
  events: number;
  duplicates: number;
  /** Acknowledged writes the store does not hold as answered. */
  missing: string[];
  /** Keys whose stored answer and events disagree: an answer without events, or events without an answer. */
  halfWritten: string[];
  /** Refused writes that left an event behind. */
  refusedButWritten: string[];
}

/**
 * Holds the event store to the answers the clients got: every acknowledged
 * write is there at the version and position it was answered with, no write is
 * there twice, an Idempotency-Key is answered exactly when its events exist,
 * and no refused write left anything behind.
 */
export async function checkStore(databaseUrl: string, ops: readonly Op[]): Promise<StoreCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const events = (
      await client.query<StoredEvent>(
        `SELECT metadata->>'correlationId' AS correlation_id, stream_id, version, position::text AS position FROM events`,
      )
    ).rows;
    const keys = new Map(
      (await client.query<{ key: string; status: string }>(`SELECT key, status FROM idempotency_keys`)).rows.map((row) => [
        row.key,
        row.status,
      ]),
    );
    const byCorrelation = new Map<string, StoredEvent[]>();
    for (const event of events) byCorrelation.set(event.correlation_id, [...(byCorrelation.get(event.correlation_id) ?? []), event]);
    const check: StoreCheck = { events: events.length, duplicates: 0, missing: [], halfWritten: [], refusedButWritten: [] };
    for (const [, written] of byCorrelation) if (written.length > 1) check.duplicates += written.length - 1;
    for (const op of ops) {
      const written = byCorrelation.get(op.correlationId) ?? [];
      const answered = keys.get(op.key) === 'done';
      if (written.length > 0 !== answered)
        check.halfWritten.push(`${op.id} ${op.path}: ${written.length} event(s), key ${keys.get(op.key) ?? 'absent'}`);
      if (op.outcome === 'acked') {
        const event = written[0];
        const matches =
          event !== undefined &&
          event.stream_id === `order-${op.response!.orderId}` &&
          event.version === op.response!.version &&
          Number(event.position) === op.response!.position;
        if (!matches) check.missing.push(`${op.id} ${op.path} answered ${JSON.stringify(op.response)}`);
      }
      if (op.outcome === 'refused' && written.length > 0) check.refusedButWritten.push(`${op.id} ${op.path} (${op.status} ${op.code})`);
    }
    return check;
  } finally {
    await client.end();
  }
}

/** The lease of claims whose request died with its process runs out now instead of 30 s from now. */
export async function expireLeases(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE status = 'in_flight'`);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** Every read-model table with its key, to compare them as data. */
const READ_MODELS: Record<string, string> = {
  order_details: 'order_id',
  kitchen_queue: 'order_id',
  analytics_orders: 'order_id',
  analytics_daily: 'day',
  analytics_pizzas: 'day, pizza_id',
};

export async function readModels(databaseUrl: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables: Record<string, unknown[]> = {};
    for (const [table, key] of Object.entries(READ_MODELS)) {
      tables[table] = (await client.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY ${key}`)).rows.map((r) => r.row);
    }
    return tables;
  } finally {
    await client.end();
  }
}

/** Orders in the store whose order_details row is missing or at another version than the stream. */
export async function ordersOutOfStep(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [row] = (
      await client.query<{ count: string }>(
        `SELECT count(*) AS count FROM (SELECT stream_id, max(version) AS version FROM events GROUP BY stream_id) s
           LEFT JOIN order_details d ON 'order-' || d.order_id::text = s.stream_id
          WHERE d.version IS DISTINCT FROM s.version`,
      )
    ).rows;
    return Number(row.count);
  } finally {
    await client.end();
  }
}

export interface ProjectionView {
  name: string;
  position: number;
  lagEvents: number;
  status: string;
  runsHere: boolean;
}

export async function projectionsOf(app: AppProcess): Promise<ProjectionView[]> {
  const res = await fetch(`${app.url}/admin/projections`, {
    headers: { Authorization: `Bearer ${FAULT_STAFF_TOKEN}` },
    signal: AbortSignal.timeout(5_000),
  });
  if (res.status !== 200) throw new Error(`GET /admin/projections on ${app.name}: ${res.status}`);
  return (await res.json()) as ProjectionView[];
}

/** Until every projection has applied the whole log and none is failing or rebuilding. */
export async function caughtUp(app: AppProcess, timeoutMs = 20_000): Promise<ProjectionView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await projectionsOf(app).catch(() => [] as ProjectionView[]);
    if (list.length > 0 && list.every((p) => p.lagEvents === 0 && !['catching-up', 'failed', 'rebuilding', 'starting'].includes(p.status)))
      return list;
    if (Date.now() > deadline) throw new Error(`projections on ${app.name} did not catch up: ${JSON.stringify(list)}`);
    await sleep(50);
  }
}

/**
 * Rebuilds every projection through the admin API and returns the tables before
 * and after: a full replay of the log must give what the runners kept live.
 */
export async function rebuildAll(
  app: AppProcess,
  databaseUrl: string,
): Promise<{ live: Record<string, unknown[]>; rebuilt: Record<string, unknown[]> }> {
  await caughtUp(app);
  const live = await readModels(databaseUrl);
  for (const { name } of await projectionsOf(app)) {
    const res = await fetch(`${app.url}/admin/projections/${name}/rebuild`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${FAULT_STAFF_TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 202) throw new Error(`rebuild of ${name}: ${res.status} ${await res.text()}`);
    await caughtUp(app, 30_000);
  }
  return { live, rebuilt: await readModels(databaseUrl) };
}

/**
 * Keeps a test's figures (counts and times) for the reports: printed on one
 * line, and appended to TEST_MEASUREMENTS_FILE when it names a file.
 */
export function reportFigures(name: string, figures: Record<string, number | string>): void {
  const line = JSON.stringify({ name, ...figures, at: new Date().toISOString() });
  process.stdout.write(`[figures] ${line}\n`);
  const file = process.env.TEST_MEASUREMENTS_FILE;
  if (file) appendFileSync(file, `${line}\n`);
}
