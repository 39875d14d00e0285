import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 server binaries (.ci/run installs the postgresql-15 package where they are missing). */
export const PG_BIN = process.env.REPLICA_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** One PostgreSQL server of the pair: its data folder, port and a client URL for a database on it. */
export interface PgServer {
  readonly role: 'primary' | 'replica';
  readonly dataDir: string;
  readonly port: number;
  url(database: string): string;
  /** A statement as the postgres superuser, on `database` (default: postgres). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  /** pg_ctl stop: fast (sessions ended, clean shutdown) or immediate (as good as a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** pg_ctl start, waiting until it accepts connections. */
  start(): Promise<void>;
}

export interface ReplicatedPostgres {
  readonly primary: PgServer;
  readonly replica: PgServer;
  /** Creates a database on the primary and waits until the replica has replayed it. */
  createDatabase(name: string): Promise<void>;
  /** Waits until the replica has replayed everything the primary had written when this was called. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  /** Stops both servers (immediately) and removes their folders; safe to call twice, and after a failure half-way. */
  destroy(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: every server binary runs as the postgres user when we are root. */
function postgresCommand(binary: string, args: string[]): [string, string[]] {
  const path = join(PG_BIN, binary);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

async function asPostgres(binary: string, args: string[]): Promise<string> {
  const [command, argv] = postgresCommand(binary, args);
  try {
    const { stdout } = await run(command, argv, { cwd: tmpdir(), timeout: 60_000 });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

// Durability off: test servers lose nothing that matters in a crash, and fsyncs are most of their cost.
const SERVER_OPTIONS = [
  "listen_addresses='127.0.0.1'",
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'max_connections=200',
  'wal_level=replica',
  'max_wal_senders=5',
  'hot_standby=on',
  // A standby reports its replay position often, so pg_stat_replication on the primary stays current.
  'wal_receiver_status_interval=1s',
  "shared_buffers='32MB'",
];

function server(role: PgServer['role'], dataDir: string, port: number): PgServer {
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    role,
    dataDir,
    port,
    url,
    async query(sql, params = [], database = 'postgres') {
      const client = new pg.Client({ connectionString: url(database), connectionTimeoutMillis: 5_000 });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async stop(mode = 'fast') {
      await asPostgres('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30']);
    },
    async start() {
      // -w: pg_ctl itself polls until the server accepts connections (or the 30 s are up).
      await asPostgres('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '30', '-l', join(dataDir, 'server.log'), '-o', `-p ${port}`]);
    },
  };
}

/**
 * A real primary and a real hot standby of it, streaming, on free loopback
 * ports: initdb for the primary, pg_basebackup -R for the standby (it writes
 * standby.signal and primary_conninfo), both started with pg_ctl. Trust
 * authentication on 127.0.0.1 only. Call destroy() in an afterAll.
 */
export async function startReplicatedPostgres(): Promise<ReplicatedPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(`${PG_BIN}/initdb is missing: install Debian's postgresql-15 package (.ci/run does), or set REPLICA_PG_BIN`);
  }
  const root = mkdtempSync(join(tmpdir(), 'pizzeria-replicated-'));
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  if (process.getuid?.() === 0) chownSync(root, uid('postgres'), gid('postgres'));
  const started: PgServer[] = [];
  // pg_ctl's servers outlive this process: if it ends without destroy() (a killed worker), stop them on the way out.
  const onExit = () => {
    for (const s of started) {
      try {
        execFileSync(...postgresCommand('pg_ctl', ['stop', '-D', s.dataDir, '-m', 'immediate']), { stdio: 'ignore', timeout: 10_000 });
      } catch {
        // already stopped
      }
    }
  };
  process.once('exit', onExit);
  const destroy = async () => {
    process.removeListener('exit', onExit);
    for (const s of started.splice(0).reverse()) await s.stop('immediate').catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await asPostgres('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    writeFileSync(join(primaryDir, 'postgresql.auto.conf'), SERVER_OPTIONS.join('\n') + '\n');
    const primary = server('primary', primaryDir, await freePort());
    await primary.start();
    started.push(primary);

    const replicaPort = await freePort();
    // -R writes the standby's primary_conninfo; -X stream copies the WAL the backup needs alongside it.
    await asPostgres('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '--no-sync',
    ]);
    const replica = server('replica', replicaDir, replicaPort);
    await replica.start();
    started.push(replica);

    const waitForReplay = async (timeoutMs = 15_000) => {
      // The insert position, not the write one: the test servers commit asynchronously, so a commit's record may still be in the WAL buffers.
      const [{ lsn }] = await primary.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await replica
          .query<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn])
          .catch(() => [{ done: false }]);
        if (row?.done) return;
        if (Date.now() > deadline) throw new Error(`the replica had not replayed up to ${lsn} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await waitForReplay();
    return {
      primary,
      replica,
      async createDatabase(name) {
        await primary.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        await waitForReplay();
      },
      waitForReplay,
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}

/**
 * One PostgreSQL 15 server of its own (no replica), on a free loopback port,
 * for a test that needs Debian's server binaries and tools to match (pg_dump
 * refuses a server newer than itself). Call destroy() in an afterAll.
 */
export async function startPostgres(): Promise<{ server: PgServer; destroy(): Promise<void> }> {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(`${PG_BIN}/initdb is missing: install Debian's postgresql-15 package (.ci/run does), or set REPLICA_PG_BIN`);
  }
  const root = mkdtempSync(join(tmpdir(), 'pizzeria-postgres-'));
  const dataDir = join(root, 'data');
  if (process.getuid?.() === 0) chownSync(root, uid('postgres'), gid('postgres'));
  let running: PgServer | undefined;
  // pg_ctl's server outlives this process: if it ends without destroy(), stop it on the way out.
  const onExit = () => {
    if (!running) return;
    try {
      execFileSync(...postgresCommand('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate']), { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // already stopped
    }
  };
  process.once('exit', onExit);
  const destroy = async () => {
    process.removeListener('exit', onExit);
    await running?.stop('immediate').catch(() => undefined);
    running = undefined;
    await rm(root, { recursive: true, force: true });
  };
  try {
    await asPostgres('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    writeFileSync(join(dataDir, 'postgresql.auto.conf'), SERVER_OPTIONS.join('\n') + '\n');
    const started = server('primary', dataDir, await freePort());
    await started.start();
    running = started;
    return { server: started, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

function idOf(flag: '-u' | '-g', name: string): number {
  // Synchronous on purpose: called once, before anything else is started.
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}
const uid = (name: string) => idOf('-u', name);
const gid = (name: string) => idOf('-g', name);
