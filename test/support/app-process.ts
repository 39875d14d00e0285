import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const FAULT_STAFF_TOKEN = 'fault-test-staff-token-0123456789';
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A loopback port nobody holds right now. */
export function freePort(): Promise<number> {
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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface AppProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly exited: boolean;
  /** What the process printed: its first 200 lines and its last 400. */
  output(): string;
  /** Sends the signal (SIGKILL unless told) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<AppProcess>();

/**
 * Starts `node dist/main.js` (built by `npm test` before Jest runs) on a loopback
 * port of its own, and waits until GET /menu answers.
 */
export async function startApp(name: string, env: Record<string, string>, readyTimeoutMs = 45_000): Promise<AppProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build with \`npx tsc -p tsconfig.build.json\` (npm test does)`);
  const port = await freePort();
  const childEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    STAFF_API_TOKEN: FAULT_STAFF_TOKEN,
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    PROJECTION_LOCK_RETRY_MS: '100',
    LOG_FORMAT: 'json',
    ...env,
  };
  for (const variable of ['DATABASE_URL', 'EMBEDDED_PG_DIR', 'EMBEDDED_PG_PORT']) if (!(variable in env)) delete childEnv[variable];
  const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: PROJECT_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const head: string[] = [];
  const lines: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) (head.length < 200 ? head : lines).push(line);
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on('data', remember);
  child.stderr!.on('data', remember);
  let exited = false;
  let killed = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      // Nobody asked it to go: say why, for whoever reads the test's output.
      if (!killed)
        process.stderr.write(
          `[${name}] exited by itself (code ${code}, signal ${signal}):\n${[...head, ...lines].slice(-60).join('\n')}\n`,
        );
      resolve();
    }),
  );
  const app: AppProcess = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    get exited() {
      return exited;
    },
    output: () => [...head, ...lines].join('\n'),
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      killed = true;
      if (!exited) child.kill(signal);
      await gone;
      running.delete(app);
    },
  };
  running.add(app);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited before it was ready:\n${app.output().slice(-3000)}`);
    try {
      const res = await fetch(`${app.url}/menu`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.kill();
      throw new Error(`${name} was not ready after ${readyTimeoutMs} ms:\n${app.output().slice(-3000)}`);
    }
    await sleep(50);
  }
}

/** Every app process a test started and has not killed: for afterAll, and for failures half-way. */
export async function killAllApps(): Promise<void> {
  await Promise.all([...running].map((app) => app.kill()));
}

/** The postmaster's pid and port, from the data folder's postmaster.pid. */
export async function postmasterOf(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const text = await readFile(`${dataDir}/postmaster.pid`, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Processes whose parent is `pid`: a postmaster's backends and workers. */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

/** Processes working in a data folder: PostgreSQL's all run there. */
async function processesIn(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    if ((await readlink(`/proc/${entry}/cwd`).catch(() => '')) === dataDir) pids.push(Number(entry));
  }
  return pids.filter((pid) => pid !== process.pid);
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(20);
}

/** A database crash: SIGKILL the postmaster and every one of its children at once. */
export async function crashPostgres(dataDir: string): Promise<number> {
  const postmaster = await postmasterOf(dataDir);
  if (!postmaster || !isAlive(postmaster.pid)) throw new Error(`no PostgreSQL is running in ${dataDir}`);
  const victims = [postmaster.pid, ...(await childrenOf(postmaster.pid))];
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitGone(victims, 5_000);
  return postmaster.pid;
}

/** Stops whatever PostgreSQL still runs in `dataDir` (politely, then not) and removes the folder. */
export async function removeDataDir(dataDir: string): Promise<void> {
  const postmaster = await postmasterOf(dataDir);
  if (postmaster && isAlive(postmaster.pid)) {
    try {
      process.kill(postmaster.pid, 'SIGINT');
    } catch {
      // already gone
    }
    await waitGone([postmaster.pid], 10_000);
  }
  const left = await processesIn(dataDir);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitGone(left, 5_000);
  await rm(dataDir, { recursive: true, force: true });
}
