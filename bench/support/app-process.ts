import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { sleep } from './stats.js';

export const STAFF_TOKEN = 'bench-staff-token-0123456789abcdef';
/** Production needs WEBHOOK_SECRET_KEYS; the bench's webhooks (none) need no secret kept across runs. */
export const WEBHOOK_SECRET_KEYS = `bench:${Buffer.alloc(32, 7).toString('base64')}`;
/** Production needs PII_MASTER_KEY too; each bench database gets its keyring from it on first start. */
export const PII_MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

/** USER_HZ: Linux reports process CPU times in hundredths of a second. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface AppProcessOptions {
  script: string;
  env?: Record<string, string>;
  nodeFlags?: string[];
  logFile: string;
  /** A path answering 2xx once the process is ready. */
  readyPath: string;
}

/**
 * A server under test in a process of its own, so its memory and CPU are its
 * own: the app (`node dist/main.js`) or the same-work reference (bench/reference-app.ts).
 */
export class AppProcess {
  private peakRssKb = 0;
  private sampler: NodeJS.Timeout | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(options: AppProcessOptions): Promise<AppProcess> {
    const port = await freePort();
    mkdirSync(resolve(options.logFile, '..'), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.script], {
      env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const app = new AppProcess(child, port);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${options.script} exited with ${child.exitCode}; see ${options.logFile}`);
      const ok = await fetch(`${app.url}${options.readyPath}`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${options.script} did not become ready; see ${options.logFile}`);
      await sleep(200);
    }
    app.sampler = setInterval(() => void app.sample(), 250);
    return app;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The highest resident set seen, from the kernel's own high-water mark (VmHWM). */
  async peakRssMb(): Promise<number> {
    await this.sample();
    return this.peakRssKb / 1024;
  }

  /** CPU time (user + system) the process has used so far, in milliseconds. */
  async cpuMs(): Promise<number> {
    const stat = await readFile(`/proc/${this.child.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th, in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  }

  /** SIGINT lets the app shut down cleanly (and write its --cpu-prof profile). */
  async stop(): Promise<number> {
    const peak = await this.peakRssMb();
    clearInterval(this.sampler);
    if (this.child.exitCode === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGINT');
      const timeout = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timeout);
    }
    return peak;
  }

  private async sample(): Promise<void> {
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8').catch(() => '');
    for (const field of ['VmHWM', 'VmRSS']) {
      const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      this.peakRssKb = Math.max(this.peakRssKb, kb);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
