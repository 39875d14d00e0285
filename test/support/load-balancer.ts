import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AppProcess, freePort, PROJECT_ROOT, sleep } from './app-process.js';

const HAPROXY = '/usr/sbin/haproxy';

export interface LoadBalancer {
  readonly url: string;
  /** What HAProxy printed (one line per request, and its health checks' verdicts). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * HAProxy with the project's own deploy/haproxy.cfg (the one docker compose's
 * production profile runs) in front of up to three app processes, on a free
 * loopback port; ready once a request through it is answered.
 */
export async function startLoadBalancer(apps: readonly AppProcess[]): Promise<LoadBalancer> {
  if (!existsSync(HAPROXY)) throw new Error(`${HAPROXY} is missing: apt-get install haproxy (.ci/run installs it)`);
  const port = await freePort();
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HAPROXY_BIND: `127.0.0.1:${port}` };
  apps.forEach((app, i) => (env[`APP_${i + 1}`] = `127.0.0.1:${app.port}`));
  const child = spawn(HAPROXY, ['-db', '-f', join(PROJECT_ROOT, 'deploy/haproxy.cfg')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const balancer: LoadBalancer = {
    url: `http://127.0.0.1:${port}`,
    output: () => lines.join('\n'),
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await gone;
    },
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`haproxy exited at start:\n${balancer.output()}`);
    const res = await fetch(`${balancer.url}/menu`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    if (res?.status === 200) return balancer;
    if (Date.now() > deadline) {
      await balancer.stop();
      throw new Error(`haproxy did not answer within 15 s:\n${balancer.output()}`);
    }
    await sleep(50);
  }
}
