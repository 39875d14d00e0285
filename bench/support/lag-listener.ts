import pg from 'pg';
import { compareCheckpoints, type LogCheckpoint } from '../../src/event-store/event-types.js';
import { PROJECTION_PROGRESS } from '../../src/event-store/log-notifier.js';
import { percentile, round } from './stats.js';

interface Seen extends LogCheckpoint {
  at: number;
}

/**
 * Projection lag as a client sees it: the moment a write's response arrives
 * (it has committed) to the moment the projection's progress notification
 * says its read model holds that write. The runner sends the notification in
 * the transaction that writes the read model, so PostgreSQL delivers it on
 * that commit. Both instants are taken on this process's clock.
 */
export class LagListener {
  private readonly seen: Seen[] = [];
  private readonly writes: Array<{ position: number; at: number }> = [];

  private constructor(private readonly client: pg.Client) {}

  static async start(url: string, projection: string): Promise<LagListener> {
    const client = new pg.Client({ connectionString: url, application_name: 'bench-lag-listener' });
    await client.connect();
    const listener = new LagListener(client);
    client.on('notification', (message) => {
      const [name, transactionId, position] = (message.payload ?? '').split('|');
      if (name === projection) listener.seen.push({ transactionId, position: Number(position), at: performance.now() });
    });
    await client.query(`LISTEN ${PROJECTION_PROGRESS}`);
    return listener;
  }

  /** Called when a write's response has arrived. */
  written(position: number): void {
    this.writes.push({ position, at: performance.now() });
  }

  /** Stops listening and matches each write with the first notification that covers it. */
  async finish(graceMs = 2_000): Promise<{ p50: number; p99: number; samples: number; unseen: number }> {
    await new Promise((resolve) => setTimeout(resolve, graceMs));
    await this.client.query(`UNLISTEN ${PROJECTION_PROGRESS}`);
    const positions = this.writes.map((w) => w.position);
    const { rows } = await this.client.query<{ position: string; transaction_id: string }>(
      'SELECT position, transaction_id::text AS transaction_id FROM events WHERE position = ANY($1::bigint[])',
      [positions],
    );
    await this.client.end();
    const txOf = new Map(rows.map((row) => [Number(row.position), row.transaction_id]));
    const lags: number[] = [];
    let unseen = 0;
    for (const write of this.writes) {
      const target = { transactionId: txOf.get(write.position) ?? '0', position: write.position };
      const covering = this.firstCovering(target);
      if (covering === undefined) unseen++;
      else lags.push(Math.max(0, covering.at - write.at));
    }
    return { p50: round(percentile(lags, 50)), p99: round(percentile(lags, 99)), samples: lags.length, unseen };
  }

  /** Notifications arrive in checkpoint order, so the first covering one is found by bisection. */
  private firstCovering(target: LogCheckpoint): Seen | undefined {
    let low = 0;
    let high = this.seen.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareCheckpoints(this.seen[mid], target) >= 0) high = mid;
      else low = mid + 1;
    }
    return this.seen[low];
  }
}
