import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { distFile, spawnNode, type Spawned } from './support/spawned-process.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const STAFF_TOKEN = 'process-test-staff-token-0123456789';
const WEBHOOK_SECRET_KEYS = `test:${Buffer.alloc(32, 9).toString('base64')}`;
const ORDER = {
  customer: { name: 'Ana', phone: '+34 600 111 222', address: 'Calle Mayor 1, Madrid' },
  items: [{ pizzaId: 'margherita', size: 'large', quantity: 1 }],
};

interface Answer {
  status: number | 'network-error';
  body?: { orderId?: string; position?: number; code?: string };
  answeredAt: number;
}

function logLines(app: Spawned): Array<{ msg: string; [key: string]: unknown }> {
  return app.stdout.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

async function listening(app: Spawned, timeoutMs: number): Promise<string> {
  const line = await app.line(/Pizzeria listening on/, timeoutMs);
  return `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

describe('the app process (e2e, node dist/main.js)', () => {
  it('refuses to start on a bad variable, naming it', async () => {
    const app = spawnNode(distFile('main.js'), [], { PORT: 'abc', NODE_ENV: 'production', STAFF_API_TOKEN: STAFF_TOKEN });
    expect(await app.exit(15_000)).toEqual({ code: 1, signal: null });
    expect(app.stderr.join('\n')).toContain('Invalid configuration: PORT must be a whole number, got "abc"');

    const noToken = spawnNode(distFile('main.js'), [], { NODE_ENV: 'production' });
    expect(await noToken.exit(15_000)).toEqual({ code: 1, signal: null });
    expect(noToken.stderr.join('\n')).toContain('STAFF_API_TOKEN is required when NODE_ENV=production');
  });

  describe('on SIGTERM during a burst of writes', () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase({ migrate: false });
    });

    afterAll(async () => {
      await database.drop();
    });

    it('finishes the writes in flight, refuses new ones, closes in order and exits 0; every 2xx write is stored', async () => {
      const app = spawnNode(distFile('main.js'), [], {
        NODE_ENV: 'production',
        STAFF_API_TOKEN: STAFF_TOKEN,
        WEBHOOK_SECRET_KEYS,
        PII_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
        DATABASE_URL: database.url,
        HOST: '127.0.0.1',
        PORT: '0',
        RATE_LIMIT_WRITES_PER_MINUTE: '0',
        SHUTDOWN_TIMEOUT_MS: '10000',
      });
      const base = await listening(app, 30_000);

      const answers: Answer[] = [];
      let signalledAt = Number.POSITIVE_INFINITY;
      const worker = async () => {
        for (;;) {
          try {
            const res = await fetch(`${base}/orders`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(ORDER),
            });
            const body = (await res.json()) as Answer['body'];
            answers.push({ status: res.status, body, answeredAt: Date.now() });
            if (res.status !== 201) return;
          } catch {
            answers.push({ status: 'network-error', answeredAt: Date.now() });
            return;
          }
          if (answers.filter((a) => a.status === 201).length >= 60 && signalledAt === Number.POSITIVE_INFINITY) {
            signalledAt = Date.now();
            app.child.kill('SIGTERM');
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const exit = await app.exit(30_000);

      expect(exit).toEqual({ code: 0, signal: null });
      const unexpected = answers.filter(
        (a) => a.status !== 201 && a.status !== 'network-error' && !(a.status === 503 && a.body?.code === 'SHUTTING_DOWN'),
      );
      expect(unexpected).toEqual([]);
      const written = answers.filter((a) => a.status === 201);
      expect(written.length).toBeGreaterThanOrEqual(60);
      // Requests in flight when the signal came were answered, not dropped.
      expect(written.filter((a) => a.answeredAt > signalledAt).length).toBeGreaterThan(0);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ stream_id: string; position: string }>(
          "SELECT stream_id, position FROM events WHERE type = 'OrderPlaced'",
        );
        const stored = new Map(rows.map((row) => [row.stream_id, Number(row.position)]));
        for (const answer of written) expect(stored.get(`order-${answer.body!.orderId}`)).toBe(answer.body!.position);
      } finally {
        await client.end();
      }

      const messages = logLines(app).map((line) => line.msg);
      const order = [
        'SIGTERM received: shutting down gracefully',
        'Shutting down: no new requests; waiting for those in flight',
        'Application closed: projections stopped after their batch, database pool closed',
        'Stopped',
      ];
      const at = order.map((msg) => messages.indexOf(msg));
      expect(at.every((index) => index >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }, 60_000);
  });

  it('stops the embedded PostgreSQL it started, after the app has closed', async () => {
    const dataDir = resolve(process.cwd(), '.data/test-shutdown-postgres');
    const app = spawnNode(distFile('main.js'), [], {
      NODE_ENV: 'test',
      STAFF_API_TOKEN: STAFF_TOKEN,
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(55_000 + Math.floor(Math.random() * 5_000)),
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const base = await listening(app, 120_000);
    const placed = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ORDER),
    });
    expect(placed.status).toBe(201);
    const postmasterPid = Number(readFileSync(resolve(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

    app.child.kill('SIGTERM');
    expect(await app.exit(60_000)).toEqual({ code: 0, signal: null });

    const messages = logLines(app).map((line) => line.msg);
    expect(messages.indexOf('Embedded PostgreSQL stopped')).toBeGreaterThan(
      messages.indexOf('Application closed: projections stopped after their batch, database pool closed'),
    );
    expect(existsSync(resolve(dataDir, 'postmaster.pid'))).toBe(false);
    expect(() => process.kill(postmasterPid, 0)).toThrow();
  }, 180_000);
});
