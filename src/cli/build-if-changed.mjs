// Compiles dist/ only when a source or build setting is newer than the last
// build, so `npm start` and the CLI tasks cost no compile (about 3 s even when
// incremental, 6 s from nothing) when nothing changed. Plain JavaScript: it
// runs before there is anything compiled.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const BUILD_INFO = 'dist/.tsbuildinfo';

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const sources = Math.max(newestIn('src'), mtime('tsconfig.json'), mtime('tsconfig.build.json'), mtime('package-lock.json'));
if (sources > mtime(BUILD_INFO)) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // tsc leaves its build info alone when no output changed (a file only touched): mark the check done.
  const now = new Date();
  utimesSync(BUILD_INFO, now, now);
}
