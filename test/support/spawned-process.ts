import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** The compiled app: `npm test` builds dist/ before Jest runs (run `npm run build` when calling Jest yourself). */
export function distFile(file: string): string {
  const path = resolve(process.cwd(), 'dist', file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  return path;
}

/**
 * A working directory without a .env, so a developer's own .env can not leak
 * into a spawned app (it loads .env from its working directory).
 */
export function cleanWorkingDirectory(): string {
  const dir = resolve(process.cwd(), '.data', 'spawned-cwd');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching, or rejects after the time limit or when the process exits. */
  line(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the process has exited, or rejects after the time limit. */
  exit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `node <script> …args` with only the given environment (and PATH), output captured line by line; stdin given or none. */
export function spawnNode(script: string, args: string[], env: Record<string, string>, stdin?: string): Spawned {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: cleanWorkingDirectory(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Given or not, stdin ends at once: no task ever waits on a terminal.
  child.stdin.end(stdin ?? '');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const collect = (into: string[], notify: boolean) => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        into.push(line);
        if (notify) for (const listener of listeners) listener(line);
      }
    };
  };
  child.stdout.on('data', collect(stdout, true));
  child.stderr.on('data', collect(stderr, false));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );

  return {
    child,
    stdout,
    stderr,
    line(pattern, timeoutMs) {
      const found = stdout.find((line) => pattern.test(line));
      if (found) return Promise.resolve(found);
      return new Promise((done, fail) => {
        const timer = setTimeout(
          () =>
            stop(
              new Error(
                `No line matching ${pattern} within ${timeoutMs} ms.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        const listener = (line: string) => pattern.test(line) && stop(undefined, line);
        const stop = (error?: Error, line?: string) => {
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) fail(error);
          else done(line!);
        };
        listeners.add(listener);
        void exited.then(({ code, signal }) =>
          stop(
            new Error(
              `Exited (${code ?? signal}) before a line matching ${pattern}.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          ),
        );
      });
    },
    exit(timeoutMs) {
      return Promise.race([
        exited,
        new Promise<never>((_, fail) =>
          setTimeout(() => {
            child.kill('SIGKILL');
            fail(
              new Error(
                `Still running after ${timeoutMs} ms: killed.\nstdout:\n${stdout.slice(-20).join('\n')}\nstderr:\n${stderr.join('\n')}`,
              ),
            );
          }, timeoutMs).unref(),
        ),
      ]);
    },
  };
}
