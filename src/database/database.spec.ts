import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { Database } from './database.js';

function message(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}

/** A loopback server speaking just enough of PostgreSQL's protocol: `answer` gets each connection. */
function fakeServer(answer: (socket: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    answer(socket);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        port,
        close: () => {
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    }),
  );
}

const READY = Buffer.concat([message('R', Buffer.alloc(4)), message('Z', Buffer.from('I'))]);

/**
 * Lets every connection in and, in the same packet, ends it as PostgreSQL
 * does when it shuts down: AuthenticationOk, ReadyForQuery, then FATAL 57P01
 * "terminating connection due to administrator command".
 */
const shuttingDownServer = () =>
  fakeServer((socket) =>
    socket.once('data', () => {
      const fields = ['SFATAL', 'VFATAL', 'C57P01', 'Mterminating connection due to administrator command'];
      const fatal = Buffer.concat([...fields.map((field) => Buffer.from(`${field}\0`)), Buffer.from([0])]);
      socket.write(Buffer.concat([READY, message('E', fatal)]));
      socket.end();
    }),
  );

/** Lets every connection in and leaves it idle and ready, until the client sends Terminate ('X'), as at pool.end(). */
const readyServer = () =>
  fakeServer((socket) => {
    let started = false;
    socket.on('data', (data) => {
      if (!started) socket.write(READY);
      else if (data[0] === 0x58) socket.end();
      started = true;
    });
  });

/** A Database on a one-connection pool to `server`, for `body`; then both are closed. */
async function onDatabase(server: { port: number; close(): Promise<void> }, body: (db: Database) => Promise<void>): Promise<void> {
  const pool = new pg.Pool({ host: '127.0.0.1', port: server.port, user: 'pizzeria', database: 'pizzeria', max: 1 });
  pool.on('error', () => undefined);
  try {
    await body(new Database({ driver: { master: pool } } as unknown as DataSource));
  } finally {
    await pool.end();
    await server.close();
  }
}

describe('Database.checkout', () => {
  it("takes its 'error' listener off when the connection is released, so a pooled connection does not collect them", async () => {
    const server = await readyServer();
    await onDatabase(server, async (db) => {
      const first = await db.checkout(() => undefined);
      first.release();
      const idle = first.listenerCount('error');
      for (let i = 0; i < 20; i++) {
        const onError = () => undefined;
        const client = await db.checkout(onError);
        const listening = client.listeners('error').includes(onError);
        client.release();
        expect({ same: client === first, listening, afterRelease: client.listenerCount('error') }).toEqual({
          same: true,
          listening: true,
          afterRelease: idle,
        });
      }
      expect(first.listenerCount('error')).toBe(idle);
    });
  });

  it('hears a connection the server ends in the very packet that made it ready, instead of crashing the process', async () => {
    const server = await shuttingDownServer();
    await onDatabase(server, async (db) => {
      const heard: Error[] = [];
      const client = await db.checkout((error) => heard.push(error));
      for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(heard.map((error) => (error as Error & { code?: string }).code)).toContain('57P01');
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release(heard[0]);
    });
  });
});
